#pragma once
// HS256 JSON Web Tokens as the AirSend server issues them: header {"typ":"JWT","alg":"HS256"},
// claims user_id, user_name, client_ip, user_agent, expiry ("YYYY-MM-DD hh:mm:ss", UTC here),
// finger_print, topic, created_on. There is no "exp": validity is the expiry claim.
#include <cstdint>
#include <optional>
#include <string>

namespace rtmtap {

struct SimClaims {
    int64_t userId = 0;
    std::string userName;
    std::string clientIp;
    std::string userAgent;
    int64_t expiry = 0;  // unix seconds; written as "YYYY-MM-DD hh:mm:ss" UTC
    std::string fingerPrint;
    std::string topic;
    int64_t createdOn = 0;  // unix seconds
};

enum class JwtCheck { Ok, Malformed, BadSignature, Expired };

class SimJwt {
public:
    explicit SimJwt(std::string secret);

    std::string sign(const SimClaims& claims) const;
    // Signs any claims text (tests: a well-signed token with claims the server never writes).
    std::string signJson(const std::string& claimsJson) const;
    // Verifies the signature, decodes the claims and compares expiry with nowUnix.
    JwtCheck verify(const std::string& token, int64_t nowUnix, SimClaims* out = nullptr) const;

    static std::string base64Url(const std::string& bytes);
    static bool base64UrlDecode(const std::string& text, std::string& out);
    static std::string formatTime(int64_t unixSeconds);  // "YYYY-MM-DD hh:mm:ss" UTC
    static std::optional<int64_t> parseTime(const std::string& text);

private:
    std::string signature(const std::string& signingInput) const;

    std::string secret_;
};

}  // namespace rtmtap
