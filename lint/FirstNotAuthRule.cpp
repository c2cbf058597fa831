#include "FirstNotAuthRule.h"

namespace rtmtap {

void FirstNotAuthRule::onSessionStart(int64_t) {
    seenFirst_ = false;
}

void FirstNotAuthRule::onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) {
    if (seenFirst_ || frame.shape == ClientFrame::Shape::NotChecked) {
        return;
    }
    seenFirst_ = true;
    if (frame.hasCommand && frame.command == "ws_auth") {
        return;
    }
    if (frame.hasCommand && frame.command == "ws_ping") {
        out.push_back(Finding::at(m, id(), Severity::Info,
                                  "the client's first message is ws_ping, not ws_auth: the document requires ws_auth "
                                  "first, the real server answers ws_ping before auth anyway"));
        return;
    }
    std::string what = frame.hasCommand ? "'" + frame.command + "'" : "a frame with no command";
    out.push_back(Finding::at(m, id(), Severity::Warn,
                              "the client's first message is " + what +
                                  ", not ws_auth: until it authenticates the socket receives no events"));
}

}  // namespace rtmtap
