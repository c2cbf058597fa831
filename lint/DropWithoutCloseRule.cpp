#include "DropWithoutCloseRule.h"

#include "protocol/TimeSpan.h"

#include "Durations.h"
#include "ServerDrop.h"

namespace rtmtap {
namespace {

// What the real server drops a client for (protocol-notes.md: invalid JSON, null or not an
// object, no command, an unknown or internal command), with the rule that reports it; nullptr
// for any other frame.
const char* dropCause(const LintFrame& frame) {
    switch (serverDropFor(frame)) {
    case ServerDrop::None: return nullptr;
    case ServerDrop::NotJson: return "invalid JSON, see invalid-json";
    case ServerDrop::NotObject: return "JSON that is not an object, see invalid-json";
    case ServerDrop::NoCommand: return "an object without a command, see unknown-command";
    case ServerDrop::UnknownCommand: return "an unknown command, see unknown-command";
    case ServerDrop::InternalCommand: return "an internal command, see unknown-command";
    }
    return nullptr;
}

std::string whoEnded(const LintSessionEnd& end) {
    if (end.closed_by == "client" || end.closed_by == "server") {
        return "the " + end.closed_by + " dropped the connection";
    }
    return "the connection ended";
}

std::string consequence(const LintSessionEnd& end) {
    if (end.closed_by == "client") {
        return "a client that closes sends a close frame, so the app crashed, lost its network or tore the "
               "socket down, and the server only notices at its next pings";
    }
    std::string app = "the app sees code 1006 and must reconnect (the web client after 10 s), losing the events "
                      "in between";
    return end.closed_by == "server" ? "the real server ends every connection this way, and " + app : app;
}

}  // namespace

const RuleInfo& DropWithoutCloseRule::info() const {
    static const RuleInfo kInfo{
        "drop-without-close", Severity::Warn, "protocol-notes.md: WebSocket behaviour of the real server",
        "a session that ended without a close frame in either direction, and what came just before",
        "A connection that ends without a close frame is code 1006 for the app: it reconnects and loses "
        "what was in flight. The real server never sends a close frame, and drops a client without one for "
        "invalid JSON, an unknown or internal command, a missed pong or an expired token, so a server-side "
        "drop is only info, naming the last frames before it (and whether the server drops a client for "
        "one of them). A client drop is a warning: a client that closes sends a close frame (the web "
        "client sends 3000), so the app crashed, lost its network or tore the socket down.",
        "c2s text {\"command\":\"ws_typing\",\"channel_id\":\"11010000\"}   <- unknown: the server drops the client\n"
        "(session ended 0.05 s later, code 1006, no close frame)"};
    return kInfo;
}

void DropWithoutCloseRule::onSessionStart(const LintSession&) {
    sawClose_ = false;
    last_.reset();
    previous_.reset();
}

void DropWithoutCloseRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>&) {
    sawClose_ = sawClose_ || frame.is(Opcode::Close);
    previous_ = std::move(last_);
    last_ = Recent{FrameMark(frame), dropCause(frame)};
}

std::string DropWithoutCloseRule::before(const Recent& recent, const LintSessionEnd& end) const {
    std::string text = describeDuration(spanUs(recent.mark.message.wall_us, end.ended_wall_us)) + " after " +
                       recent.mark.describe();
    if (recent.dropCause) {
        text += std::string(" (the real server drops a client for ") + recent.dropCause + ")";
    }
    return text;
}

void DropWithoutCloseRule::onSessionEnd(const LintSessionEnd& end, const LintSession& session,
                                        std::vector<Finding>& out) {
    if (!end.ended || sawClose_) {
        return;
    }
    Severity severity = end.closed_by == "client" ? Severity::Warn : Severity::Info;
    std::string sentence = "no close frame in either direction: " + whoEnded(end);
    // The relay's plain end ("server dropped the connection without a close frame") says no more
    // than the sentence; a failure or a filter's drop does.
    if (!end.error.empty() && end.error.find("close frame") == std::string::npos) {
        sentence += " (" + end.error + ")";
    }
    if (!last_) {
        out.push_back(Finding::aboutSession(session.id, end.ended_wall_us, info(), severity,
                                            sentence + " before any frame: " + consequence(end)));
        return;
    }
    sentence += " " + before(*last_, end);
    if (previous_) {
        sentence += " and " + before(*previous_, end);
    }
    out.push_back(Finding::at(last_->mark.message, info(), severity, sentence + ": " + consequence(end)));
}

}  // namespace rtmtap
