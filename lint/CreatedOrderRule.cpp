#include "CreatedOrderRule.h"

#include "protocol/IsoTime.h"

#include <optional>

namespace rtmtap {
namespace {

struct Created {
    int64_t seconds = 0;
    std::string text;
};

// "2019-10-17 16:44:30" (UTC), the shape of created_on, for a message that has only created_on_ts.
std::string createdText(int64_t seconds) {
    constexpr int64_t kLastSecondOf9999 = 253'402'300'799;  // beyond: no such shape (and µs overflow)
    if (seconds < 0 || seconds > kLastSecondOf9999) {
        return std::to_string(seconds);
    }
    std::string iso = formatIsoTime(seconds * 1'000'000);  // "2019-10-17T16:44:30.000000Z"
    return iso.substr(0, 10) + " " + iso.substr(11, 8);
}

// created_on_ts when the message has it (the document's and the real server's), else created_on
// read as UTC: both are whole seconds, and within one session both come from one server clock.
// The sentence shows created_on as the event wrote it when there is one.
std::optional<Created> createdOf(const JsonFields& fields) {
    if (std::optional<int64_t> ts = fields.id("payload.message.created_on_ts")) {
        std::optional<std::string> text = fields.string("payload.message.created_on");
        return Created{*ts, text ? *text : createdText(*ts)};
    }
    std::optional<std::string> text = fields.string("payload.message.created_on");
    IsoTimeParse parsed = text ? parseIsoTime(*text) : IsoTimeParse{};
    if (!parsed) {
        return std::nullopt;
    }
    return Created{parsed.us / 1'000'000, *text};
}

}  // namespace

const RuleInfo& CreatedOrderRule::info() const {
    static const RuleInfo kInfo{
        "created-order", Severity::Warn, "airsend-rtm.md: EVENT: 'chat.postMessage'",
        "chat.postMessage events of a channel delivered out of their created_on order",
        "Each chat.postMessage carries the message's created_on (and created_on_ts). An app that appends "
        "new messages in the order the events arrive, as a chat view does, shows a message created earlier "
        "below one created later when the server delivers them out of order (several backend workers, a "
        "retried queue). Compared per channel, whole seconds: created_on_ts, or created_on when the event "
        "has no created_on_ts; messages created within the same second are in order.",
        "s2c text {\"event\":\"chat.postMessage\",\"payload\":{\"message\":{\"id\":10006,\"channel_id\":11010004,"
        "\"created_on_ts\":1571330672,...}}}\n"
        "s2c text {\"event\":\"chat.postMessage\",\"payload\":{\"message\":{\"id\":10005,\"channel_id\":11010004,"
        "\"created_on_ts\":1571330670,...}}}   <- created 2 s earlier, delivered after"};
    return kInfo;
}

void CreatedOrderRule::onSessionStart(const LintSession&) {
    latest_.clear();
}

void CreatedOrderRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (!frame.isEvent() || frame.name != "chat.postMessage") {
        return;
    }
    std::optional<int64_t> channel = frame.fields.id("payload.message.channel_id");
    std::optional<Created> created = createdOf(frame.fields);
    if (!channel || !created) {
        return;
    }
    int64_t id = frame.fields.id("payload.message.id").value_or(0);
    auto [it, first] = latest_.try_emplace(*channel);
    Latest& latest = it->second;
    if (first || created->seconds >= latest.createdSeconds) {
        latest = Latest{created->seconds, created->text, id, frame.message.seq};
        return;
    }
    out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                              "message " + std::to_string(id) + " in channel " + std::to_string(*channel) +
                                  " was created at " + created->text + ", before message " +
                                  std::to_string(latest.messageId) + " (created " + latest.created + ", #" +
                                  std::to_string(latest.seq) +
                                  ") that arrived earlier: an app that appends in arrival order shows them in "
                                  "the wrong order"));
}

}  // namespace rtmtap
