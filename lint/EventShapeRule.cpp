#include "EventShapeRule.h"

#include "FieldProblem.h"
#include "protocol/Catalogue.h"

namespace rtmtap {
namespace {

// The problems of one severity, as a sentence's middle and a key that names them.
struct Group {
    std::string what;
    std::string key;
};

void add(Group& group, const std::string& text, const FieldProblem& problem) {
    group.what += (group.what.empty() ? "" : ", ") + text;
    group.key += " " + problem.spec->path;
}

}  // namespace

const RuleInfo& EventShapeRule::info() const {
    static const RuleInfo kInfo{
        "event-shape", Severity::Warn, "airsend-rtm.md: SERVER to CLIENT events",
        "an event's payload without a field its catalogue spec requires, or with a field of the wrong type",
        "An app renders what the event carries: a chat.postMessage without message.id cannot be placed in "
        "the channel, a user.online whose user is not an object throws in the handler, a channel_id sent "
        "as a string fails the app's === comparison and the update lands nowhere. The catalogue requires "
        "only what both the document's examples and real traffic always send. read_user_count as a string "
        "is the document's own quirk (its examples write \"0\") and only info. Said once per session for "
        "each event and set of fields: a server that gets it wrong does so every time.",
        "s2c text {\"meta\":{\"api\":\"v1\"},\"event\":\"chat.deleteMessage\",\"payload\":{\"channel_id\":11010000}}"
        "   <- no message_id"};
    return kInfo;
}

void EventShapeRule::onSessionStart(const LintSession&) {
    reported_.clear();
}

void EventShapeRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (!frame.isEvent()) {
        return;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.name, Direction::ServerToClient);
    if (!entry) {
        return;  // unknown-event says it
    }
    Group wrong;
    Group quirks;
    for (const FieldProblem& problem : findFieldProblems(frame.fields, fieldSpecs(*entry))) {
        if (problem.kind == FieldProblem::Kind::Quirk) {
            add(quirks, problem.describe() + " where real traffic sends " + describeFieldTypes(problem.spec->types),
                problem);
        } else {
            add(wrong, problem.describe(), problem);
        }
    }
    const std::string subject = "the server's '" + frame.name + "' has ";
    auto report = [&](const Group& group, Severity severity, const std::string& why) {
        if (group.what.empty() || !reported_.insert(frame.name + toString(severity) + group.key).second) {
            return;
        }
        Finding finding = Finding::at(frame.message, info(), severity, subject + group.what + ": " + why);
        if (entry->flavour == Flavour::RealOnly) {
            finding.section = kRealTrafficEventsSection;
        }
        out.push_back(std::move(finding));
    };
    report(wrong, Severity::Warn,
           "an app reading those fields finds nothing or the wrong type and may drop the event or show it wrong");
    report(quirks, Severity::Info,
           "the document's own examples write it so (the document's quirk, not the server's mistake), so an app "
           "should accept both");
}

}  // namespace rtmtap
