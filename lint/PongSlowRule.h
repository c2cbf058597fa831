#pragma once
// pong-slow: the client's pong came late, and how close it came to the drop. Warn above half the
// ping interval (12.5 s of the real 25 s: one more stall of that size and the client is dropped),
// info above a fifth (5 s: the web client itself gives up on its own ws_ping after 5 s).
#include "LintRule.h"
#include "ServerPings.h"

namespace rtmtap {

class PongSlowRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    ServerPings pings_;
};

}  // namespace rtmtap
