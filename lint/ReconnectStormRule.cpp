#include "ReconnectStormRule.h"

#include "Durations.h"

#include <algorithm>

namespace rtmtap {
namespace {

// A back-off: the later gap is half as long again as the earlier one, and at least 250 ms longer
// (so that jitter around a constant or zero delay does not count as backing off).
bool backsOff(int64_t earlierUs, int64_t laterUs) {
    return laterUs * 2 >= earlierUs * 3 && laterUs - earlierUs >= 250'000;
}

// The same user's sessions that started before this one, newest first.
std::vector<const PastSession*> earlierOfUser(const LintSession& session) {
    std::vector<const PastSession*> earlier;
    for (auto it = session.history->rbegin(); it != session.history->rend(); ++it) {
        if (it->id != session.id && it->user_id == session.user_id && it->started_wall_us <= session.started_wall_us) {
            earlier.push_back(&*it);
        }
    }
    return earlier;
}

std::string listOf(const std::vector<int64_t>& gaps) {
    std::string text;
    for (int64_t gap : gaps) {
        text += (text.empty() ? "" : ", ") + describeDuration(gap);
    }
    return text;
}

// The gaps (µs, oldest first) of the run of quick reconnects without back-off that ends with this
// session, at most kStormReconnects + 1 of them.
std::vector<int64_t> quickRun(const LintSession& session) {
    constexpr int64_t kQuickUs = ReconnectStormRule::kQuickUs;
    constexpr size_t kLongest = ReconnectStormRule::kStormReconnects + 1;
    std::vector<int64_t> gaps;  // newest first while walking back
    int64_t start = session.started_wall_us;
    for (const PastSession* before : earlierOfUser(session)) {
        if (!before->ended_wall_us || *before->ended_wall_us > start) {
            break;  // still open when the later one started: another tab or device, not a reconnect
        }
        const int64_t gap = start - *before->ended_wall_us;
        if (gap >= kQuickUs || (!gaps.empty() && backsOff(gap, gaps.back())) || gaps.size() == kLongest) {
            break;
        }
        gaps.push_back(gap);
        start = before->started_wall_us;
    }
    std::reverse(gaps.begin(), gaps.end());
    return gaps;
}

}  // namespace

const RuleInfo& ReconnectStormRule::info() const {
    static const RuleInfo kInfo{
        "reconnect-storm", Severity::Warn, "protocol-notes.md: The real web client",
        "one user reconnecting again and again within seconds, without back-off",
        "The web client waits 10 s after a close before it calls rtm.connect and opens a new socket. A "
        "client that reconnects at once, in a loop, spends an rtm.connect each time (rate-limited to 60 a "
        "minute, then 429) and makes the server send user.offline and user.online to all the user's "
        "channels, so every member's app shows the user flickering; the loop usually hides the real fault "
        "(a bad token, a missed pong). Reported when the same user's session starts within 5 s (half the "
        "web client's wait) of the end of the one before, 3 times in a row, with no gap half as long again "
        "as the one before it (a back-off ends the run). One finding per storm, at the third quick "
        "reconnect; sessions still open when the next starts (another tab) are not reconnects.",
        "session 4 ended 16:00:01.2, session 5 ws_auth 16:00:01.5, ended 16:00:02.0\n"
        "session 6 ws_auth 16:00:02.3, ended 16:00:02.9; session 7 ws_auth 16:00:03.1   <- third in a row"};
    return kInfo;
}

void ReconnectStormRule::onSessionStart(const LintSession&) {
    checked_ = false;
}

void ReconnectStormRule::onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) {
    if (checked_ || !session.user_id || !session.history || !frame.isCommand() || frame.name != "ws_auth") {
        return;
    }
    checked_ = true;
    const std::vector<int64_t> gaps = quickRun(session);
    if (gaps.size() != kStormReconnects) {
        return;  // not a storm, or one already reported at its third reconnect
    }
    out.push_back(Finding::at(
        frame.message, info(), Severity::Warn,
        "user " + std::to_string(*session.user_id) + " reconnected " + std::to_string(gaps.size()) +
            " times in a row, each within 5 s of the previous session's end (" + listOf(gaps) +
            ") and without backing off: each costs an rtm.connect and flashes user.offline/user.online to all "
            "the user's channels (the web client waits 10 s)"));
}

}  // namespace rtmtap
