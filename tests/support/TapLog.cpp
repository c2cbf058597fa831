#include "TapLog.h"

#include <chrono>

namespace rtmtap::test {

void TapLog::onSessionStart(const SessionInfo& info) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        starts_.push_back(info);
    }
    changed_.notify_all();
}

void TapLog::onMessage(const Message& message) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        messages_.push_back(message);
    }
    changed_.notify_all();
}

void TapLog::onSessionEnd(const SessionEnd& end) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ends_.push_back(end);
    }
    changed_.notify_all();
}

std::vector<SessionInfo> TapLog::starts() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return starts_;
}

std::vector<Message> TapLog::messages() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return messages_;
}

std::vector<SessionEnd> TapLog::ends() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return ends_;
}

bool TapLog::waitForEnds(size_t n, int timeoutMs) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return ends_.size() >= n; });
}

bool TapLog::waitForMessages(size_t n, int timeoutMs) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return messages_.size() >= n; });
}

}  // namespace rtmtap::test
