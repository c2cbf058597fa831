#pragma once
// pong-missing: a protocol ping from the server that no client pong followed before the server's
// next ping, or before the connection dropped. The real server drops such a client at that next
// tick, without a close frame (protocol-notes.md).
#include "LintRule.h"
#include "ServerPings.h"

namespace rtmtap {

class PongMissingRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
    void onSessionEnd(const LintSessionEnd& end, const LintSession& session, std::vector<Finding>& out) override;

private:
    ServerPings pings_;
};

}  // namespace rtmtap
