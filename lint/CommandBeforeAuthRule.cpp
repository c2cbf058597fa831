#include "CommandBeforeAuthRule.h"

#include "protocol/Catalogue.h"

namespace rtmtap {

void CommandBeforeAuthRule::onSessionStart(int64_t) {
    authSent_ = false;
}

void CommandBeforeAuthRule::onMessage(const Message& m, const ClientFrame& frame, std::vector<Finding>& out) {
    if (authSent_ || !frame.hasCommand) {
        return;
    }
    if (frame.command == "ws_auth") {
        authSent_ = true;
        return;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.command, Direction::ClientToServer);
    // Unknown and internal commands are unknown-command's: the server drops those, auth or not.
    if (!entry || entry->flavour == Flavour::Internal || frame.command == "ws_ping") {
        return;
    }
    out.push_back(Finding::at(m, id(), Severity::Warn,
                              "'" + frame.command +
                                  "' was sent before ws_auth: the real server ignores it silently (the document "
                                  "says it terminates the connection), so it never takes effect"));
}

}  // namespace rtmtap
