#include "JwtClaims.h"

#include "Base64.h"
#include "Classifier.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <charconv>

// Tokens come from clients (untrusted) but only once per session, so Poco::JSON is fine here.
// The base64url decoder is protocol/Base64 (Url: padding optional but then exact, cannot throw),
// not Poco's Base64Decoder, a stream that skips whitespace and reports errors by exception.

namespace rtmtap {
namespace {

struct TokenParts {
    std::string_view header;
    std::string_view claims;
    std::string_view signature;
};

std::optional<TokenParts> splitToken(std::string_view token) {
    const size_t first = token.find('.');
    if (first == std::string_view::npos) {
        return std::nullopt;
    }
    const size_t second = token.find('.', first + 1);
    if (second == std::string_view::npos || token.find('.', second + 1) != std::string_view::npos) {
        return std::nullopt;
    }
    return TokenParts{token.substr(0, first), token.substr(first + 1, second - first - 1), token.substr(second + 1)};
}

// A JWT part: base64url digits, or '=' (a padded part still looks like a token).
bool isBase64UrlText(std::string_view text) {
    for (char c : text) {
        if (!isBase64Digit(c, Base64Alphabet::Url) && c != '=') {
            return false;
        }
    }
    return true;
}

std::optional<int64_t> parseDigits(const std::string& text) {
    int64_t value = 0;
    const char* end = text.data() + text.size();
    auto [ptr, ec] = std::from_chars(text.data(), end, value);
    if (text.empty() || ec != std::errc() || ptr != end) {
        return std::nullopt;
    }
    return value;
}

// An int claim, or a digit string; anything else (float, too big, missing) is nullopt.
std::optional<int64_t> intClaim(const Poco::JSON::Object& claims, const std::string& name) {
    try {
        const Poco::Dynamic::Var value = claims.get(name);
        if (value.isString()) {
            return parseDigits(value.extract<std::string>());
        }
        if (value.isInteger()) {
            return value.convert<Poco::Int64>();  // throws RangeException above INT64_MAX
        }
    } catch (...) {
    }
    return std::nullopt;
}

std::string stringClaim(const Poco::JSON::Object& claims, const std::string& name) {
    try {
        const Poco::Dynamic::Var value = claims.get(name);
        if (value.isString()) {
            return value.extract<std::string>();
        }
    } catch (...) {
    }
    return {};
}

std::optional<JwtClaims> parseClaims(std::string json) {
    // classify() first: it is strict RFC 8259 (Poco is laxer) and cannot be driven into deep
    // recursion; Poco's parser additionally stops at depth 128.
    if (classify(json).malformed) {
        return std::nullopt;
    }
    Poco::JSON::Parser parser;
    const Poco::Dynamic::Var root = parser.parse(json);
    if (root.type() != typeid(Poco::JSON::Object::Ptr)) {
        return std::nullopt;
    }
    const Poco::JSON::Object::Ptr object = root.extract<Poco::JSON::Object::Ptr>();
    JwtClaims claims;
    claims.user_id = intClaim(*object, "user_id");
    claims.user_name = stringClaim(*object, "user_name");
    claims.client_ip = stringClaim(*object, "client_ip");
    claims.user_agent = stringClaim(*object, "user_agent");
    claims.expiry = stringClaim(*object, "expiry");
    claims.finger_print = stringClaim(*object, "finger_print");
    claims.topic = stringClaim(*object, "topic");
    claims.created_on = intClaim(*object, "created_on");
    claims.json = std::move(json);
    return claims;
}

}  // namespace

std::optional<JwtClaims> decodeJwtClaims(std::string_view token) {
    try {
        const std::optional<TokenParts> parts = splitToken(token);
        if (!parts) {
            return std::nullopt;
        }
        std::optional<std::string> json = decodeBase64(parts->claims, Base64Alphabet::Url);
        if (!json) {
            return std::nullopt;
        }
        return parseClaims(std::move(*json));
    } catch (...) {
        return std::nullopt;  // Poco parse errors, bad_alloc: documented as "never throws"
    }
}

std::string redactJwt(std::string_view token) {
    const std::optional<TokenParts> parts = splitToken(token);
    // Only something that looks like a JWT keeps its header and claims: any other secret shape
    // could hide the secret anywhere, so all of it goes.
    if (!parts || parts->header.empty() || parts->claims.empty() || !isBase64UrlText(parts->header) ||
        !isBase64UrlText(parts->claims)) {
        return "[redacted]";
    }
    return std::string(token.substr(0, token.size() - parts->signature.size()));
}

}  // namespace rtmtap
