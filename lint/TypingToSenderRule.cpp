#include "TypingToSenderRule.h"

namespace rtmtap {

const RuleInfo& TypingToSenderRule::info() const {
    static const RuleInfo kInfo{
        "typing-to-sender", Severity::Warn, "protocol-notes.md: Event frames in real traffic",
        "chat.userTyping delivered to the user who is typing",
        "chat.userTyping goes to every member of the channel but the sender: the real server excludes all "
        "of the sender's connections (other tabs and devices too). An app that renders every chat.userTyping "
        "it gets then shows its own user as typing, and a client or a server that echoes typing back is "
        "the usual cause of 'typing indicators flicker'. The session's user comes from its ws_auth token.",
        "c2s text {\"command\":\"ws_auth\",\"auth_token\":\"eyJ...\"}   <- token of user 91010006\n"
        "s2c text {\"meta\":{\"api\":\"v1\"},\"event\":\"chat.userTyping\",\"payload\":{\"user\":{\"id\":91010006,"
        "...},\"channel_id\":11010000}}"};
    return kInfo;
}

void TypingToSenderRule::onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) {
    if (!session.user_id || !frame.isEvent() || frame.name != "chat.userTyping") {
        return;
    }
    std::optional<int64_t> user = frame.fields.id("payload.user.id");
    if (!user || *user != *session.user_id) {
        return;
    }
    std::optional<int64_t> channel = frame.fields.id("payload.channel_id");
    std::string where = channel ? " in channel " + std::to_string(*channel) : "";
    out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                              "chat.userTyping about user " + std::to_string(*user) + where +
                                  " was delivered to that user's own connection: the server must exclude all of "
                                  "the sender's connections, or the app shows its user typing to themselves"));
}

}  // namespace rtmtap
