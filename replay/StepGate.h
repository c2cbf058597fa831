#pragma once
// `rtmtap replay --step`: before each server frame the replay shows it and waits for a line on its
// input (a terminal or a pipe): Enter or "n" sends it and stops before the next, "c" sends it and
// continues on time, "s" skips it, "q" ends the replay. The end of the input counts as "c", so a
// script that closes stdin lets the replay run on.
//
// One reader thread takes lines from the input, so a waiting replay can be cancelled (its client
// went away) without waiting for a line that may never come.
#include <atomic>
#include <condition_variable>
#include <deque>
#include <istream>
#include <mutex>
#include <ostream>
#include <string>
#include <thread>

namespace rtmtap {

class StepGate {
public:
    enum class Answer { Next, Continue, Skip, Quit, Cancelled };

    StepGate(std::istream& in, std::ostream& prompt);
    ~StepGate();  // waits for the end of the input: on a terminal, keep the gate to the process's end
    StepGate(const StepGate&) = delete;
    StepGate& operator=(const StepGate&) = delete;

    // Shows what is about to be sent and waits for an answer (one asker at a time); Cancelled
    // once cancelled is true (set it, then call wake()).
    Answer ask(const std::string& what, const std::atomic<bool>& cancelled);
    void wake();

private:
    void readLoop();
    static bool parse(const std::string& line, Answer& out);

    std::istream& in_;
    std::ostream& prompt_;
    std::mutex askMutex_;  // one question at a time
    std::mutex mutex_;
    std::condition_variable changed_;
    std::deque<std::string> lines_;
    bool eof_ = false;
    std::thread reader_;
};

}  // namespace rtmtap
