#pragma once
// invalid-json: a client text frame that is not a JSON object (not JSON, or null, an array, a
// scalar). The real server drops the connection (protocol-notes.md).
#include "LintRule.h"

namespace rtmtap {

class InvalidJsonRule : public LintRule {
public:
    const char* id() const override { return "invalid-json"; }
    void onSessionStart(int64_t) override {}
    void onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
