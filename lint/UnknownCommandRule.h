#pragma once
// unknown-command: a client JSON object without a string "command", with a command the
// protocol does not have, or with one of the server's internal commands: the real server drops
// the connection for each (protocol-notes.md).
#include "LintRule.h"

namespace rtmtap {

class UnknownCommandRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
