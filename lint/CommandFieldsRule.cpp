#include "CommandFieldsRule.h"

#include "FieldProblem.h"
#include "protocol/Catalogue.h"

namespace rtmtap {
namespace {

// What the user loses when the backend drops the command.
std::string consequence(const std::string& command) {
    if (command == "ws_auth") {
        return "the server drops the connection without a close frame, as for a bad token";
    }
    std::string lost = "the command never takes effect";
    if (command == "ws_ephemeral_typing") {
        lost = "the other members never see the typing indicator";
    } else if (command == "ws_read_notification") {
        lost = "the message never counts as read";
    } else if (command == "ws_all_read_notification") {
        lost = "the channel's unread count never clears";
    } else if (command == "ws_add_reaction") {
        lost = "the reaction never appears";
    } else if (command == "ws_remove_reaction") {
        lost = "the reaction never goes away";
    }
    return "the backend drops bad command payloads silently, so " + lost;
}

}  // namespace

const RuleInfo& CommandFieldsRule::info() const {
    static const RuleInfo kInfo{
        "command-fields", Severity::Error, "airsend-rtm.md: CLIENT to SERVER commands",
        "a command missing a required field (error) or with a field of the wrong type (warn)",
        "The server queues commands to the backend, which drops a payload it cannot use without a word: no "
        "error frame, no close. A read notification without message_id, a reaction with a numeric "
        "emoji_value or a typing command without channel_id simply never happens, and the app sees only "
        "that unread counts or reactions do not update. ws_auth without a string auth_token drops the "
        "connection. Ids may be integers or strings of digits, as the document's own commands send them.",
        "c2s text {\"command\":\"ws_read_notification\",\"channel_id\":\"11010000\"}   <- no message_id"};
    return kInfo;
}

void CommandFieldsRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (!frame.isCommand()) {
        return;
    }
    const CatalogueEntry* entry = findCatalogueEntry(frame.name, Direction::ClientToServer);
    if (!entry || entry->flavour == Flavour::Internal) {
        return;  // unknown-command says it
    }
    std::vector<FieldProblem> problems = findFieldProblems(frame.fields, fieldSpecs(*entry));
    if (problems.empty()) {
        return;
    }
    Severity severity = Severity::Warn;
    std::string what;
    for (const FieldProblem& problem : problems) {
        if (problem.kind == FieldProblem::Kind::Missing) {
            severity = Severity::Error;
        }
        what += (what.empty() ? "" : ", ") + problem.describe();
    }
    out.push_back(Finding::at(frame.message, info(), severity,
                              "'" + frame.name + "' has " + what + ": " + consequence(frame.name)));
}

}  // namespace rtmtap
