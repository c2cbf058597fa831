#include "TokenExpiredRule.h"

#include "protocol/TimeSpan.h"

#include "Durations.h"
#include "protocol/IsoTime.h"
#include "protocol/JwtClaims.h"

namespace rtmtap {

const RuleInfo& TokenExpiredRule::info() const {
    static const RuleInfo kInfo{
        "token-expired", Severity::Warn, "protocol-notes.md: WebSocket behaviour of the real server",
        "a ws_auth token whose expiry has already passed",
        "The real server checks each socket's token expiry on its 25 s ping tick and drops the connection, "
        "without a close frame, once it has passed. A client that authenticates with an expired ws_token "
        "(kept from an earlier rtm.connect) is therefore dropped within 25 s, and reconnecting with the same "
        "token fails the same way: the app must call rtm.connect for a fresh one. The claim is server-local "
        "time without a zone; lint reads it as UTC, so on a server far from UTC a finding can be off by the "
        "zone's offset. Every ws_auth is checked, a token refresh on an open socket too.",
        "c2s text {\"command\":\"ws_auth\",\"auth_token\":\"eyJ...\"}   <- expiry \"2025-11-24 15:00:00\", "
        "sent 2025-11-24T16:00:00Z"};
    return kInfo;
}

void TokenExpiredRule::onFrame(const LintFrame& frame, const LintSession&, std::vector<Finding>& out) {
    if (!frame.isCommand() || frame.name != "ws_auth") {
        return;
    }
    std::optional<std::string> token = frame.fields.string("auth_token");
    std::optional<JwtClaims> claims = token ? decodeJwtClaims(*token) : std::nullopt;
    if (!claims || claims->expiry.empty()) {
        return;
    }
    const IsoTimeParse expiry = parseIsoTime(claims->expiry);
    if (!expiry || expiry.us > frame.message.wall_us) {
        return;  // a claim lint cannot read says nothing about when it passes
    }
    out.push_back(Finding::at(
        frame.message, info(), Severity::Warn,
        "ws_auth carries a token whose expiry " + claims->expiry + " (read as UTC) passed " +
            describeDuration(spanUs(expiry.us, frame.message.wall_us)) +
            " before: the real server drops the connection within 25 s, and the app needs a new token from "
            "rtm.connect"));
}

}  // namespace rtmtap
