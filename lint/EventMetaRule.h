#pragma once
// event-meta: a server event without a string `meta.api` (airsend-rtm.md: every event has
// {"meta":{"api":"v1"}, "event", "payload"}). The {"event":"pong"} answer to ws_ping carries
// no meta by design (protocol-notes.md) and is left alone. Said once per session and event.
#include "LintRule.h"

#include <set>
#include <string>

namespace rtmtap {

class EventMetaRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    std::set<std::string> reported_;  // event names already reported this session
};

}  // namespace rtmtap
