#pragma once
// first-not-auth: the client's first text frame is not ws_auth (airsend-rtm.md: "The first
// message from the client must be the ws_auth command"). ws_ping first is only info: the real
// server answers it before auth (protocol-notes.md).
#include "LintRule.h"

namespace rtmtap {

class FirstNotAuthRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    bool seenFirst_ = false;
};

}  // namespace rtmtap
