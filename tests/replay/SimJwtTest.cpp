#include "replay/SimJwt.h"
#include "protocol/JwtClaims.h"

#include <gtest/gtest.h>

#include <algorithm>

namespace rtmtap {
namespace {

SimClaims sample() {
    SimClaims c;
    c.userId = 91010001;
    c.userName = "Ada Lovelace";
    c.clientIp = "127.0.0.1";
    c.userAgent = "Mozilla/5.0 (X11)";
    c.expiry = 1900000000;
    c.fingerPrint = "bjcpogakubya";
    c.topic = "user_91010001";
    c.createdOn = 1800000000;
    return c;
}

TEST(SimJwt, ClaimsAreTheRealOnesInOrder) {
    SimJwt jwt("k");
    std::string token = jwt.sign(sample());
    std::string header;
    ASSERT_TRUE(SimJwt::base64UrlDecode(token.substr(0, token.find('.')), header));
    EXPECT_EQ(header, R"({"typ":"JWT","alg":"HS256"})");
    auto claims = decodeJwtClaims(token);
    ASSERT_TRUE(claims);
    EXPECT_EQ(claims->json,
              R"J({"user_id":91010001,"user_name":"Ada Lovelace","client_ip":"127.0.0.1","user_agent":"Mozilla/5.0 (X11)",)J"
              R"("expiry":"2030-03-17 17:46:40","finger_print":"bjcpogakubya","topic":"user_91010001","created_on":1800000000})");
    EXPECT_EQ(claims->user_id, 91010001);
    EXPECT_EQ(claims->expiry, "2030-03-17 17:46:40");
}

TEST(SimJwt, TokenIsThreeUnpaddedBase64UrlParts) {
    SimJwt jwt("secret");
    std::string token = jwt.sign(sample());
    EXPECT_EQ(SimJwt::base64Url("\xff\xfe"), "__4");
    EXPECT_EQ(token.find('='), std::string::npos);
    EXPECT_EQ(std::count(token.begin(), token.end(), '.'), 2);
    // The signature part is 32 bytes.
    std::string sig;
    ASSERT_TRUE(SimJwt::base64UrlDecode(token.substr(token.rfind('.') + 1), sig));
    EXPECT_EQ(sig.size(), 32u);
}

TEST(SimJwt, KnownHs256Vector) {
    // jwt.io's default HS256 example (secret "your-256-bit-secret"): the signature checks out,
    // then its claims (no user_id, no expiry) are not an AirSend token.
    const std::string token =
        "eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4gRG9lIiwiaWF0IjoxNTE2MjM5MDIyfQ"
        ".SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c";
    EXPECT_EQ(SimJwt("your-256-bit-secret").verify(token, 0), JwtCheck::Malformed);
    EXPECT_EQ(SimJwt("your-256-bit-secreT").verify(token, 0), JwtCheck::BadSignature);
}

TEST(SimJwt, VerifyAcceptsItsOwnAndRejectsTheRest) {
    SimJwt jwt("k");
    std::string token = jwt.sign(sample());
    SimClaims out;
    ASSERT_EQ(jwt.verify(token, 1800000000, &out), JwtCheck::Ok);
    EXPECT_EQ(out.userId, 91010001);
    EXPECT_EQ(out.fingerPrint, "bjcpogakubya");
    EXPECT_EQ(out.expiry, 1900000000);
    EXPECT_EQ(jwt.verify(token, 1900000000), JwtCheck::Expired);
    EXPECT_EQ(SimJwt("other").verify(token, 0), JwtCheck::BadSignature);
    std::string tampered = token;
    tampered[tampered.find('.') + 3] ^= 1;
    EXPECT_EQ(jwt.verify(tampered, 0), JwtCheck::BadSignature);
    EXPECT_EQ(jwt.verify("", 0), JwtCheck::Malformed);
    EXPECT_EQ(jwt.verify("a.b", 0), JwtCheck::Malformed);
    EXPECT_EQ(jwt.verify("a.b.c.d", 0), JwtCheck::Malformed);
}

TEST(SimJwt, SignedGarbageClaimsAreMalformedNotACrash) {
    SimJwt jwt("k");
    for (const std::string claims : {"null", "[]", "{}", R"({"user_id":"x","expiry":"2030-01-01 00:00:00"})",
                                     R"({"user_id":1,"expiry":"tomorrow"})", R"({"user_id":1})", "\xff{"}) {
        EXPECT_EQ(jwt.verify(jwt.signJson(claims), 0), JwtCheck::Malformed) << claims;
    }
    EXPECT_EQ(jwt.verify(jwt.signJson(R"({"user_id":1,"expiry":"2030-01-01 00:00:00"})"), 0), JwtCheck::Ok);
}

TEST(SimJwt, TimeFormatRoundTrips) {
    EXPECT_EQ(SimJwt::formatTime(1571330672), "2019-10-17 16:44:32");
    EXPECT_EQ(SimJwt::parseTime("2019-10-17 16:44:32"), 1571330672);
    EXPECT_FALSE(SimJwt::parseTime("2019-10-17"));
    EXPECT_FALSE(SimJwt::parseTime("garbage garbage xx"));
}

TEST(SimJwt, ExpiryIsExactlyTheClaimsShape) {
    EXPECT_EQ(SimJwt::formatTime(0), "1970-01-01 00:00:00");
    EXPECT_EQ(SimJwt::formatTime(-1), "1969-12-31 23:59:59");
    EXPECT_EQ(SimJwt::parseTime("2000-02-29 00:00:00"), 951'782'400);
    EXPECT_EQ(SimJwt::parseTime("1969-12-31 23:59:59"), -1);
    for (const char* text : {"2019-10-17T16:44:32", "2019-10-17 16:44+01", "2019-10-17 16:44:32Z", "2019-13-17 16:44:32",
                             "2019-02-29 16:44:32", "2019-10-17 16:44:60", "2019x10x17 16:44:32"}) {
        EXPECT_FALSE(SimJwt::parseTime(text)) << text;
    }
}

}  // namespace
}  // namespace rtmtap
