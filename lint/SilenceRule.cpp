#include "SilenceRule.h"

#include "protocol/TimeSpan.h"

#include "Durations.h"

namespace rtmtap {
namespace {

const char* const kWhy = "the server pings every 25 s, so the connection was probably half-dead";

}  // namespace

const RuleInfo& SilenceRule::info() const {
    static const RuleInfo kInfo{
        "silence", Severity::Warn, "airsend-rtm.md: Establishing RTM Connection",
        "no frame in either direction for more than 30 s (the ping interval, 25 s, plus 5 s of grace)",
        "The server sends a protocol ping every 25 s and the client answers each with a pong; the real "
        "web client also sends ws_ping every 10 s. A healthy connection therefore never goes 30 s without "
        "a frame (25 s plus 5 s for a late tick and network jitter). A longer silence means the pings no "
        "longer passed: a half-dead connection (a NAT or a load balancer that forgot it, a stalled peer) "
        "on which the app believes it is online while events are lost. Checked between frames, from the "
        "session's start to its first frame, and from its last frame to its end.",
        "s2c ping                         +50.0 s\n"
        "s2c text {\"event\":\"chat.postMessage\",...}   +95.3 s   <- 45.3 s without a frame"};
    return kInfo;
}

void SilenceRule::onSessionStart(const LintSession&) {
    last_.reset();
}

void SilenceRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    // t_us counts from the session's start, so the first frame's t_us is the silence before it.
    int64_t sinceUs = spanUs(last_ ? last_->message.t_us : 0, frame.message.t_us);
    if (sinceUs > kSilenceUs) {
        std::string since = last_ ? "since " + last_->describe() : "since the session began";
        out.push_back(Finding::at(frame.message, info(), Severity::Warn,
                                  "no frame in either direction for " + describeDuration(sinceUs) + " before this one (" +
                                      since + "): " + kWhy + " and the app may have missed events meanwhile"));
    }
    last_ = FrameMark(frame);
}

void SilenceRule::onSessionEnd(const LintSessionEnd& end, const LintSession& session, std::vector<Finding>& out) {
    if (!end.ended) {
        return;
    }
    int64_t fromUs = last_ ? last_->message.wall_us : session.started_wall_us;
    int64_t silenceUs = spanUs(fromUs, end.ended_wall_us);
    if (silenceUs <= kSilenceUs) {
        return;
    }
    std::string sentence = "nothing came in either direction for the last " + describeDuration(silenceUs) +
                           " before the session ended: " + kWhy + " well before its end";
    if (!last_) {
        out.push_back(Finding::aboutSession(session.id, end.ended_wall_us, info(), Severity::Warn,
                                            "the session had no frame in its " + describeDuration(silenceUs) + ": " +
                                                kWhy));
        return;
    }
    out.push_back(Finding::at(last_->message, info(), Severity::Warn, sentence));
}

}  // namespace rtmtap
