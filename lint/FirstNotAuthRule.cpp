#include "FirstNotAuthRule.h"

namespace rtmtap {

const RuleInfo& FirstNotAuthRule::info() const {
    static const RuleInfo kInfo{
        "first-not-auth", Severity::Warn, "airsend-rtm.md: Establishing RTM Connection",
        "the client's first message is not ws_auth",
        "The document says the first message must be ws_auth with the ws_token from rtm.connect; until "
        "it arrives the socket receives no events, so an app that sends something else first (or waits "
        "for a welcome that never comes) sees a silent connection. ws_ping first is only info: the real "
        "server answers it before auth.",
        "c2s text {\"command\":\"ws_ephemeral_typing\",\"channel_id\":\"11010000\"}   <- first frame\n"
        "c2s text {\"command\":\"ws_auth\",\"auth_token\":\"eyJ...\"}"};
    return kInfo;
}

void FirstNotAuthRule::onSessionStart(const LintSession&) {
    seenFirst_ = false;
}

void FirstNotAuthRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (seenFirst_ || !frame.fromClient() || frame.shape == LintFrame::Shape::NotChecked) {
        return;
    }
    seenFirst_ = true;
    if (frame.isCommand() && frame.name == "ws_auth") {
        return;
    }
    if (frame.isCommand() && frame.name == "ws_ping") {
        out.push_back(Finding::at(frame.message, info(), Severity::Info,
                                  "the client's first message is ws_ping, not ws_auth: the document requires ws_auth "
                                  "first, the real server answers ws_ping before auth anyway"));
        return;
    }
    std::string what = frame.isCommand() ? "'" + frame.name + "'" : "a frame with no command";
    out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                              "the client's first message is " + what +
                                  ", not ws_auth: until it authenticates the socket receives no events"));
}

}  // namespace rtmtap
