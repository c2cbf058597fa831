#include "StepGate.h"

#include <algorithm>
#include <cctype>

namespace rtmtap {

StepGate::StepGate(std::istream& in, std::ostream& prompt) : in_(in), prompt_(prompt) {
    reader_ = std::thread([this] { readLoop(); });
    // Detached: a read from a terminal cannot be interrupted. The destructor waits for the end
    // of the input, so a gate on a terminal is made once and left to the end of the process.
    reader_.detach();
}

StepGate::~StepGate() {
    std::unique_lock lock(mutex_);
    changed_.wait(lock, [this] { return eof_; });
}

void StepGate::readLoop() {
    std::string line;
    while (std::getline(in_, line)) {
        std::lock_guard lock(mutex_);
        lines_.push_back(line);
        changed_.notify_all();
    }
    std::lock_guard lock(mutex_);
    eof_ = true;
    changed_.notify_all();
}

bool StepGate::parse(const std::string& line, Answer& out) {
    std::string word;
    for (char c : line) {
        if (!std::isspace(static_cast<unsigned char>(c))) {
            word += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (word.empty() || word == "n" || word == "next") {
        out = Answer::Next;
    } else if (word == "c" || word == "continue") {
        out = Answer::Continue;
    } else if (word == "s" || word == "skip") {
        out = Answer::Skip;
    } else if (word == "q" || word == "quit") {
        out = Answer::Quit;
    } else {
        return false;
    }
    return true;
}

StepGate::Answer StepGate::ask(const std::string& what, const std::atomic<bool>& cancelled) {
    std::lock_guard one(askMutex_);
    prompt_ << "step: " << what << "\nstep: [Enter/n] send  [c] continue on time  [s] skip  [q] quit > " << std::flush;
    std::unique_lock lock(mutex_);
    for (;;) {
        changed_.wait(lock, [&] { return !lines_.empty() || eof_ || cancelled.load(); });
        if (cancelled.load()) {
            prompt_ << "(the client went away)" << std::endl;
            return Answer::Cancelled;
        }
        if (lines_.empty()) {
            prompt_ << "(end of input: continuing on time)" << std::endl;
            return Answer::Continue;
        }
        std::string line = lines_.front();
        lines_.pop_front();
        Answer answer;
        if (parse(line, answer)) {
            return answer;
        }
        prompt_ << "step: '" << line << "'? answer n, c, s or q > " << std::flush;
    }
}

void StepGate::wake() {
    std::lock_guard lock(mutex_);
    changed_.notify_all();
}

}  // namespace rtmtap
