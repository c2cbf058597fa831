#include "CloseCodeRule.h"

#include "protocol/CloseFrame.h"

#include <string>

namespace rtmtap {
namespace {

// Why a client may not send code, or "" when it may.
std::string whyNot(int code) {
    if (code == 1004 || code == 1005 || code == 1006 || code == 1015) {
        return "which RFC 6455 reserves for reporting and no endpoint may send";
    }
    if (code < 1000) {
        return "below 1000, a range RFC 6455 never uses";
    }
    if (code >= 1016 && code <= 2999) {
        return "which is reserved for future versions of the protocol and not assigned";
    }
    if (code >= 5000) {
        return "above 4999, outside every range RFC 6455 defines";
    }
    return "";
}

}  // namespace

const RuleInfo& CloseCodeRule::info() const {
    static const RuleInfo kInfo{
        "close-code", Severity::Warn, "protocol-notes.md: The real web client",
        "a close frame from the client with a code a client must not send",
        "RFC 6455 7.4 forbids sending 1004, 1005, 1006 and 1015 (they only report what happened), uses no "
        "code below 1000, and leaves 1016-2999 unassigned; a close body must be empty or hold a 2-byte code. "
        "The real server's WebSocket library (Node ws) answers such a frame as a protocol error (1002) "
        "instead of completing the close, so the app's own code and reason never arrive and the server logs "
        "an error. Fine: no body, 1000-1003, 1007-1014, 3000-4999 (the web client closes with 3000 before "
        "it reconnects; browsers themselves only let an app send 1000 and 3000-4999).",
        "c2s close 1006 going away      <- 1006 is only ever reported, never sent"};
    return kInfo;
}

void CloseCodeRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    const Message& m = frame.message;
    if (!frame.fromClient() || !frame.is(Opcode::Close) || (m.flags & MessageFlag::Synthetic) || m.payload.empty()) {
        return;  // the proxy's own close frames are not the client's; no body is fine
    }
    if (m.payload.size() == 1) {
        out.push_back(Finding::at(m, info(), Severity::Warn,
                                  "the client's close frame has a 1-byte body, where a close code takes 2: the "
                                  "server answers it as a protocol error (1002) instead of closing cleanly"));
        return;
    }
    const int code = closeCodeOf(m.payload, 1005);
    const std::string why = whyNot(code);
    if (why.empty()) {
        return;
    }
    out.push_back(Finding::at(m, info(), Severity::Warn,
                              "the client closed with code " + std::to_string(code) + ", " + why +
                                  ": the server answers it as a protocol error (1002) instead of closing cleanly"));
}

}  // namespace rtmtap
