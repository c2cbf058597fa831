// The web client's keepalive state machine on a FakeClock: what is due when, and which answers
// count.
#include "replay/WebKeepalive.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using Action = WebKeepalive::Action;
constexpr int64_t kSecond = 1'000'000;

class WebKeepaliveTest : public ::testing::Test {
protected:
    WebKeepalive make(bool systemPing = true) {
        return WebKeepalive(clock_, WebKeepaliveTimings{}, systemPing, [this] { return "tok-" + std::to_string(++tokens_); });
    }
    // Advances to `us` after the start in steps of 100 ms, answering nothing; the steps in order.
    std::vector<std::pair<int64_t, WebKeepalive::Step>> runTo(WebKeepalive& k, int64_t us) {
        std::vector<std::pair<int64_t, WebKeepalive::Step>> out;
        while (elapsed_ < us) {
            clock_.advance(100'000);
            elapsed_ += 100'000;
            for (auto s = k.poll(); s.action != Action::None; s = k.poll()) {
                out.emplace_back(elapsed_, s);
            }
        }
        return out;
    }
    // As runTo, but each ws_ping gets its pong at once; the system.ping tokens asked for go to tokens.
    void runAnsweringPongs(WebKeepalive& k, int64_t us, std::vector<std::string>& tokens) {
        while (elapsed_ < us) {
            for (auto [at, step] : runTo(k, elapsed_ + 100'000)) {
                ASSERT_NE(step.action, Action::Reconnect) << step.reason << " at " << at;
                if (step.action == Action::WsPing) {
                    k.onPong();
                } else if (step.action == Action::SystemPing) {
                    tokens.push_back(step.pingToken);
                }
            }
        }
    }
    void advance(int64_t us) {
        clock_.advance(us);
        elapsed_ += us;
    }

    FakeClock clock_;
    int64_t elapsed_ = 0;
    int tokens_ = 0;
};

TEST_F(WebKeepaliveTest, NothingIsDueBeforeTheSocketOpens) {
    WebKeepalive k = make();
    EXPECT_TRUE(runTo(k, 120 * kSecond).empty());
}

TEST_F(WebKeepaliveTest, WsPingEvery10sAndSystemPingEvery60sWhileAnswered) {
    WebKeepalive k = make();
    k.connected();
    std::vector<int64_t> wsPings, systemPings;
    while (elapsed_ < 125 * kSecond) {
        for (auto [at, step] : runTo(k, elapsed_ + 100'000)) {
            ASSERT_NE(step.action, Action::Reconnect) << step.reason << " at " << at;
            if (step.action == Action::WsPing) {
                wsPings.push_back(at);
                advance(20'000);
                k.onPong();
            } else if (step.action == Action::SystemPing) {
                systemPings.push_back(at);
                EXPECT_EQ(step.pingToken, "tok-" + std::to_string(systemPings.size()));
                k.onSystemPingEvent(step.pingToken);
            }
        }
    }
    ASSERT_EQ(wsPings.size(), 12u);
    // The first an interval after the open, then every 10 s (the 20 ms pong waits do not add up).
    EXPECT_EQ(wsPings[0], 10 * kSecond);
    for (size_t i = 1; i < wsPings.size(); ++i) {
        EXPECT_NEAR(static_cast<double>(wsPings[i] - wsPings[i - 1]), 10.0 * kSecond, 150'000.0) << i;
    }
    ASSERT_EQ(systemPings.size(), 2u);
    EXPECT_NEAR(static_cast<double>(systemPings[0]), 60.0 * kSecond, 300'000.0);
    EXPECT_NEAR(static_cast<double>(systemPings[1]), 120.0 * kSecond, 300'000.0);
    EXPECT_EQ(k.wsPingsAnswered(), 12u);
    EXPECT_EQ(k.systemPingsAnswered(), 2u);
    EXPECT_EQ(k.lastLatencyMs(), 20);
    EXPECT_EQ(k.reconnects(), 0u);
}

TEST_F(WebKeepaliveTest, NoPongWithin5sReconnectsAfter10s) {
    WebKeepalive k = make(false);
    k.connected();
    auto steps = runTo(k, 14'900'000);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].second.action, Action::WsPing);
    steps = runTo(k, 15 * kSecond);  // the ws_ping went out at 10 s: 5 s later it is over
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].second.action, Action::Reconnect);
    EXPECT_EQ(steps[0].second.reason, "no pong within 5 s");
    EXPECT_EQ(k.reconnects(), 1u);
    k.onPong();  // too late: the socket is being replaced
    EXPECT_EQ(k.wsPingsAnswered(), 0u);
    EXPECT_TRUE(runTo(k, 24'900'000).empty()) << "nothing while waiting to reconnect";
    steps = runTo(k, 25 * kSecond);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].second.action, Action::Connect);
    EXPECT_TRUE(runTo(k, 40 * kSecond).empty()) << "one Connect until the caller reports back";
    k.connected();
    steps = runTo(k, 50 * kSecond);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].second.action, Action::WsPing);
    EXPECT_EQ(steps[0].first, 50 * kSecond);
}

TEST_F(WebKeepaliveTest, NoSystemPingEventWithin30sReconnects) {
    WebKeepalive k = make();
    k.connected();
    std::string token;
    while (elapsed_ < 90 * kSecond) {
        for (auto [at, step] : runTo(k, elapsed_ + 100'000)) {
            if (step.action == Action::WsPing) {
                k.onPong();
            } else if (step.action == Action::SystemPing) {
                token = step.pingToken;
            } else {
                ASSERT_EQ(step.action, Action::Reconnect);
                EXPECT_EQ(step.reason, "no system.ping event within 30 s");
                EXPECT_NEAR(static_cast<double>(at), 90.0 * kSecond, 300'000.0);
                EXPECT_EQ(k.reconnects(), 1u);
                return;
            }
        }
    }
    FAIL() << "no reconnect by 90 s (system.ping token " << token << ")";
}

TEST_F(WebKeepaliveTest, MismatchedOrLateTokenDoesNotCount) {
    WebKeepalive k = make();
    k.connected();
    std::vector<std::string> tokens;
    runAnsweringPongs(k, 60 * kSecond, tokens);
    ASSERT_EQ(tokens.size(), 1u);
    const std::string token = tokens[0];
    ASSERT_EQ(token, "tok-1");
    k.onSystemPingEvent("tok-0");  // someone else's
    k.onSystemPingEvent("");
    EXPECT_EQ(k.systemPingsAnswered(), 0u);
    // The right token, but 30 s after the call: as late as no answer, before poll() noticed.
    advance(30 * kSecond);
    k.onSystemPingEvent(token);
    EXPECT_EQ(k.systemPingsAnswered(), 0u);
    auto step = k.poll();
    while (step.action == Action::WsPing) {
        step = k.poll();
    }
    EXPECT_EQ(step.action, Action::Reconnect);
    EXPECT_EQ(step.reason, "no system.ping event within 30 s");
}

TEST_F(WebKeepaliveTest, ServerEndAndFailedConnectsWaitTheirTime) {
    WebKeepalive k = make(false);
    k.connected();
    advance(3 * kSecond);
    k.serverEnded();
    EXPECT_EQ(k.reconnects(), 1u);
    auto steps = runTo(k, 13 * kSecond);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].first, 13 * kSecond);
    EXPECT_EQ(steps[0].second.action, Action::Connect);
    k.connectFailed(7 * kSecond);  // a 429 with RetryAfter 7
    steps = runTo(k, 20 * kSecond);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].first, 20 * kSecond);
    k.connectFailed();  // anything else: the reconnect delay
    steps = runTo(k, 30 * kSecond);
    ASSERT_EQ(steps.size(), 1u);
    EXPECT_EQ(steps[0].first, 30 * kSecond);
    k.serverEnded();  // not open: nothing to count
    EXPECT_EQ(k.reconnects(), 1u);
}

TEST_F(WebKeepaliveTest, ScaleDividesEveryTimeAndShowsInTheReason) {
    WebKeepaliveTimings t = WebKeepaliveTimings{}.scaled(20);
    EXPECT_EQ(t.wsPingEveryUs, 500'000);
    EXPECT_EQ(t.pongWithinUs, 250'000);
    EXPECT_EQ(t.systemPingEveryUs, 3'000'000);
    EXPECT_EQ(t.systemPingWithinUs, 1'500'000);
    EXPECT_EQ(t.reconnectDelayUs, 500'000);
    WebKeepalive k(clock_, t, false);
    k.connected();
    auto steps = runTo(k, 800'000);
    ASSERT_EQ(steps.size(), 2u);
    EXPECT_EQ(steps[0].second.action, Action::WsPing);
    EXPECT_EQ(steps[1].second.reason, "no pong within 0.25 s");
}

TEST(WebKeepaliveToken, RandomTokensDiffer) {
    std::string a = WebKeepalive::randomToken(), b = WebKeepalive::randomToken();
    EXPECT_EQ(a.size(), 16u);
    EXPECT_NE(a, b);
}

}  // namespace
}  // namespace rtmtap
