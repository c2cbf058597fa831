#pragma once
// token-reused: a session authenticates with the token of an earlier session that was dropped,
// i.e. the client reconnected without calling rtm.connect again (the web client always does).
// Reads the shared session history (LintSession::history).
#include "LintRule.h"

namespace rtmtap {

class TokenReusedRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    bool checked_ = false;
};

}  // namespace rtmtap
