// The simulator keeps a client that behaves like the real web client (protocol-notes.md, "The
// real web client") connected through minutes of FAKE time: the world runs on a FakeClock and the
// test ticks the server's ping timer itself (pingIntervalMs 0, SimServer::pingAll), so two
// minutes take no real waiting. The counterparts show the same loop can fail: a client that stops
// answering protocol pings, and one whose token expires, are dropped. The client also POSTs
// system.ping every 60 s and must get its system.ping event each time.
#include "SimTestUtil.h"

#include "protocol/JwtClaims.h"
#include "tests/support/Eventually.h"

#include <Poco/URI.h>

namespace rtmtap::test {
namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int kServerPingEvery = 25;  // s, the real server's timer
constexpr int kWsPingEvery = 10;      // s, the real web client's ws_ping
constexpr int kSystemPingEvery = 60;  // s, the real web client's POST system.ping

// A client of the simulator that reads frame by frame, to tell a protocol ping, the pong event
// and the end of the connection apart.
class KeepaliveClient {
public:
    explicit KeepaliveClient(Simulator& sim) : client_(sim.wsServer().port()) {}

    void send(const std::string& text) { client_.sendText(text); }
    void auth(const std::string& token) { send(R"({"command":"ws_auth","auth_token":")" + token + "\"}"); }
    TestClient& raw() { return client_; }

    // After a tick of the server's timer: reads up to its protocol ping and answers it when
    // answerPings. False when the connection ends instead.
    bool readServerPing() {
        for (;;) {
            Received r = client_.receive(10000);
            if (!r.isFrame()) {
                return false;
            }
            if (r.opcode() == kOpPing) {
                ++pings;
                if (answerPings) {
                    client_.sendPong(r.frame.payload);
                }
                return true;
            }
        }
    }

    // ws_ping, then reads up to its {"event":"pong"}; the server runs a socket's frames in order,
    // so the pong also says every frame sent before it (a protocol pong) has been taken. Other
    // events land in seen. False when the connection ends first.
    bool wsPing() {
        send(R"({"command":"ws_ping"})");
        for (;;) {
            Received r = client_.receive(10000);
            if (!r.isFrame() || r.opcode() == kOpClose) {
                return false;
            }
            const std::string event = eventOf(r.frame);
            if (event == "pong") {
                ++pongs;
                return true;
            }
            seen.push_back(event);
        }
    }

    // POST system.ping as the real client does every 60 s (its login bearer, the ws_token's
    // finger print), then reads up to the system.ping event carrying its ping_token. False when the
    // call fails or the connection ends first.
    bool systemPing(uint16_t apiPort) {
        const std::string token = "tok" + std::to_string(++systemPings);
        const std::string body = "finger_print=" + fingerPrint + "&ping_token=" + token + "&last_latency=3";
        HttpResult r = TestClient::rawRequest(
            apiPort, "POST /api/v1/system.ping HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Authorization: Bearer " + loginToken + "\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                     "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body);
        EXPECT_EQ(r.status, 200) << r.body;
        for (;;) {
            Received got = client_.receive(10000);
            if (r.status != 200 || !got.isFrame() || got.opcode() == kOpClose) {
                return false;
            }
            auto frame = eventOf(got.frame) == "system.ping" ? jsonObjectOf(got.frame.payload) : nullptr;
            if (frame && frame->getObject("payload")->getValue<std::string>("ping_token") == token) {
                ++systemPingEvents;
                return true;
            }
        }
    }

    bool answerPings = true;
    int pings = 0;
    int pongs = 0;
    std::string loginToken, fingerPrint;  // set: the client also sends system.ping every 60 s
    int systemPings = 0;
    int systemPingEvents = 0;
    std::vector<std::string> seen;

private:
    TestClient client_;
};

class SimKeepaliveTest : public ::testing::Test {
protected:
    void SetUp() override {
        sim = std::make_unique<Simulator>(simConfig(SimFlavor::Real, 0), clock);
        sim->start();
        apiPort = Poco::URI(sim->apiUrl()).getPort();
    }

    // One second of fake time as the real client and server live it: the server's ping timer
    // every 25 s (each client reads its ping), the client's ws_ping every 10 s. False when a
    // client's connection ended during the step.
    bool step(int second, const std::vector<KeepaliveClient*>& clients) {
        clock.advance(kSecond);
        bool alive = true;
        if (second % kServerPingEvery == 0) {
            sim->wsServer().pingAll();
            for (KeepaliveClient* c : clients) {
                alive = c->readServerPing() && alive;
            }
        }
        if (second % kWsPingEvery == 0) {
            for (KeepaliveClient* c : clients) {
                alive = c->wsPing() && alive;
            }
        }
        if (second % kSystemPingEvery == 0) {
            for (KeepaliveClient* c : clients) {
                alive = (c->loginToken.empty() || c->systemPing(apiPort)) && alive;
            }
        }
        return alive;
    }

    // What the real client does to connect: rtm.connect with its login token, for a fresh ws_token.
    std::string rtmConnect(const std::string& loginToken) {
        HttpResult r = TestClient::rawRequest(apiPort, "GET /api/v1/rtm.connect HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                                       "Connection: close\r\nAuthorization: Bearer " +
                                                           loginToken + "\r\n\r\n");
        EXPECT_EQ(r.status, 200) << r.body;
        auto obj = jsonObjectOf(r.body);
        return obj && obj->has("rtm") ? obj->getObject("rtm")->getValue<std::string>("ws_token") : "";
    }

    std::string login(int n) {
        const std::string body = "user=user" + std::to_string(n) + "%40example.test&password=password";
        HttpResult r = TestClient::rawRequest(
            apiPort, "POST /api/v1/user.login HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                     "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: " +
                         std::to_string(body.size()) + "\r\n\r\n" + body);
        EXPECT_EQ(r.status, 200) << r.body;
        auto obj = jsonObjectOf(r.body);
        return obj && obj->has("token") ? obj->getValue<std::string>("token") : "";
    }

    FakeClock clock;
    std::unique_ptr<Simulator> sim;
    uint16_t apiPort = 0;
};

TEST_F(SimKeepaliveTest, ClientPingingEveryTenSecondsStaysThroughTwoMinutes) {
    KeepaliveClient c(*sim);
    c.loginToken = login(1);
    const std::string wsToken = rtmConnect(c.loginToken);
    auto claims = decodeJwtClaims(wsToken);
    ASSERT_TRUE(claims.has_value());
    c.fingerPrint = claims->finger_print;
    c.auth(wsToken);
    ASSERT_TRUE(c.wsPing());  // also the barrier for the auth
    EXPECT_TRUE(contains(c.seen, "user.online"));
    for (int second = 1; second <= 120; ++second) {
        ASSERT_TRUE(step(second, {&c})) << "dropped at " << second << " s of fake time";
    }
    EXPECT_EQ(c.pings, 4);       // at 25, 50, 75 and 100 s
    EXPECT_EQ(c.pongs, 1 + 12);  // every ws_ping answered
    EXPECT_EQ(c.systemPingEvents, 2);  // at 60 and 120 s, each answered by its event
    EXPECT_EQ(sim->wsServer().connectionCount(), 1u);
}

TEST_F(SimKeepaliveTest, ClientThatStopsAnsweringPingsIsDroppedWithinTwoTicks) {
    KeepaliveClient good(*sim), quiet(*sim);
    good.auth(tokenFor(*sim, 1));
    quiet.auth(tokenFor(*sim, 2));
    ASSERT_TRUE(good.wsPing() && quiet.wsPing());
    int second = 1;
    for (; second <= 60; ++second) {
        ASSERT_TRUE(step(second, {&good, &quiet})) << "at " << second << " s";
    }
    quiet.answerPings = false;
    // The tick at 75 s finds the pong of 50 s: the quiet client misses its ping and stays for now.
    for (; second <= 99; ++second) {
        ASSERT_TRUE(step(second, {&good, &quiet})) << "at " << second << " s";
    }
    EXPECT_EQ(quiet.pings, 3);
    clock.advance(kSecond);
    sim->wsServer().pingAll();  // 100 s: the ping of 75 s is still unanswered
    Received r = quiet.raw().receive(10000);
    EXPECT_TRUE(r.endedWithoutClose()) << toString(r);
    EXPECT_TRUE(good.readServerPing());
    EXPECT_TRUE(good.wsPing());
    EXPECT_TRUE(eventually([&] { return sim->wsServer().connectionCount() == 1; }));
}

TEST_F(SimKeepaliveTest, ClientWhoseTokenExpiresIsDroppedAtTheNextTick) {
    KeepaliveClient c(*sim);
    c.auth(tokenFor(*sim, 1, 60));
    ASSERT_TRUE(c.wsPing());
    for (int second = 1; second <= 74; ++second) {
        ASSERT_TRUE(step(second, {&c})) << "at " << second << " s";  // expired at 60, still on at 70
    }
    clock.advance(kSecond);
    sim->wsServer().pingAll();  // 75 s: the first tick after the expiry
    Received r = c.raw().receive(10000);
    EXPECT_TRUE(r.endedWithoutClose()) << toString(r);
}

// The real client's reconnect: close the old socket with 3000, rtm.connect again, a new socket.
// The server answers the close frame with its code (the WebSocket library's close handshake; it
// never starts one itself), and the new socket is a first connection again: user.online, pongs.
TEST_F(SimKeepaliveTest, ReconnectWithCode3000GetsANewSessionThatStays) {
    const std::string loginToken = login(1);
    KeepaliveClient old(*sim);
    old.auth(rtmConnect(loginToken));
    ASSERT_TRUE(old.wsPing());
    ASSERT_TRUE(contains(old.seen, "user.online"));
    for (int second = 1; second <= 30; ++second) {
        ASSERT_TRUE(step(second, {&old})) << "at " << second << " s";
    }
    old.raw().sendClose(3000, "");
    Received echo = old.raw().receiveOpcode(kOpClose);
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.closeCode(), 3000);
    EXPECT_TRUE(old.raw().receive(10000).endedWithoutClose());
    ASSERT_TRUE(eventually([&] { return sim->wsServer().connectionCount() == 0; }));

    clock.advance(10 * kSecond);  // the client waits 10 s before it reconnects
    KeepaliveClient fresh(*sim);
    fresh.auth(rtmConnect(loginToken));
    ASSERT_TRUE(fresh.wsPing());
    EXPECT_TRUE(contains(fresh.seen, "user.online"));
    for (int second = 41; second <= 160; ++second) {
        ASSERT_TRUE(step(second, {&fresh})) << "at " << second << " s";
    }
    EXPECT_EQ(fresh.pings, 5);  // at 50, 75, 100, 125 and 150 s
}

}  // namespace
}  // namespace rtmtap::test
