#include "protocol/JwtClaims.h"

#include <Poco/Base64Encoder.h>
#include <gtest/gtest.h>

#include <sstream>
#include <string>

namespace rtmtap {
namespace {

const std::string kSpecToken =
    "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9.eyJ1c2VyX2lkIjo5MTAxMDAwMCwiY2xpZW50X2lwIjoiMTcyLjIwLjAuMSIsInVzZXJfYWdlbnQ"
    "iOiJNb3ppbGxhXC81LjAgKE1hY2ludG9zaDsgSW50ZWwgTWFjIE9TIFggMTBfMTRfNSkgQXBwbGVXZWJLaXRcLzUzNy4zNiAoS0hUTUwsIGxpa2U"
    "gR2Vja28pIENocm9tZVwvNzcuMC4zODY1LjkwIFNhZmFyaVwvNTM3LjM2IiwiZXhwaXJ5IjoiMjAxOS0xMC0wNSAxNjoyMDoxMyIsImZpbmdlcl9"
    "wcmludCI6ImJqY3BvZ2FrdWJ5YSJ9.c3amovxprwo7hDvf0vkPRSN09WnnZzTGls4DoBjUxSI";
const std::string kHeader = "eyJ0eXAiOiJKV1QiLCJhbGciOiJIUzI1NiJ9";

// An independent encoder (Poco's) to build test tokens.
std::string base64Url(const std::string& text, bool padded) {
    std::ostringstream out;
    Poco::Base64Encoder encoder(out, Poco::BASE64_URL_ENCODING | (padded ? 0 : Poco::BASE64_NO_PADDING));
    encoder.rdbuf()->setLineLength(0);
    encoder << text;
    encoder.close();
    return out.str();
}

std::string token(const std::string& claims, bool padded = false) {
    return kHeader + "." + base64Url(claims, padded) + ".c2lnbmF0dXJl";
}

TEST(JwtClaimsTest, SpecExampleToken) {
    const std::optional<JwtClaims> claims = decodeJwtClaims(kSpecToken);
    ASSERT_TRUE(claims.has_value());
    EXPECT_EQ(claims->user_id, 91010000);
    EXPECT_EQ(claims->client_ip, "172.20.0.1");
    EXPECT_EQ(claims->user_agent,
              "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_14_5) AppleWebKit/537.36 (KHTML, like Gecko) "
              "Chrome/77.0.3865.90 Safari/537.36");
    EXPECT_EQ(claims->expiry, "2019-10-05 16:20:13");
    EXPECT_EQ(claims->finger_print, "bjcpogakubya");
    EXPECT_EQ(claims->user_name, "");  // older tokens lack user_name, topic and created_on
    EXPECT_EQ(claims->topic, "");
    EXPECT_EQ(claims->created_on, std::nullopt);
    EXPECT_EQ(claims->json.substr(0, 37), R"({"user_id":91010000,"client_ip":"172.)");
    EXPECT_EQ(claims->json.back(), '}');
}

TEST(JwtClaimsTest, CurrentTokenWithAllClaims) {
    const std::string json =
        R"({"user_id":91010001,"user_name":"Anis \u00c4bdul","client_ip":"10.0.0.1","user_agent":"curl\/8",)"
        R"("expiry":"2026-11-05 16:20:13","finger_print":"abcdefghijkl","topic":"t1","created_on":1762355000})";
    const std::optional<JwtClaims> claims = decodeJwtClaims(token(json));
    ASSERT_TRUE(claims.has_value());
    EXPECT_EQ(claims->user_id, 91010001);
    EXPECT_EQ(claims->user_name, "Anis \xC3\x84" "bdul");
    EXPECT_EQ(claims->user_agent, "curl/8");
    EXPECT_EQ(claims->topic, "t1");
    EXPECT_EQ(claims->created_on, 1762355000);
    EXPECT_EQ(claims->json, json);
}

TEST(JwtClaimsTest, PaddingIsOptional) {
    // Lengths 1, 2 and 0 mod 3 give 2, 1 and 0 padding characters.
    for (const std::string json : {R"({"user_id":1})", R"({"user_id":12})", R"({"user_id":123})"}) {
        for (bool padded : {false, true}) {
            const std::optional<JwtClaims> claims = decodeJwtClaims(token(json, padded));
            ASSERT_TRUE(claims.has_value()) << json << padded;
            EXPECT_EQ(claims->json, json);
        }
    }
    EXPECT_NE(token(R"({"user_id":1})", true).find('='), std::string::npos);  // the test tests padding
}

TEST(JwtClaimsTest, UserIdShapes) {
    EXPECT_EQ(decodeJwtClaims(token(R"({"user_id":"91010000"})"))->user_id, 91010000);
    EXPECT_EQ(decodeJwtClaims(token(R"({"user_id":-3})"))->user_id, -3);
    EXPECT_EQ(decodeJwtClaims(token(R"({"user_id":1.5})"))->user_id, std::nullopt);
    EXPECT_EQ(decodeJwtClaims(token(R"({"user_id":"12x"})"))->user_id, std::nullopt);
    EXPECT_EQ(decodeJwtClaims(token(R"({"user_id":18446744073709551615})"))->user_id, std::nullopt);
    EXPECT_EQ(decodeJwtClaims(token(R"({"user_id":null,"created_on":"17"})"))->created_on, 17);
    const std::optional<JwtClaims> wrongTypes = decodeJwtClaims(token(R"({"client_ip":5,"expiry":["x"]})"));
    ASSERT_TRUE(wrongTypes.has_value());
    EXPECT_EQ(wrongTypes->client_ip, "");
    EXPECT_EQ(wrongTypes->expiry, "");
    EXPECT_EQ(wrongTypes->user_id, std::nullopt);
}

TEST(JwtClaimsTest, RejectsWhatIsNotAThreePartTokenWithObjectClaims) {
    const std::string claims = base64Url(R"({"user_id":1})", false);
    const std::string cases[] = {
        "",
        "garbage",
        "...",
        kHeader + "." + claims,                        // two parts
        kHeader + "." + claims + ".sig.extra",         // four parts
        kHeader + "..sig",                             // empty claims
        kHeader + "." + claims + "*" + ".sig",         // not base64url
        kHeader + "." + base64Url("{\"a\":\"+/\"}", false).replace(0, 1, "+") + ".sig",
        kHeader + ".eyJ1c2VyX2lkIjoxfQ=.sig",          // padding not to a whole quad
        kHeader + ".eyJ1c2VyX2lkIjoxf.sig",            // one leftover character
        kHeader + ".=eyJ1c2VyX2lkIjoxfQ.sig",
        token("[1,2]"),
        token("\"claims\""),
        token("91010000"),
        token("null"),
        token(R"({"user_id":1)"),                      // truncated JSON
        token(R"({"user_id":1} x)"),                   // trailing garbage
        token(R"({'user_id':1})"),
        token("\xFF\xFE{}"),
        token(std::string(100000, '[') + std::string(100000, ']')),
        token("{\"a\":" + std::string(100000, '[') + std::string(100000, ']') + "}"),
    };
    for (const std::string& text : cases) {
        EXPECT_FALSE(decodeJwtClaims(text).has_value()) << text.substr(0, 80);
    }
}

TEST(JwtClaimsTest, EmptySignatureStillDecodes) {
    const std::optional<JwtClaims> claims = decodeJwtClaims(kHeader + "." + base64Url(R"({"user_id":7})", false) + ".");
    ASSERT_TRUE(claims.has_value());
    EXPECT_EQ(claims->user_id, 7);
}

TEST(JwtClaimsTest, RedactRemovesTheSignatureOnly) {
    const std::string redacted = redactJwt(kSpecToken);
    EXPECT_EQ(redacted, kSpecToken.substr(0, kSpecToken.rfind('.') + 1));
    EXPECT_EQ(redacted.back(), '.');
    EXPECT_EQ(redacted.find("c3amovxprwo7"), std::string::npos);
    // The claims stay readable after redaction.
    const std::optional<JwtClaims> claims = decodeJwtClaims(redacted);
    ASSERT_TRUE(claims.has_value());
    EXPECT_EQ(claims->finger_print, "bjcpogakubya");
    EXPECT_EQ(redactJwt(redacted), redacted);
}

TEST(JwtClaimsTest, RedactReplacesAnythingElseWhole) {
    for (const std::string text : {"", "secret", "a.b", "a.b.c.d", ".b.c", "a..c", "a b.c.d", "a.b\".c", "a.b/c.d"}) {
        EXPECT_EQ(redactJwt(text), "[redacted]") << text;
    }
    EXPECT_EQ(redactJwt("a.b.c"), "a.b.");
    EXPECT_EQ(redactJwt("a-_.b=.c"), "a-_.b=.");
}

}  // namespace
}  // namespace rtmtap
