#pragma once
// invalid-json: a client text frame that is not a JSON object (not JSON, or null, an array, a
// scalar): the real server drops the connection (protocol-notes.md).
#include "LintRule.h"

namespace rtmtap {

class InvalidJsonRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
