#include "CommandBeforeAuthRule.h"

#include "protocol/Catalogue.h"

namespace rtmtap {

const RuleInfo& CommandBeforeAuthRule::info() const {
    static const RuleInfo kInfo{
        "command-before-auth", Severity::Warn, "airsend-rtm.md: CLIENT to SERVER commands",
        "a command sent before ws_auth",
        "The document says a message before authentication terminates the connection; the real server "
        "ignores the command silently instead. Either way the typing notice, read mark or reaction is "
        "lost, which shows in the app as a read that never sticks or a reaction that vanishes.",
        "c2s text {\"command\":\"ws_read_notification\",\"channel_id\":\"1\",\"message_id\":\"2\"}\n"
        "c2s text {\"command\":\"ws_auth\",\"auth_token\":\"eyJ...\"}"};
    return kInfo;
}

void CommandBeforeAuthRule::onSessionStart(const LintSession&) {
    authSent_ = false;
}

void CommandBeforeAuthRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (authSent_ || !frame.isCommand()) {
        return;
    }
    if (frame.name == "ws_auth") {
        authSent_ = true;
        return;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.name, Direction::ClientToServer);
    // Unknown and internal commands are unknown-command's: the server drops those, auth or not.
    if (!entry || entry->flavour == Flavour::Internal || frame.name == "ws_ping") {
        return;
    }
    out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                              "'" + frame.name +
                                  "' was sent before ws_auth: the real server ignores it silently (the document "
                                  "says it terminates the connection), so it never takes effect"));
}

}  // namespace rtmtap
