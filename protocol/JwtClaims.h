#pragma once
// The claims of an AirSend ws_token (HS256 JWT), decoded without verifying the signature:
// rtmtap is a debugging tool and has no key; it shows what the client presented.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtmtap {

struct JwtClaims {
    std::optional<int64_t> user_id;  // int claim (a digit string is accepted too)
    std::string user_name;
    std::string client_ip;
    std::string user_agent;
    std::string expiry;              // "YYYY-MM-DD hh:mm:ss" as the server writes it
    std::string finger_print;
    std::string topic;
    std::optional<int64_t> created_on;
    std::string json;                // the decoded claims object as text, for the store
};

// Decodes the middle part (base64url, padding optional) of a compact JWS "h.p.s".
// Returns nullopt for anything that is not three dot-separated parts with a JSON object claims
// part. Never throws.
std::optional<JwtClaims> decodeJwtClaims(std::string_view token);

// "h.p.s" -> "h.p." (signature removed: claims stay readable, the token is useless for replay).
// Anything that is not a three-part token is replaced by "[redacted]".
std::string redactJwt(std::string_view token);

}  // namespace rtmtap
