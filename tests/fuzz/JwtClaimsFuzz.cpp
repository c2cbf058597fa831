// protocol/JwtClaims (the ws_auth and ws_token claims, decoded without verifying) and the
// base64url under it, on any bytes: the input as a token, and the input as the claims part of a
// token. Checks: decoded claims are the claims part's exact bytes and a valid JSON object; a digit
// claim read as an int is that number; redactJwt keeps exactly "header.payload."; base64 of any
// bytes decodes back to them in both alphabets.
#include "protocol/Base64.h"
#include "protocol/Classifier.h"
#include "protocol/JwtClaims.h"
#include "protocol/Utf8.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <string>

using namespace rtmtap;

namespace {

void checkClaims(const std::optional<JwtClaims>& claims) {
    if (!claims) {
        return;
    }
    FUZZ_CHECK(fuzz::validJson(claims->json));
    const size_t first = claims->json.find_first_not_of(" \t\r\n");
    FUZZ_CHECK(first != std::string::npos && claims->json[first] == '{');
    for (const std::string* text : {&claims->user_name, &claims->client_ip, &claims->user_agent, &claims->expiry,
                                    &claims->finger_print, &claims->topic}) {
        FUZZ_CHECK(text->find('\0') == std::string::npos || claims->json.find("\\u0000") != std::string::npos);
    }
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string input(reinterpret_cast<const char*>(data), size);

    checkClaims(decodeJwtClaims(input));
    const std::string shown = redactJwt(input);
    FUZZ_CHECK(shown == "[redacted]" || (input.compare(0, shown.size(), shown) == 0 && shown.back() == '.'));

    const std::string header = "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9";
    const std::string claimsPart = encodeBase64(input, Base64Alphabet::Url);
    const std::string token = header + "." + claimsPart + ".c2ln";
    const std::optional<JwtClaims> claims = decodeJwtClaims(token);
    checkClaims(claims);
    if (claims) {
        FUZZ_CHECK(claims->json == input);
        FUZZ_CHECK(!classify(input).malformed);
    }
    FUZZ_CHECK(redactJwt(token) == header + "." + claimsPart + "." || claimsPart.empty());

    for (Base64Alphabet alphabet : {Base64Alphabet::Standard, Base64Alphabet::Url}) {
        const std::optional<std::string> back = decodeBase64(encodeBase64(input, alphabet), alphabet);
        FUZZ_CHECK(back && *back == input);
    }
    (void)decodeBase64(input, Base64Alphabet::Standard);
    return 0;
}
