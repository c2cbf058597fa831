#pragma once
// command-before-auth: a known command sent before ws_auth. The document says the server
// terminates the connection; the real server ignores the command silently (protocol-notes.md),
// so either way it never takes effect.
#include "LintRule.h"

namespace rtmtap {

class CommandBeforeAuthRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    bool authSent_ = false;
};

}  // namespace rtmtap
