// The keepalive section of store/SessionStats (store/KeepaliveCounter): ws_ping to pong, the
// system.ping API call to its event, and reconnects, over tests/support/KeepaliveSessions.
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/SessionStats.h"
#include "tests/support/KeepaliveSessions.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

class KeepaliveCounterTest : public ::testing::Test {
protected:
    void SetUp() override { test::recordKeepaliveSessions(dir_.file("k.db"), 1'764'000'000'000'000); }

    KeepaliveStats keepalive(std::optional<int64_t> session) {
        const std::unique_ptr<Reader> reader = openReader(dir_.file("k.db"));
        std::optional<SessionStats> s = computeSessionStats(*reader, session);
        EXPECT_TRUE(s.has_value());
        return s ? s->keepalive : KeepaliveStats{};
    }

    test::TempDir dir_;
};

TEST_F(KeepaliveCounterTest, WsPingIsAnsweredByTheNextPongOnly) {
    KeepaliveStats k = keepalive(1);
    EXPECT_EQ(k.wsPing.sent, 4);
    EXPECT_EQ(k.wsPing.unanswered, 2);  // the one a later ws_ping overtook, the one the close cut off
    EXPECT_EQ(k.wsPing.roundTrip.count, 2);
    EXPECT_EQ(k.wsPing.roundTrip.p50, 2000);
    EXPECT_EQ(k.wsPing.roundTrip.max, 4000);
}

TEST_F(KeepaliveCounterTest, SystemPingIsAnsweredByTheEventWithItsToken) {
    KeepaliveStats one = keepalive(1);
    EXPECT_EQ(one.systemPing.sent, 2);
    EXPECT_EQ(one.systemPing.unanswered, 1);  // "tok b": no event
    ASSERT_EQ(one.systemPing.roundTrip.count, 1);
    EXPECT_EQ(one.systemPing.roundTrip.max, 3000);  // the call's arrival to the event's, wall clock
    KeepaliveStats two = keepalive(2);
    EXPECT_EQ(two.systemPing.sent, 1);
    EXPECT_EQ(two.systemPing.unanswered, 0);
    EXPECT_EQ(two.systemPing.roundTrip.max, 1500);
    // Session 3's call carries the same token, but the event went to session 2.
    KeepaliveStats three = keepalive(3);
    EXPECT_EQ(three.systemPing.sent, 1);
    EXPECT_EQ(three.systemPing.unanswered, 1);
    EXPECT_EQ(three.systemPing.roundTrip.count, 0);
}

TEST_F(KeepaliveCounterTest, ReconnectIsAClientClose3000) {
    KeepaliveStats one = keepalive(1);
    EXPECT_EQ(one.reconnects, 1);
    EXPECT_EQ(one.reconnectsAfterUnanswered, 1);  // its last ws_ping and last system.ping got nothing
    EXPECT_EQ(keepalive(2).reconnects, 0);
    EXPECT_EQ(keepalive(3).reconnects, 0);  // 1006 by the server is no reconnect
}

TEST_F(KeepaliveCounterTest, AllSessionsAddUp) {
    KeepaliveStats k = keepalive(std::nullopt);
    EXPECT_EQ(k.wsPing.sent, 5);
    EXPECT_EQ(k.wsPing.roundTrip.count, 3);
    EXPECT_EQ(k.wsPing.unanswered, 2);
    EXPECT_EQ(k.systemPing.sent, 4);
    EXPECT_EQ(k.systemPing.roundTrip.count, 2);
    EXPECT_EQ(k.systemPing.unanswered, 2);
    EXPECT_EQ(k.reconnects, 1);
    EXPECT_EQ(k.reconnectsAfterUnanswered, 1);
}

}  // namespace
}  // namespace rtmtap
