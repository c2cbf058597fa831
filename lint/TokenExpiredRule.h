#pragma once
// token-expired: a ws_auth whose token's expiry claim has already passed when it is sent. The
// claim is "YYYY-MM-DD hh:mm:ss" in the server's local time; lint has no way to know that zone and
// reads it as UTC (and says so).
#include "LintRule.h"

namespace rtmtap {

class TokenExpiredRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
