#include "InvalidJsonRule.h"

#include "ServerDrop.h"

namespace rtmtap {

const RuleInfo& InvalidJsonRule::info() const {
    static const RuleInfo kInfo{
        "invalid-json", Severity::Error, "protocol-notes.md: WebSocket behaviour of the real server",
        "a client frame that is not a JSON object",
        "Every command is a JSON object. The real server drops the connection on invalid JSON, on JSON "
        "null and on anything but an object, without a close frame: the app sees code 1006 and "
        "reconnects, losing what was in flight.",
        "c2s text {\"command\":\"ws_ping\"      <- cut short\nc2s text null"};
    return kInfo;
}

void InvalidJsonRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    const ServerDrop drop = serverDropFor(frame);
    if (drop == ServerDrop::NotJson) {
        out.push_back(Finding::at(frame.message, info(), Severity::Error,
                                  "the client sent a text frame that is not JSON: the real server drops the connection"));
    } else if (drop == ServerDrop::NotObject) {
        out.push_back(Finding::at(frame.message, info(), Severity::Error,
                                  "the client sent JSON that is not an object (null, an array or a scalar): the real "
                                  "server drops the connection"));
    }
}

}  // namespace rtmtap
