#pragma once
// Payload makers and database checks shared by the proxy tests.
#include "ProxyHarness.h"
#include "protocol/ApiExchange.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <string>

namespace rtmtap::test {

// WebSocket first bytes used throughout the tests (FIN set unless the name says otherwise).
constexpr int kText = 0x81;
constexpr int kBinary = 0x82;
constexpr int kClose = 0x88;
constexpr int kPing = 0x89;
constexpr int kPong = 0x8A;
constexpr int kOpText = 0x1, kOpBinary = 0x2, kOpClose = 0x8, kOpPing = 0x9, kOpPong = 0xA;
constexpr int kC2S = 0, kS2C = 1;

// A file of tests/data: "server.pem" -> "<source>/tests/data/server.pem".
std::string dataFile(const std::string& name);
// n deterministic pseudo-random bytes (every byte value appears), different per seed.
std::string randomBytes(size_t n, uint32_t seed = 1);
// n printable ASCII characters.
std::string asciiText(size_t n, uint32_t seed = 1);
// How many times part occurs in text (overlapping ones counted).
size_t occurrences(const std::string& text, const std::string& part);
// RFC 4648 section 5 base64url without padding.
std::string base64Url(const std::string& bytes);
// "header.claims.signature" with the given claims JSON (HS256 header, fake signature).
std::string makeJwt(const std::string& claimsJson, const std::string& signature = "c2lnbmF0dXJlLXNlY3JldA");

// text as a JSON object; nullptr when it is not JSON or not an object.
Poco::JSON::Object::Ptr jsonObjectOf(const std::string& text);

// An API call as the proxy's API side hands it to the recorder: from 127.0.0.1:40000 to
// http://127.0.0.1:8080, answered 200 with a JSON body.
ApiExchange recordedApiCall(int64_t startedUs, const std::string& method, const std::string& path,
                            const std::string& responseBody);

// Every session in the database has frames with seq 1..N, no gap, no duplicate (gtest failures).
void expectUnbrokenSeqRuns(const ProxyHarness& harness);

}  // namespace rtmtap::test
