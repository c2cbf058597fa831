#pragma once
// A tap that keeps what the relay announced in memory, with timed waits: ProxyHarness installs one
// beside the recorder (to tell a relay bug from a store bug), unit tests give one to a Relay or
// an EventLoop directly.
#include "protocol/Tap.h"

#include <condition_variable>
#include <cstddef>
#include <mutex>
#include <vector>

namespace rtmtap::test {

class TapLog : public Tap {
public:
    void onSessionStart(const SessionInfo& info) override;
    void onMessage(const Message& message) override;
    void onSessionEnd(const SessionEnd& end) override;

    std::vector<SessionInfo> starts() const;
    std::vector<Message> messages() const;
    std::vector<SessionEnd> ends() const;
    bool waitForEnds(size_t n, int timeoutMs = 10000) const;
    bool waitForMessages(size_t n, int timeoutMs = 10000) const;

private:
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<SessionInfo> starts_;
    std::vector<Message> messages_;
    std::vector<SessionEnd> ends_;
};

}  // namespace rtmtap::test
