#include "UnknownEventRule.h"

#include "protocol/Catalogue.h"

namespace rtmtap {

const RuleInfo& UnknownEventRule::info() const {
    static const RuleInfo kInfo{
        "unknown-event", Severity::Warn, "airsend-rtm.md: SERVER to CLIENT events",
        "an event the document does not define, or a server object without \"event\"",
        "An app written from the document handles the events it lists; the web client logs anything else "
        "and ignores it. An event real traffic carries beyond the document (fs.*, team.*, "
        "channel.updateReadStatus...) is info: the app misses that update unless it handles it. An event "
        "neither the document nor real traffic knows, or a server object without a string \"event\", is a "
        "warning: the app silently misses whatever it meant. Said once per session for each name.",
        "s2c text {\"meta\":{\"api\":\"v1\"},\"event\":\"chat.postMesage\",\"payload\":{...}}   <- a typo"};
    return kInfo;
}

void UnknownEventRule::onSessionStart(const LintSession&) {
    reported_.clear();
}

void UnknownEventRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (!frame.fromServer() || frame.shape != LintFrame::Shape::Object) {
        return;
    }
    if (!frame.hasName) {
        if (reported_.insert("").second) {
            out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                                      "the server sent a JSON object without a string \"event\": the web client cannot "
                                      "dispatch it, so the app silently misses whatever it carried"));
        }
        return;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.name, Direction::ServerToClient);
    if ((entry && entry->flavour != Flavour::RealOnly) || !reported_.insert(frame.name).second) {
        return;
    }
    if (entry) {
        Finding finding = Finding::at(frame.message, info(), Severity::Info,
                                      "the server sent '" + frame.name +
                                          "', an event real traffic has but the document does not (protocol-notes.md: "
                                          "Event frames in real traffic): an app written from the document misses it");
        finding.section = kRealTrafficEventsSection;
        out.push_back(std::move(finding));
        return;
    }
    out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                              "the server sent '" + frame.name +
                                  "', an event neither the document nor real traffic knows: the web client logs and "
                                  "ignores unknown events, so the app silently misses it"));
}

}  // namespace rtmtap
