#pragma once
// close-code: a close frame from the client with a code no endpoint may send (RFC 6455 7.4.1,
// 7.4.2), or a body of one byte. Fine: no body, 1000-1003, 1007-1014 and 3000-4999 (the set the
// real server's WebSocket library, Node ws, accepts; the web client sends 3000).
#include "LintRule.h"

namespace rtmtap {

class CloseCodeRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
