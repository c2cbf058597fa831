#include "TypingThrottleRule.h"

#include "Durations.h"

namespace rtmtap {

const RuleInfo& TypingThrottleRule::info() const {
    static const RuleInfo kInfo{
        "typing-throttle", Severity::Warn, "airsend-rtm.md: COMMAND: 'ws_ephemeral_typing'",
        "ws_ephemeral_typing for one channel more than once in 2 s",
        "Each ws_ephemeral_typing becomes a chat.userTyping event to every other member of the channel. The "
        "document says the command must be throttled or the server may drop it, and the web client sends "
        "at most one per channel per 2-3 s; a client that sends one a keystroke loads every member's app "
        "and makes typing indicators flicker when some are dropped. A burst (each command within 2 s of the "
        "previous one for its channel) is reported once, at its first too-early command.",
        "c2s text {\"command\":\"ws_ephemeral_typing\",\"channel_id\":\"11010000\"}\n"
        "c2s text {\"command\":\"ws_ephemeral_typing\",\"channel_id\":\"11010000\"}   <- 0.3 s later"};
    return kInfo;
}

void TypingThrottleRule::onSessionStart(const LintSession&) {
    bursts_.reset();
}

void TypingThrottleRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    std::optional<ChannelBursts::Paced> paced = bursts_.onFrame(frame);
    if (!paced || !paced->burstGap) {
        return;
    }
    out.push_back(Finding::at(
        frame.message, info(), Severity::Warn,
        "ws_ephemeral_typing for channel " + std::to_string(paced->channel) + " came " +
            describeDuration(*paced->burstGap) +
            " after the previous one (at most one per 2 s; the rest of this burst is not reported): each is a "
            "chat.userTyping to every member, and the server may drop unthrottled ones"));
}

}  // namespace rtmtap
