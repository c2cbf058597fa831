#pragma once
// A child process (by default the rtmtap binary) for process-level tests: its stdout and stderr
// are read into buffers by a background thread, so the child never blocks on a full pipe, and
// every wait has a timeout. The destructor kills (SIGKILL) and reaps a child that is still
// running, so no test leaves a process behind or hangs.
#include <sys/types.h>

#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <regex>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {

struct ExitStatus {
    bool exited = false;    // ended by exit(); code holds the status
    int code = -1;
    int signal = 0;         // ended by this signal (0 when it exited)
    bool timedOut = false;  // did not end in time: it was killed with SIGKILL
    std::string describe() const;  // "exit 2", "signal 9", "timed out (killed)"
};

// What a finished run printed, and how it ended.
struct RunResult {
    ExitStatus status;
    std::string out, err;
    int code() const { return status.exited ? status.code : -1; }  // -1: a signal or a timeout
};

class Process {
public:
    // Starts binary with args (not including argv[0]); stdin is /dev/null. Signals get their
    // default actions in the child even when the test ignores them (SIGPIPE). Throws
    // std::runtime_error when the process cannot be started.
    // withStdin: stdin is a pipe the test writes with writeStdin() and ends with closeStdin().
    explicit Process(std::vector<std::string> args, std::string binary = RTMTAP_BINARY, bool withStdin = false);
    ~Process();
    Process(const Process&) = delete;
    Process& operator=(const Process&) = delete;

    pid_t pid() const { return pid_; }

    // Waits for "rtmtap: listening on ws://HOST:PORT" (or wss://) on stdout and returns PORT;
    // 0 when the output ended (the child exited) or timeoutMs passed first.
    uint16_t waitForListening(int timeoutMs = 20000);
    std::string listeningLine() const;  // the whole line, "" before it arrived
    // Waits for pattern in stdout and returns its first group; "" when the output ended (the
    // child exited) or timeoutMs passed first.
    std::string waitForMatch(const std::regex& pattern, int timeoutMs = 20000);

    void signal(int sig);
    // With withStdin: writes text to the child's stdin (false when it is closed or the child is
    // gone); closeStdin() sends it EOF.
    bool writeStdin(const std::string& text);
    void closeStdin();
    // Waits for the child to end; after timeoutMs it is killed with SIGKILL (timedOut = true).
    // Also waits (briefly) for the output pipes to drain. Repeated calls return the same status.
    ExitStatus waitExit(int timeoutMs = 20000);

    std::string out() const;  // everything read from stdout so far
    std::string err() const;  // everything read from stderr so far
    // stderr split into lines, empty lines dropped.
    std::vector<std::string> errLines() const;

    // Runs binary with args to completion (killed after timeoutMs); fills out/err.
    static ExitStatus run(const std::vector<std::string>& args, std::string& out, std::string& err,
                          int timeoutMs = 20000, const std::string& binary = RTMTAP_BINARY);
    // The same, all in one value.
    static RunResult capture(const std::vector<std::string>& args, int timeoutMs = 20000);

private:
    void spawn(const std::string& binary, const std::vector<std::string>& args, int inFd, int outFd, int errFd);
    void readLoop(int outFd, int errFd);

    pid_t pid_ = -1;
    int stdin_ = -1;
    bool reaped_ = false;
    ExitStatus status_;
    std::thread reader_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    std::string out_, err_;
    bool outputEnded_ = false;
};

}  // namespace rtmtap::test
