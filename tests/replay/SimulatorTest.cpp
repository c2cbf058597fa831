// The simulator's WebSocket rules (airsend-rtm.md, protocol-notes.md) on loopback.
#include "SimTestUtil.h"

namespace rtmtap::test {
namespace {

class SimulatorTest : public ::testing::Test {
protected:
    void SetUp() override { startSim(simConfig()); }
    void startSim(const SimulatorConfig& config) {
        sim.reset();
        sim = std::make_unique<Simulator>(config);
        sim->start();
    }
    std::unique_ptr<Simulator> sim;
};

TEST_F(SimulatorTest, AuthenticatedClientGetsItsOwnUserOnline) {
    SimClient a(*sim);
    ASSERT_TRUE(a.open());
    a.auth(*sim, 1);
    auto online = a.waitFor("user.online");
    ASSERT_NE(online, nullptr);
    EXPECT_EQ(online->getObject("payload")->getObject("user")->getValue<int64_t>("id"), userId(1));
    EXPECT_EQ(online->getObject("meta")->getValue<std::string>("api"), "v1");
    EXPECT_FALSE(online->getObject("meta")->has("emitted_on"));
}

TEST_F(SimulatorTest, WsPingIsAnsweredWithPongEvenBeforeAuth) {
    SimClient a(*sim);
    a.send(R"({"command":"ws_ping"})");
    Received r = a.raw().receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, R"({"event":"pong"})");
}

TEST_F(SimulatorTest, EachBadFirstMessageDropsWithoutCloseFrame) {
    const std::vector<std::string> bad = {
        "not json", "null", "[1,2]", R"({"foo":1})", R"({"command":"ws_nonsense"})", R"({"command":"ws_stats"})",
        R"({"command":"ws_cache_connection"})", R"({"command":"ws_ephemeral_typing","channel_id":11010000})",
        R"({"command":"ws_auth","auth_token":"a.b.c"})", R"({"command":"ws_auth"})"};
    for (const auto& text : bad) {
        SimClient a(*sim);
        ASSERT_TRUE(a.open());
        a.send(text);
        EXPECT_TRUE(a.droppedWithoutClose()) << text;
    }
}

TEST_F(SimulatorTest, BadCommandAfterAuthDrops) {
    // A user of its own each time: user.online comes only with a user's first connection, and the
    // simulator may still be ending the previous one (the client sees the drop first).
    int user = 0;
    for (const std::string text : {"{oops", "null", R"({"command":"ws_purge_connection"})", R"({"command":42})"}) {
        SimClient a(*sim);
        a.auth(*sim, ++user);
        ASSERT_NE(a.waitFor("user.online"), nullptr);
        a.send(text);
        EXPECT_TRUE(a.droppedWithoutClose()) << text;
    }
}

TEST_F(SimulatorTest, TokenWithWrongSignatureDrops) {
    SimClient a(*sim);
    std::string token = tokenFor(*sim, 1);
    token.back() = token.back() == 'A' ? 'B' : 'A';
    a.send(R"({"command":"ws_auth","auth_token":")" + token + "\"}");
    EXPECT_TRUE(a.droppedWithoutClose());
    SimJwt other("another-secret");
    SimClaims c;
    c.userId = userId(1);
    c.expiry = sim->world().nowUnix() + 3600;
    SimClient b(*sim);
    b.send(R"({"command":"ws_auth","auth_token":")" + other.sign(c) + "\"}");
    EXPECT_TRUE(b.droppedWithoutClose());
}

TEST_F(SimulatorTest, ExpiredTokenDrops) {
    SimClient a(*sim);
    a.send(R"({"command":"ws_auth","auth_token":")" + tokenFor(*sim, 1, -10) + "\"}");
    EXPECT_TRUE(a.droppedWithoutClose());
}

TEST_F(SimulatorTest, RealFlavorIgnoresCommandsBeforeAuth) {
    startSim(simConfig(SimFlavor::Real));
    SimClient a(*sim);
    a.send(R"({"command":"ws_ephemeral_typing","channel_id":11010000})");
    EXPECT_TRUE(a.drain().empty());  // still open: the pong came
    a.send("null");
    EXPECT_TRUE(a.droppedWithoutClose());
}

TEST_F(SimulatorTest, BinaryFrameWithJsonIsAccepted) {
    SimClient a(*sim);
    a.raw().sendBinary(R"({"command":"ws_ping"})");
    Received r = a.raw().receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, R"({"event":"pong"})");
}

TEST_F(SimulatorTest, ClientThatAnswersPingsStaysAndSilentOneIsDropped) {
    startSim(simConfig(SimFlavor::Doc, 1000));
    SimClient good(*sim);
    SimClient silent(*sim);
    good.auth(*sim, 1);
    silent.auth(*sim, 2);
    // Four ticks: the silent client misses its first ping and is gone by the next tick.
    int pings = 0;
    while (pings < 3) {
        Received r = good.raw().receive(10000);
        ASSERT_TRUE(r.isFrame()) << toString(r);
        if (r.opcode() == kOpPing) {
            good.raw().sendPong(r.frame.payload);
            ++pings;
        }
    }
    bool sawPing = false;
    for (;;) {
        Received r = silent.raw().receive(10000);
        if (!r.isFrame()) {
            EXPECT_TRUE(r.endedWithoutClose()) << toString(r);
            break;
        }
        sawPing = sawPing || r.opcode() == kOpPing;
        ASSERT_NE(r.opcode(), kOpClose);
    }
    EXPECT_TRUE(sawPing);
    good.drain();  // still served: the pong comes
}

TEST_F(SimulatorTest, FailedReauthDrops) {
    SimClient a(*sim);
    a.auth(*sim, 1);
    a.auth(*sim, 1);  // a token refresh: still open, no second user.online
    auto seen = a.drain();
    EXPECT_EQ(std::count(seen.begin(), seen.end(), "user.online"), 3);  // user1 is in all three channels
    a.send(R"({"command":"ws_auth","auth_token":")" + tokenFor(*sim, 1, -5) + "\"}");
    EXPECT_TRUE(a.droppedWithoutClose());
}

TEST_F(SimulatorTest, ConnectionIsDroppedWhenItsTokenExpires) {
    startSim(simConfig(SimFlavor::Doc, 1000));
    SimClient a(*sim);
    a.send(R"({"command":"ws_auth","auth_token":")" + tokenFor(*sim, 1, 2) + "\"}");
    // It answers every ping, yet the server ends it once the expiry has passed.
    for (;;) {
        Received r = a.raw().receive(10000);
        if (!r.isFrame()) {
            EXPECT_TRUE(r.endedWithoutClose()) << toString(r);
            break;
        }
        ASSERT_NE(r.opcode(), kOpClose);
        if (r.opcode() == kOpPing) {
            a.raw().sendPong(r.frame.payload);
        }
    }
}

TEST_F(SimulatorTest, ProtocolPingFromClientGetsPong) {
    SimClient a(*sim);
    a.raw().sendPing("hello");
    Received r = a.raw().receiveOpcode(kOpPong);
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, "hello");
}

TEST_F(SimulatorTest, CloseFrameIsAnswered) {
    SimClient a(*sim);
    a.raw().sendClose(1000, "bye");
    Received r = a.raw().receiveOpcode(kOpClose);
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.closeCode(), 1000);
}

TEST_F(SimulatorTest, LastConnectionGoingSendsUserOffline) {
    SimClient a(*sim);
    a.auth(*sim, 1);
    ASSERT_NE(a.waitFor("user.online"), nullptr);
    {
        SimClient b1(*sim);
        SimClient b2(*sim);
        b1.auth(*sim, 2);
        EXPECT_TRUE(contains(b1.drain(), "user.online"));  // also the barrier for b1's auth
        EXPECT_TRUE(contains(a.drain(), "user.online"));
        b2.auth(*sim, 2);
        // Only the first connection of a user announces it.
        EXPECT_FALSE(contains(b2.drain(), "user.online"));
        EXPECT_FALSE(contains(a.drain(), "user.online"));
        b1.raw().drop();
        EXPECT_FALSE(contains(b2.drain(), "user.offline"));
        b2.raw().drop();
    }
    auto offline = a.waitFor("user.offline");
    ASSERT_NE(offline, nullptr);
    EXPECT_EQ(offline->getObject("payload")->getObject("user")->getValue<int64_t>("id"), userId(2));
    EXPECT_FALSE(offline->getObject("payload")->getObject("user")->getValue<bool>("online_status"));
}

TEST_F(SimulatorTest, StopEndsLiveClients) {
    SimClient a(*sim);
    a.auth(*sim, 1);
    ASSERT_NE(a.waitFor("user.online"), nullptr);
    sim->stop();
    EXPECT_TRUE(a.droppedWithoutClose());
}

}  // namespace
}  // namespace rtmtap::test
