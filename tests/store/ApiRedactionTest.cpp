#include "store/ApiRedaction.h"

#include "tests/support/TestData.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(ApiRedaction, JsonSecretsAreSplicedOutAndTheRestKept) {
    const std::string jwt = test::makeJwt(R"({"user_id":1})", "c2lnbmF0dXJl");
    const std::string body = "{\n  \"token\": \"" + jwt + "\",\n  \"user\": {\"password\": \"hunter2\", \"name\": \"n\"},\n"
                             "  \"rtm\": {\"ws_token\": \"opaque\", \"auth_token\": \"x\"}\n}";
    std::string out = redactApiBody(body, {{"Content-Type", "application/json"}});
    EXPECT_EQ(out, "{\n  \"token\": \"" + jwt.substr(0, jwt.size() - 12) +
                       "\",\n  \"user\": {\"password\": \"[redacted]\", \"name\": \"n\"},\n"
                       "  \"rtm\": {\"ws_token\": \"[redacted]\", \"auth_token\": \"[redacted]\"}\n}");
}

TEST(ApiRedaction, FormsAndQueriesAreRedactedByFieldName) {
    EXPECT_EQ(redactApiBody("user=a&password=p%26q&x=1", {}), "user=a&password=[redacted]&x=1");
    EXPECT_EQ(redactApiBody("PASSWORD=p", {{"content-type", "application/x-www-form-urlencoded; charset=UTF-8"}}),
              "PASSWORD=[redacted]");
    EXPECT_EQ(redactApiBody("password=p", {{"Content-Type", "text/plain"}}), "password=p") << "not a form";
    EXPECT_EQ(redactTarget("/api/v1/rtm.connect?token=abc&x=password"), "/api/v1/rtm.connect?token=[redacted]&x=password");
    EXPECT_EQ(redactTarget("/plain"), "/plain");
    EXPECT_EQ(redactApiBody("", {}), "");
}

TEST(ApiRedaction, SecretHeadersAreRedactedInTheJsonObject) {
    EXPECT_EQ(headersJson({{"Authorization", "Bearer x"}, {"AuthorizationAlt", "y"}, {"Set-Cookie", "a=1"},
                           {"Set-Cookie", "b=2"}, {"X-A", "1"}, {"x-a", "2"}}),
              R"({"Authorization":"[redacted]","AuthorizationAlt":"[redacted]","Set-Cookie":"[redacted]","X-A":"1, 2"})");
}

}  // namespace
}  // namespace rtmtap
