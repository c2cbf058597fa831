#include "PongSlowRule.h"

#include "protocol/TimeSpan.h"

#include "Durations.h"

namespace rtmtap {

const RuleInfo& PongSlowRule::info() const {
    static const RuleInfo kInfo{
        "pong-slow", Severity::Warn, "protocol-notes.md: WebSocket behaviour of the real server",
        "a pong that came late, and how close it came to the drop",
        "The real server drops a client that has not answered its ping by the next one, 25 s later. "
        "Browsers and WebSocket libraries answer pings at once, so a late pong means the client's event "
        "loop or network stalled, and the same stall a little longer costs the app its connection. Warn "
        "when the pong took more than half the interval (12.5 s), info when it took more than a fifth "
        "(5 s, the time after which the web client itself declares its ws_ping lost). A pong answers the "
        "ping whose payload it echoes (RFC 6455), so pings and pongs pair in order when both are empty; "
        "the interval is the recording's own when it shows two pings, else 25 s.",
        "s2c ping rtmtap\nc2s pong rtmtap      <- 12.8 s later, 12.2 s before the server would drop the client"};
    return kInfo;
}

void PongSlowRule::onSessionStart(const LintSession&) {
    pings_.reset();
}

void PongSlowRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    const Message* ping = pings_.onFrame(frame).answered;
    if (!ping) {
        return;
    }
    const int64_t interval = pings_.intervalUs();
    const int64_t took = spanUs(ping->t_us, frame.message.t_us);
    if (took <= interval / 5) {
        return;
    }
    const Severity severity = took > interval / 2 ? Severity::Warn : Severity::Info;
    const int64_t left = interval - took;
    out.push_back(Finding::at(
        frame.message, info(), severity,
        "the client's pong came " + describeDuration(took) + " after the server's ping at seq " +
            std::to_string(ping->seq) + ", " + (left > 0 ? describeDuration(left) : "0.0 s") +
            " before the server would drop it: a pong is due at once, and a longer stall costs the app "
            "its connection"));
}

}  // namespace rtmtap
