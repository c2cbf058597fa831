#include "UnknownCommandRule.h"

#include "ServerDrop.h"

namespace rtmtap {

const RuleInfo& UnknownCommandRule::info() const {
    static const RuleInfo kInfo{
        "unknown-command", Severity::Error, "airsend-rtm.md: CLIENT to SERVER commands",
        "a command the protocol does not have, an internal one, or none",
        "The server terminates the connection on any unknown message. The app then reconnects (the web "
        "client after 10 s) and everything in between is lost: a typo in a command name looks like a "
        "flaky network.",
        "c2s text {\"command\":\"ws_typing\",\"channel_id\":\"11010000\"}   <- no such command"};
    return kInfo;
}

void UnknownCommandRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    switch (serverDropFor(frame)) {
    case ServerDrop::NoCommand:
        out.push_back(Finding::at(frame.message, info(), Severity::Error,
                                  "the client sent a JSON object without a string \"command\": the real server drops "
                                  "the connection"));
        break;
    case ServerDrop::UnknownCommand:
        out.push_back(Finding::at(frame.message, info(), Severity::Error,
                                  "the client sent '" + frame.name +
                                      "', a command the protocol does not have: the real server drops the connection"));
        break;
    case ServerDrop::InternalCommand:
        out.push_back(Finding::at(frame.message, info(), Severity::Error,
                                  "the client sent '" + frame.name +
                                      "', one of the server's internal commands: the real server drops the connection"));
        break;
    default: break;
    }
}

}  // namespace rtmtap
