#include "TokenReusedRule.h"

#include "protocol/TimeSpan.h"

#include "Durations.h"

namespace rtmtap {
namespace {

// The latest earlier session that used this token and ended in a drop, ended before this one began.
const PastSession* droppedWithSameToken(const LintSession& session) {
    for (auto it = session.history->rbegin(); it != session.history->rend(); ++it) {
        if (it->id != session.id && it->dropped && it->token_key == session.token_key && it->ended_wall_us &&
            *it->ended_wall_us <= session.started_wall_us) {
            return &*it;
        }
    }
    return nullptr;
}

}  // namespace

const RuleInfo& TokenReusedRule::info() const {
    static const RuleInfo kInfo{
        "token-reused", Severity::Warn, "protocol-notes.md: The real web client",
        "a ws_auth reusing the token of a session that was dropped",
        "After a close or a drop the web client calls rtm.connect again and authenticates the new socket "
        "with the fresh ws_token (a new finger_print, a later expiry). A client that replays the old token "
        "instead keeps the dropped connection's key upstream (user_id + finger_print) and an expiry that "
        "never moves, and when the drop was the server rejecting that token (expired, or a failed auth) "
        "the new socket is dropped the same way, which turns into a reconnect loop. Only sessions that "
        "ended without a close frame count: after a clean close reuse is unusual but not a symptom.",
        "session 4: c2s text {\"command\":\"ws_auth\",\"auth_token\":\"eyJ.A.\"} ... dropped (1006)\n"
        "session 5: c2s text {\"command\":\"ws_auth\",\"auth_token\":\"eyJ.A.\"}   <- the same token"};
    return kInfo;
}

void TokenReusedRule::onSessionStart(const LintSession&) {
    checked_ = false;
}

void TokenReusedRule::onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) {
    if (checked_ || session.token_key.empty() || !session.history || !frame.isCommand() || frame.name != "ws_auth") {
        return;
    }
    checked_ = true;
    const PastSession* dropped = droppedWithSameToken(session);
    if (!dropped) {
        return;
    }
    out.push_back(Finding::at(
        frame.message, info(), Severity::Warn,
        "ws_auth reuses the token of session " + std::to_string(dropped->id) + ", which was dropped " +
            describeDuration(spanUs(*dropped->ended_wall_us, session.started_wall_us)) +
            " before this one began: the client reconnected without calling rtm.connect, so it keeps the old "
            "connection key and expiry"));
}

}  // namespace rtmtap
