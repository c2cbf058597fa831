#include "BurstRule.h"

#include "Durations.h"
namespace rtmtap {

const RuleInfo& BurstRule::info() const {
    static const RuleInfo kInfo{
        "burst", Severity::Warn, "protocol-notes.md: The real web client",
        "more than 10 client commands (warn) or 50 server events (info) within one second",
        "The real web client throttles what it sends: ws_ping every 10 s, ws_ephemeral_typing at most once "
        "per channel every 2-3 s, ws_read_notification debounced by 1 s per channel, reactions over HTTP; "
        "the document warns that unthrottled typing may be dropped by the server. More than 10 commands "
        "within one second is a loop or a missing throttle (warn). More than 50 events within one second "
        "is more than a busy channel gives; the server does nothing wrong by it (info), but an app that "
        "re-renders or refetches on every event falls behind. One finding per burst, at its first frame; "
        "a burst lasts until its one-second window is down to half the limit.",
        "c2s text {\"command\":\"ws_ephemeral_typing\",\"channel_id\":\"11010000\"}   +3.000 s\n"
        "c2s text {\"command\":\"ws_ephemeral_typing\",\"channel_id\":\"11010000\"}   +3.020 s\n"
        "...   <- 40 commands by +3.800 s"};
    return kInfo;
}

void BurstRule::onSessionStart(const LintSession&) {
    commands_.reset();
    events_.reset();
}

void BurstRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    report(commands_.advance(frame.message.t_us), true, out);
    report(events_.advance(frame.message.t_us), false, out);
    if (frame.isCommand()) {
        commands_.add(frame);
    } else if (frame.isEvent()) {
        events_.add(frame);
    }
}

void BurstRule::onSessionEnd(const LintSessionEnd&, const LintSession&, std::vector<Finding>& out) {
    report(commands_.finish(), true, out);
    report(events_.finish(), false, out);
}

void BurstRule::report(const std::optional<Burst>& burst, bool commands, std::vector<Finding>& out) const {
    if (!burst) {
        return;
    }
    std::string what = commands ? "the client sent " + std::to_string(burst->frames) + " commands"
                                : "the server sent " + std::to_string(burst->frames) + " events";
    std::string mostly = burst->commonest.empty() ? ""
                                                  : ", mostly '" + burst->commonest + "' (" +
                                                        std::to_string(burst->commonestCount) + ")";
    std::string sentence = what + " in " + describeDuration(burst->durationUs()) + ", from here to #" +
                           std::to_string(burst->last.message.seq) + " (up to " + std::to_string(burst->peak) +
                           " within one second" + mostly + "): ";
    if (commands) {
        sentence += "the web client's throttles never send more than " + std::to_string(kCommandsPerSecond) +
                    " a second, so a loop or a missing throttle floods the server, which may drop what it cannot "
                    "keep up with";
    } else {
        sentence += "more than " + std::to_string(kEventsPerSecond) +
                    " a second, an app that re-renders or refetches on every event falls behind";
    }
    out.push_back(Finding::at(burst->first.message, info(), commands ? Severity::Warn : Severity::Info, sentence));
}

}  // namespace rtmtap
