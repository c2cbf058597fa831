#pragma once
// unknown-command: a client JSON object whose command the catalogue does not know as a client
// command, one of the server's internal commands, or no string "command" at all. The real server
// drops the connection for each (protocol-notes.md).
#include "LintRule.h"

namespace rtmtap {

class UnknownCommandRule : public LintRule {
public:
    const char* id() const override { return "unknown-command"; }
    void onSessionStart(int64_t) override {}
    void onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
