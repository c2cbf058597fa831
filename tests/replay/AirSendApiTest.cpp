// replay/AirSendApi against the simulator's API: the calls rtmtap's clients make (login,
// rtm.connect, system.ping), the 429 that rtm.connect answers past 60 calls a minute (with its
// RetryAfter), and the errors of each as one-line RtmClientErrors.
#include "SimTestUtil.h"

#include "protocol/JwtClaims.h"
#include "replay/AirSendApi.h"

namespace rtmtap::test {
namespace {

class AirSendApiTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim = std::make_unique<Simulator>(simConfig(SimFlavor::Real), clock);
        sim->start();
    }

    FakeClock clock;
    std::unique_ptr<Simulator> sim;
    AirSendApi api{RtmClientOptions{}};
};

TEST_F(AirSendApiTest, SystemPingBringsItsEventToTheConnectionOfTheFingerPrint) {
    const std::string bearer = api.login(sim->apiUrl(), "user1@example.test", "password");
    const RtmEndpoint endpoint = api.rtmConnect(sim->apiUrl(), bearer);
    auto claims = decodeJwtClaims(endpoint.wsToken);
    ASSERT_TRUE(claims.has_value());
    SimClient client(*sim);
    client.send(R"({"command":"ws_auth","auth_token":")" + endpoint.wsToken + "\"}");
    client.drain();
    api.systemPing(sim->apiUrl(), bearer, {claims->finger_print, "token-1", 7});
    auto event = client.waitFor("system.ping");
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->getObject("payload")->getValue<std::string>("ping_token"), "token-1");
}

TEST_F(AirSendApiTest, SystemPingRefusedIsOneLine) {
    const std::string bearer = api.login(sim->apiUrl(), "user1@example.test", "password");
    try {
        api.systemPing(sim->apiUrl(), "not-a-token", {"abcdefghijkl", "t", 0});
        FAIL() << "a bad bearer was accepted";
    } catch (const RtmClientError& e) {
        const std::string what = e.what();
        EXPECT_NE(what.find("401"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos) << what;
    }
    EXPECT_THROW(api.systemPing(sim->apiUrl(), bearer, {"nobody-has-it", "t", 0}), RtmClientError)
        << "a finger print no rtm.connect issued";
}

TEST_F(AirSendApiTest, RtmConnectPastSixtyAMinuteIsRateLimitedWithRetryAfter) {
    const std::string bearer = api.login(sim->apiUrl(), "user1@example.test", "password");
    for (int i = 0; i < 60; ++i) {
        ASSERT_NO_THROW(api.rtmConnect(sim->apiUrl(), bearer)) << "call " << i + 1;
    }
    clock.advance(20'000'000);
    try {
        api.rtmConnect(sim->apiUrl(), bearer);
        FAIL() << "the 61st call of the minute was answered";
    } catch (const RtmRateLimited& e) {
        EXPECT_GT(e.retryAfterSeconds(), 0);
        EXPECT_LE(e.retryAfterSeconds(), 40) << "the window opened 20 s ago";
    }
    clock.advance(41'000'000);
    EXPECT_NO_THROW(api.rtmConnect(sim->apiUrl(), bearer)) << "a new minute";
}

}  // namespace
}  // namespace rtmtap::test
