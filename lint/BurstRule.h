#pragma once
// burst: more client commands (warn) or server events (info) within one second than normal
// traffic has, one finding per burst, at its first frame, once the burst is over.
#include "BurstWindow.h"
#include "LintRule.h"

namespace rtmtap {

class BurstRule : public LintRule {
public:
    // The real web client sends ws_ping every 10 s, typing at most every 2-3 s per channel and
    // read notifications debounced by 1 s per channel (reactions go over HTTP): a user busy in
    // several channels sends a few commands a second, so more than 10 is a loop or no throttle.
    static constexpr size_t kCommandsPerSecond = 10;
    // Events follow what every member of a channel does; a busy channel gives tens a second, so
    // only more than 50 is reported, and only as info: the server does nothing wrong by it.
    static constexpr size_t kEventsPerSecond = 50;

    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
    void onSessionEnd(const LintSessionEnd& end, const LintSession& session, std::vector<Finding>& out) override;

private:
    void report(const std::optional<Burst>& burst, bool commands, std::vector<Finding>& out) const;

    BurstWindow commands_{kCommandsPerSecond};
    BurstWindow events_{kEventsPerSecond};
};

}  // namespace rtmtap
