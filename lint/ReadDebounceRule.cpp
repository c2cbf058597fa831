#include "ReadDebounceRule.h"

#include "Durations.h"

namespace rtmtap {

const RuleInfo& ReadDebounceRule::info() const {
    static const RuleInfo kInfo{
        "read-debounce", Severity::Warn, "protocol-notes.md: The real web client",
        "read notifications not debounced, or not for a newer message",
        "Each ws_read_notification makes the server send an update to every member of the channel "
        "(chat.updateMessage in the document, channel.updateReadStatus in real traffic). The web client "
        "debounces reads by 1 s per channel and sends them only for a higher message id, so a client that "
        "sends one per message as they scroll by multiplies that traffic for every member. Warn for a read "
        "within 1 s of the previous one for its channel (a burst is reported once, at its first too-early "
        "read); info for a read of a message id not above one already read there, which is wasted but "
        "legitimate when the user opens an older message directly (the web client sends that at once).",
        "c2s text {\"command\":\"ws_read_notification\",\"channel_id\":\"1101000\",\"message_id\":\"10001\"}\n"
        "c2s text {\"command\":\"ws_read_notification\",\"channel_id\":\"1101000\",\"message_id\":\"10002\"}"
        "   <- 0.2 s later"};
    return kInfo;
}

void ReadDebounceRule::onSessionStart(const LintSession&) {
    bursts_.reset();
    highestRead_.clear();
}

void ReadDebounceRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    std::optional<ChannelBursts::Paced> paced = bursts_.onFrame(frame);
    if (!paced) {
        return;
    }
    if (paced->burstGap) {
        out.push_back(Finding::at(
            frame.message, info(), Severity::Warn,
            "ws_read_notification for channel " + std::to_string(paced->channel) + " came " +
                describeDuration(*paced->burstGap) +
                " after the previous one (reads are debounced by 1 s; the rest of this burst is not reported): "
                "each makes the server send an update to every member of the channel"));
    }
    if (std::optional<int64_t> id = frame.fields.id("message_id")) {
        checkHigher(frame, paced->channel, *id, paced->burstGap.has_value(), out);
    }
}

void ReadDebounceRule::checkHigher(const LintFrame& frame, int64_t channel, int64_t id, bool reported,
                                   std::vector<Finding>& out) {
    auto [it, first] = highestRead_.try_emplace(channel, id);
    if (first) {
        return;
    }
    if (id > it->second) {
        it->second = id;
        return;
    }
    if (reported) {
        return;  // one finding a frame: the burst says more
    }
    out.push_back(Finding::at(
        frame.message, info(), Severity::Info,
        "ws_read_notification for message " + std::to_string(id) + " in channel " + std::to_string(channel) +
            ", not above the " + std::to_string(it->second) +
            " already read there: the web client reads only newer messages (except one opened directly), and "
            "each read sends an update to every member"));
}

}  // namespace rtmtap
