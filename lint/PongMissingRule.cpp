#include "PongMissingRule.h"

#include "protocol/TimeSpan.h"

#include "Durations.h"

namespace rtmtap {

const RuleInfo& PongMissingRule::info() const {
    static const RuleInfo kInfo{
        "pong-missing", Severity::Error, "protocol-notes.md: WebSocket behaviour of the real server",
        "a protocol ping from the server left without a pong",
        "The server sends a protocol ping every 25 s and drops, at its next tick, a client that has not "
        "answered the previous one, without a close frame: the app sees code 1006 and misses every event "
        "until it reconnects. Browsers answer pings by themselves, so a missing pong points at a client "
        "library that does not, or at a client stalled for a whole interval. Reported when the server's "
        "next ping came with no pong in between, or when the session dropped at least half an interval "
        "after an unanswered ping (earlier drops have another cause). The interval is the recording's own "
        "when it shows two pings, else 25 s.",
        "s2c ping rtmtap\n"
        "c2s text {\"command\":\"ws_ping\"}\n"
        "s2c ping rtmtap      <- 25.0 s later, no pong in between: the real server drops the client here"};
    return kInfo;
}

void PongMissingRule::onSessionStart(const LintSession&) {
    pings_.reset();
}

void PongMissingRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    const Message* missed = pings_.onFrame(frame).missed;
    if (!missed) {
        return;
    }
    out.push_back(Finding::at(
        *missed, info(), Severity::Error,
        "the server's ping went unanswered for " + describeDuration(spanUs(missed->t_us, frame.message.t_us)) +
            ", until its next ping at seq " + std::to_string(frame.message.seq) +
            ": the real server drops the client at that tick without a close frame, and the app misses events "
            "until it reconnects"));
}

void PongMissingRule::onSessionEnd(const LintSessionEnd& end, const LintSession&, std::vector<Finding>& out) {
    const Message* ping = pings_.unanswered();
    if (!ping || !end.ended) {
        return;
    }
    const int64_t waited = spanUs(ping->wall_us, end.ended_wall_us);
    if (waited < pings_.intervalUs() / 2) {
        return;
    }
    out.push_back(Finding::at(
        *ping, info(), Severity::Error,
        "the server's ping went unanswered for " + describeDuration(waited) +
            ", until the connection dropped without a close frame: that is how the real server ends a client "
            "that misses a pong, and the app sees 1006 and misses events until it reconnects"));
}

}  // namespace rtmtap
