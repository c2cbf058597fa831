// proxy/Proxy as a whole: what it does when one of its taps misbehaves.
#include "proxy/Proxy.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <stdexcept>

namespace rtmtap::test {
namespace {

// Throws at every session start: a std::exception first, then anything else.
class ThrowingTap : public Tap {
public:
    void onSessionStart(const SessionInfo&) override {
        if (++starts_ % 2 == 1) {
            throw std::runtime_error("the tap broke");
        }
        throw 42;
    }
    void onMessage(const Message&) override {}
    void onSessionEnd(const SessionEnd&) override {}

private:
    std::atomic<int> starts_{0};  // upgrade threads and the handshake loop call it
};

// A tap that throws at a session's start (on the upgrade thread, or on the handshake loop for a
// refused request) is reported in one line; the session goes on, the other taps hear of it, and
// the proxy keeps serving.
TEST(Proxy, ATapThatThrowsAtSessionStartIsReportedAndTheSessionGoesOn) {
    TestUpstream upstream;
    ThrowingTap thrower;
    TapLog log;
    ProxyConfig config;
    config.listenPort = 0;
    config.upstream = upstream.url();
    config.closeGraceMs = 200;
    Proxy proxy(config, {&thrower, &log});
    proxy.start();

    testing::internal::CaptureStderr();
    {
        TestClient client(proxy.port(), "/");
        ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
        client.sendText("still relayed");
        Received echo = client.receive(20000);
        ASSERT_TRUE(echo.isFrame()) << toString(echo);
        EXPECT_EQ(echo.frame.payload, "still relayed");
        client.sendClose(1000, "");
        EXPECT_TRUE(client.receiveOpcode(0x8, 20000).isFrame());
    }
    EXPECT_EQ(TestClient::httpGet(proxy.port(), "/plain").status, 400);  // recorded as a refused session
    ASSERT_TRUE(log.waitForEnds(2, 20000));
    TestClient after(proxy.port(), "/");
    EXPECT_TRUE(after.open()) << after.status() << " " << after.error();
    proxy.stop();
    const std::string err = testing::internal::GetCapturedStderr();

    EXPECT_EQ(log.starts().size(), 3u);
    EXPECT_EQ(occurrences(err, "a tap failed at the start of session"), 3u) << err;
    EXPECT_EQ(occurrences(err, "the tap broke"), 2u) << err;
    EXPECT_EQ(occurrences(err, "\n"), 3u) << "one line each:\n" << err;
}

}  // namespace
}  // namespace rtmtap::test
