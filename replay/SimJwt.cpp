#include "SimJwt.h"

#include "protocol/Base64.h"
#include "protocol/IsoTime.h"
#include "protocol/SameSecret.h"

#include <Poco/HMACEngine.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/SHA2Engine.h>

#include <sstream>

namespace rtmtap {
namespace {

// HMACEngine needs the block and digest sizes as enum members of its engine.
class Sha256 : public Poco::SHA2Engine {
public:
    enum { BLOCK_SIZE = 64, DIGEST_SIZE = 32 };
    Sha256() : Poco::SHA2Engine(Poco::SHA2Engine::SHA_256) {}
};

const char* kHeader = R"({"typ":"JWT","alg":"HS256"})";

std::string claimsJson(const SimClaims& claims) {
    Poco::JSON::Object obj(Poco::JSON_PRESERVE_KEY_ORDER);
    obj.set("user_id", claims.userId);
    obj.set("user_name", claims.userName);
    obj.set("client_ip", claims.clientIp);
    obj.set("user_agent", claims.userAgent);
    obj.set("expiry", SimJwt::formatTime(claims.expiry));
    obj.set("finger_print", claims.fingerPrint);
    obj.set("topic", claims.topic);
    obj.set("created_on", claims.createdOn);
    std::ostringstream out;
    obj.stringify(out);
    return out.str();
}

bool readClaims(const std::string& json, SimClaims& out) {
    try {
        Poco::JSON::Parser parser;
        auto obj = parser.parse(json).extract<Poco::JSON::Object::Ptr>();
        out.userId = obj->getValue<int64_t>("user_id");
        out.userName = obj->optValue<std::string>("user_name", "");
        out.clientIp = obj->optValue<std::string>("client_ip", "");
        out.userAgent = obj->optValue<std::string>("user_agent", "");
        out.fingerPrint = obj->optValue<std::string>("finger_print", "");
        out.topic = obj->optValue<std::string>("topic", "");
        out.createdOn = obj->optValue<int64_t>("created_on", 0);
        auto expiry = SimJwt::parseTime(obj->getValue<std::string>("expiry"));
        if (!expiry) {
            return false;
        }
        out.expiry = *expiry;
        return true;
    } catch (const std::exception&) {
        return false;  // not JSON, not an object, or a claim of the wrong type
    }
}

}  // namespace

SimJwt::SimJwt(std::string secret) : secret_(std::move(secret)) {}

std::string SimJwt::sign(const SimClaims& claims) const {
    return signJson(claimsJson(claims));
}

std::string SimJwt::signJson(const std::string& json) const {
    std::string input = base64Url(kHeader) + "." + base64Url(json);
    return input + "." + signature(input);
}

JwtCheck SimJwt::verify(const std::string& token, int64_t nowUnix, SimClaims* out) const {
    auto first = token.find('.');
    auto second = first == std::string::npos ? first : token.find('.', first + 1);
    if (second == std::string::npos || token.find('.', second + 1) != std::string::npos) {
        return JwtCheck::Malformed;
    }
    if (!sameSecret(signature(token.substr(0, second)), token.substr(second + 1))) {
        return JwtCheck::BadSignature;
    }
    std::string json;
    SimClaims claims;
    if (!base64UrlDecode(token.substr(first + 1, second - first - 1), json) || !readClaims(json, claims)) {
        return JwtCheck::Malformed;
    }
    if (claims.expiry <= nowUnix) {
        return JwtCheck::Expired;
    }
    if (out) {
        *out = claims;
    }
    return JwtCheck::Ok;
}

std::string SimJwt::signature(const std::string& signingInput) const {
    Poco::HMACEngine<Sha256> hmac(secret_);
    hmac.update(signingInput);
    const auto& digest = hmac.digest();
    return base64Url(std::string(digest.begin(), digest.end()));
}

std::string SimJwt::base64Url(const std::string& bytes) {
    return encodeBase64(bytes, Base64Alphabet::Url);
}

// Unpadded only: the simulator issues its tokens that way (RFC 7515), a padded one is not its own.
bool SimJwt::base64UrlDecode(const std::string& text, std::string& out) {
    for (char c : text) {
        if (!isBase64Digit(c, Base64Alphabet::Url)) {
            return false;
        }
    }
    std::optional<std::string> bytes = decodeBase64(text, Base64Alphabet::Url);
    if (!bytes) {
        return false;
    }
    out = std::move(*bytes);
    return true;
}

std::string SimJwt::formatTime(int64_t unixSeconds) {
    std::string iso = formatIsoTime(unixSeconds * 1'000'000);  // "2019-10-17T16:44:32.000000Z"
    iso.resize(iso.size() - 8);                                 // no fraction, no zone
    iso[iso.find('T')] = ' ';
    return iso;
}

std::optional<int64_t> SimJwt::parseTime(const std::string& text) {
    // Exactly the claim's own shape: parseIsoTime alone would also take a 'T', a zone or no seconds.
    if (text.size() != 19 || text[10] != ' ' || text[16] != ':') {
        return std::nullopt;
    }
    const IsoTimeParse parsed = parseIsoTime(text);
    if (!parsed) {
        return std::nullopt;
    }
    return parsed.us / 1'000'000;
}

}  // namespace rtmtap
