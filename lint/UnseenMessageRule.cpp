#include "UnseenMessageRule.h"

namespace rtmtap {

const RuleInfo& UnseenMessageRule::info() const {
    static const RuleInfo kInfo{
        "unseen-message", Severity::Info, "airsend-rtm.md: EVENT: 'chat.updateMessage'",
        "chat.updateMessage or chat.deleteMessage for a message the session never saw",
        "The document says an updated message should be re-rendered if it is loaded and ignored if not. "
        "Messages usually come from channel.history over HTTP, which the WebSocket does not show, so this "
        "is often legitimate: it is only info. When hunting a stale view (an edit or a delete that never "
        "shows), these are the changes the app had to match against messages it may not hold. A message "
        "counts as seen once a chat.postMessage or chat.updateMessage of this session carried it, or the "
        "client named it in ws_read_notification, ws_add_reaction or ws_remove_reaction.",
        "s2c text {\"meta\":{\"api\":\"v1\"},\"event\":\"chat.deleteMessage\",\"payload\":{\"message_id\":10003,"
        "\"channel_id\":11010000}}   <- 10003 never posted, updated or read in this session"};
    return kInfo;
}

void UnseenMessageRule::onSessionStart(const LintSession&) {
    seen_.clear();
}

void UnseenMessageRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (frame.isCommand()) {
        // Every client command that names a message (read notifications and reactions) carries it
        // as message_id; a client names only messages it holds.
        if (std::optional<int64_t> id = frame.fields.id("message_id")) {
            seen_.insert(*id);
        }
    } else if (frame.isEvent()) {
        onEvent(frame, out);
    }
}

void UnseenMessageRule::onEvent(const LintFrame& frame, std::vector<Finding>& out) {
    std::optional<int64_t> id;
    std::optional<int64_t> channel;
    if (frame.name == "chat.postMessage" || frame.name == "chat.updateMessage") {
        id = frame.fields.id("payload.message.id");
        channel = frame.fields.id("payload.message.channel_id");
    } else if (frame.name == "chat.deleteMessage") {
        id = frame.fields.id("payload.message_id");
        channel = frame.fields.id("payload.channel_id");
    }
    if (!id) {
        return;
    }
    bool unseen = seen_.insert(*id).second;
    if (!unseen || frame.name == "chat.postMessage") {
        return;
    }
    std::string where = channel ? " in channel " + std::to_string(*channel) : "";
    out.push_back(Finding::at(frame.message, info(), Severity::Info,
                              frame.name + " for message " + std::to_string(*id) + where +
                                  ", which this session never saw posted, updated or read: often legitimate "
                                  "(loaded over HTTP), but when hunting a stale view this is a change the app "
                                  "may have had no message for"));
}

}  // namespace rtmtap
