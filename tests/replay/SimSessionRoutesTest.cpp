// The simulator API's session routes: handshake, user.login (remember_me, lockout),
// user.login.refresh, user.logout, user.info, user.alerts and rtm.connect's rate limit.
#include "SimApiFixture.h"

namespace rtmtap::test {
namespace {

using Keys = std::vector<std::string>;

class SimSessionRoutesTest : public SimApiFixture {};

TEST_F(SimSessionRoutesTest, HandshakeGivesTheSettingsWithoutAuth) {
    HttpAnswer a = get("handshake");
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"meta", "settings"}));
    auto settings = obj->getObject("settings");
    for (const char* key : {"recaptchaEnabled", "recaptchaV2SiteKey", "recaptchaV3SiteKey", "giphyKey",
                            "wrtcServerAddress", "channel_roles"}) {
        EXPECT_TRUE(settings->has(key)) << key;
    }
    auto roles = settings->getObject("channel_roles");
    EXPECT_EQ(keysOf(roles), (Keys{"10", "100", "20", "30", "50"}));
    EXPECT_EQ(roles->getObject("100")->getValue<std::string>("title"), "admin");
    EXPECT_EQ(roles->getObject("20")->getObject("perms")->getValue<bool>("channel.message"), true);
}

TEST_F(SimSessionRoutesTest, LoginAnswersTokenAndFullUser) {
    HttpAnswer a = post("user.login", "email=user2%40example.test&password=password&remember_me=true&timezone=UTC");
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"meta", "token", "user"}));
    auto user = obj->getObject("user");
    EXPECT_EQ(user->getValue<int64_t>("id"), userId(2));
    EXPECT_EQ(user->getValue<std::string>("email"), "user2@example.test");
    EXPECT_TRUE(user->has("display_name"));
    EXPECT_TRUE(user->has("online_status"));
}

TEST_F(SimSessionRoutesTest, ThreeFailuresLockTheAccountForAGrowingTimeEvenWithTheRightPassword) {
    const std::string wrong = "email=user3%40example.test&password=nope";
    for (int i = 0; i < 3; ++i) {
        HttpAnswer a = post("user.login", wrong);
        EXPECT_EQ(a.status, 401);
        EXPECT_EQ(errorOf(a), "Invalid user or password");
    }
    HttpAnswer blocked = post("user.login", "email=user3%40example.test&password=password");
    EXPECT_EQ(blocked.status, 401);
    EXPECT_EQ(errorOf(blocked), "Your access is blocked. Try again in 10 seconds.");
    // The same account named without its domain is blocked too; another account is not.
    EXPECT_EQ(post("user.login", "user=user3&password=password").status, 401);
    EXPECT_FALSE(login(4).empty());

    clock.advance(10'000'000);
    // The lockout has passed; a fourth failure blocks for twice as long.
    EXPECT_EQ(errorOf(post("user.login", wrong)), "Invalid user or password");
    EXPECT_EQ(errorOf(post("user.login", wrong)), "Your access is blocked. Try again in 20 seconds.");
    clock.advance(20'000'000);
    EXPECT_FALSE(login(3).empty());
    // A success clears the count: two failures are free again.
    EXPECT_EQ(post("user.login", wrong).status, 401);
    EXPECT_EQ(post("user.login", wrong).status, 401);
    EXPECT_FALSE(login(3).empty());
}

TEST_F(SimSessionRoutesTest, LoginWithoutFieldsIs422) {
    HttpAnswer a = post("user.login", "password=password");
    EXPECT_EQ(a.status, 422);
    EXPECT_FALSE(errorOf(a).empty());
    HttpAnswer b = post("user.login", "email=user1%40example.test");
    EXPECT_EQ(b.status, 422);
    EXPECT_EQ(json(b, false)->getValue<std::string>("password"), "The password field is required");
}

TEST_F(SimSessionRoutesTest, RefreshGivesANewTokenOnceForARememberMeLogin) {
    const std::string token = login(2, "&remember_me=true");
    clock.advance(31LL * 86400 * 1'000'000);  // the login token has expired
    EXPECT_EQ(get("user.info", token).status, 401);
    HttpAnswer a = post("user.login.refresh", "", token);
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"meta", "token"}));
    const std::string fresh = obj->getValue<std::string>("token");
    EXPECT_EQ(get("user.info", fresh).status, 200);
    // Single use; and a login without remember_me cannot refresh.
    EXPECT_EQ(post("user.login.refresh", "", token).status, 401);
    EXPECT_EQ(post("user.login.refresh", "", login(3, "&remember_me=0")).status, 401);
    EXPECT_EQ(post("user.login.refresh", "").status, 401);
}

TEST_F(SimSessionRoutesTest, LogoutIs202AndTheTokenIsRefusedAfterwards) {
    const std::string token = login(2);
    const std::string other = login(2);
    HttpAnswer a = post("user.logout", "", token);
    EXPECT_EQ(a.status, 202);
    EXPECT_EQ(keysOf(json(a)), (Keys{"meta"}));
    HttpAnswer after = get("user.info", token);
    EXPECT_EQ(after.status, 401);
    EXPECT_EQ(errorOf(after), "Unauthorized");
    EXPECT_EQ(get("rtm.connect", token).status, 401);
    EXPECT_EQ(post("user.logout", "", token).status, 401);
    EXPECT_EQ(get("user.info", other).status, 200);  // only that token logged out
    EXPECT_EQ(post("user.logout", "").status, 401);
}

TEST_F(SimSessionRoutesTest, UserInfoOfSelfByEmailAndById) {
    const std::string token = login(2);
    HttpAnswer self = get("user.info", token);
    ASSERT_EQ(self.status, 200) << self.body;
    auto obj = json(self);
    EXPECT_EQ(keysOf(obj), (Keys{"meta", "user"}));
    EXPECT_EQ(obj->getObject("user")->getValue<std::string>("email"), "user2@example.test");

    auto byEmail = json(get("user.info?email=USER2%40example.test", token))->getObject("user");
    EXPECT_EQ(byEmail->getValue<int64_t>("id"), userId(2));
    auto other = json(get("user.info?user_id=" + std::to_string(userId(3)), token))->getObject("user");
    EXPECT_EQ(other->getValue<int64_t>("id"), userId(3));
    EXPECT_FALSE(other->has("email"));  // another user's is abbreviated, as the real API's

    EXPECT_EQ(get("user.info?email=nobody%40example.test", token).status, 400);
    EXPECT_EQ(get("user.info").status, 401);
    EXPECT_EQ(get("user.info", "not.a.token").status, 401);
    EXPECT_EQ(post("user.info", "", token).status, 405);
}

TEST_F(SimSessionRoutesTest, AlertsAreTheWorldsAlertsOfThatUser) {
    // user1 is in General with everyone; a mention of user2 stores an alert for user2 only.
    sim->world().post(userId(1), SimWorld::kFirstChannelId, "look at this", userId(2));
    HttpAnswer a = get("user.alerts", login(2));
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (Keys{"alerts", "meta"}));
    auto alerts = obj->getArray("alerts");
    ASSERT_EQ(alerts->size(), 1u);
    auto alert = alerts->getObject(0);
    EXPECT_EQ(alert->getValue<int64_t>("channel_id"), SimWorld::kFirstChannelId);
    EXPECT_EQ(alert->getArray("from")->getObject(0)->getValue<int64_t>("id"), userId(1));
    EXPECT_FALSE(alert->getValue<bool>("is_read"));
    EXPECT_EQ(json(get("user.alerts", login(3)))->getArray("alerts")->size(), 0u);
    EXPECT_EQ(get("user.alerts").status, 401);
}

TEST_F(SimSessionRoutesTest, The61stRtmConnectInAMinuteIs429UntilTheMinuteHasPassed) {
    const std::string token = login(2);
    for (int i = 1; i <= 60; ++i) {
        HttpAnswer a = get("rtm.connect", token);
        ASSERT_EQ(a.status, 200) << "call " << i;
        EXPECT_EQ(a.head.get("X-RateLimit-Remaining", ""), std::to_string(60 - i));
        clock.advance(500'000);  // 30 s for all 60
    }
    HttpAnswer refused = get("rtm.connect", token);
    EXPECT_EQ(refused.status, 429);
    EXPECT_EQ(errorOf(refused), "Too Many Requests");
    EXPECT_EQ(refused.head.get("RetryAfter", ""), "30");
    EXPECT_EQ(refused.head.get("Access-Control-Allow-Origin", ""), "*");
    // Another route has its own count.
    EXPECT_EQ(get("channel.list", token).status, 200);
    clock.advance(29'000'000);
    EXPECT_EQ(get("rtm.connect", token).status, 429);
    clock.advance(1'000'000);
    HttpAnswer again = get("rtm.connect", token);
    EXPECT_EQ(again.status, 200) << again.body;
    EXPECT_EQ(again.head.get("RetryAfter", ""), "");
}

}  // namespace
}  // namespace rtmtap::test
