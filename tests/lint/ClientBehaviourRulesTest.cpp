// The client behaviour rules of `rtmtap lint` (pongs, typing and read pacing, reconnects, tokens,
// close codes), each made to fire and kept quiet, through the engine with clientRules(); the
// cross-session rules through one engine linting several sessions in order. A session shaped like
// the project's own clients against the simulator, and a real one through the proxy, stay quiet.
#include "lint/ClientRules.h"
#include "lint/LintEngine.h"
#include "replay/RtmClient.h"
#include "replay/Simulator.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/Eventually.h"
#include "tests/support/ProxyHarness.h"

#include <gtest/gtest.h>

#include <thread>

namespace rtmtap {
namespace {

using Session = test::CraftedSession;
using test::describe;
using test::findingsOf;
using test::wsAuthFrame;

constexpr const char* kPayload = "rtmtap";  // what the simulator's pings carry

std::vector<Finding> lintOf(const Session& s) {
    LintEngine engine(clientRules());
    return s.lint(engine);
}

std::vector<Finding> found(const Session& s, const std::string& rule) {
    return findingsOf(lintOf(s), rule);
}

bool says(const Finding& f, const std::string& text) {
    return f.sentence.find(text) != std::string::npos;
}

std::string authFor(int64_t user, const std::string& fingerPrint = "abcdefghijkl",
                    const std::string& expiry = "2026-11-30 12:00:00") {
    return wsAuthFrame(R"({"user_id":)" + std::to_string(user) + R"(,"expiry":")" + expiry +
                       R"(","finger_print":")" + fingerPrint + R"("})");
}

std::string typing(const std::string& channel) {
    return R"({"command":"ws_ephemeral_typing","channel_id":)" + channel + "}";
}

std::string read(const std::string& channel, int64_t message) {
    return R"({"command":"ws_read_notification","channel_id":")" + channel + R"(","message_id":")" +
           std::to_string(message) + "\"}";
}

Session& ping(Session& s, double at, const std::string& payload = kPayload) {
    return s.at(at).server(payload, Opcode::Ping);
}

Session& pong(Session& s, double at, const std::string& payload = kPayload) {
    return s.at(at).client(payload, Opcode::Pong);
}

// ---- pong-missing

TEST(ClientBehaviourRulesTest, PongMissingFiresWhenTheNextPingComesWithoutAPong) {
    Session s;
    s.client(authFor(5));
    ping(s, 10).at(20).client(R"({"command":"ws_ping"})");
    ping(s, 35);
    pong(s, 35.002).at(36).clientClose(1000);
    auto f = found(s, "pong-missing");
    ASSERT_EQ(f.size(), 1u) << describe(lintOf(s));
    EXPECT_EQ(f[0].severity, Severity::Error);
    EXPECT_EQ(f[0].seq, 2);  // the ping that went unanswered
    EXPECT_TRUE(says(f[0], "unanswered for 25.0 s")) << f[0].sentence;
    EXPECT_TRUE(says(f[0], "next ping at seq 4")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, PongMissingFiresWhenTheConnectionDropsAnIntervalAfterThePing) {
    Session s;
    s.client(authFor(5));
    ping(s, 10).at(34.999).server(R"({"event":"pong"})");  // the end comes 1 ms after the last frame
    auto f = found(s, "pong-missing");
    ASSERT_EQ(f.size(), 1u) << describe(lintOf(s));
    EXPECT_EQ(f[0].seq, 2);
    EXPECT_TRUE(says(f[0], "unanswered for 25.0 s, until the connection dropped")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, PongMissingQuietForPromptPongsCloseAndEarlyDrops) {
    Session prompt;  // the simulator pings every 25 s, RtmClient pongs at once with the payload
    prompt.client(authFor(5));
    for (int i = 0; i < 4; ++i) {
        ping(prompt, 7 + 25 * i);
        pong(prompt, 7.002 + 25 * i);
    }
    ping(prompt, 107).at(107.5).clientClose(3000);  // closing: no pong is due any more
    EXPECT_TRUE(lintOf(prompt).empty()) << describe(lintOf(prompt));

    Session early;  // dropped 2 s after a ping: not the server's tick, another cause
    early.client(authFor(5));
    ping(early, 10).at(12).server(R"({"event":"user.online"})");
    EXPECT_TRUE(found(early, "pong-missing").empty());

    Session open;  // the recording stopped while the session was open
    open.client(authFor(5));
    ping(open, 10).at(40).server(R"({"event":"user.online"})");
    LintEngine engine(clientRules());
    EXPECT_TRUE(findingsOf(engine.lint(open.id(), open.messages(), LintSessionEnd{}), "pong-missing").empty());
}

TEST(ClientBehaviourRulesTest, PongMissingCountsAnyPongAsTheServerDoesAndForgivesPingsInQuickSuccession) {
    Session s;
    s.client(authFor(5));
    ping(s, 10, "a");
    pong(s, 10.5, "heartbeat");  // not the echo, but the server keeps a client on any pong
    ping(s, 35, "b");
    ping(s, 35.2, "c");  // two pings 0.2 s apart: RFC 6455 lets the client answer only the latest
    pong(s, 35.3, "c");
    ping(s, 60, "d");
    pong(s, 60.001, "d").at(61).clientClose(1000);
    EXPECT_TRUE(found(s, "pong-missing").empty()) << describe(lintOf(s));
}

// ---- pong-slow

TEST(ClientBehaviourRulesTest, PongSlowWarnsAboveHalfTheIntervalAndSaysHowCloseItCame) {
    Session s;
    s.client(authFor(5));
    ping(s, 10, "1");
    pong(s, 22.8, "1");
    auto f = found(s, "pong-slow");
    ASSERT_EQ(f.size(), 1u) << describe(lintOf(s));
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_EQ(f[0].seq, 3);
    EXPECT_TRUE(says(f[0], "12.8 s after the server's ping at seq 2, 12.2 s before the server would drop it"))
        << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, PongSlowIsInfoAboveFiveSecondsAndPairsByPayload) {
    Session s;
    s.client(authFor(5));
    ping(s, 10, "1");
    pong(s, 10.5, "0");  // a stale or unsolicited pong is not the answer to ping "1"
    pong(s, 17, "1");
    auto f = found(s, "pong-slow");
    ASSERT_EQ(f.size(), 1u) << describe(lintOf(s));
    EXPECT_EQ(f[0].severity, Severity::Info);
    EXPECT_EQ(f[0].seq, 4);
    EXPECT_TRUE(says(f[0], "7.0 s after")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, PongSlowJudgesBySessionsOwnPingInterval) {
    Session s;  // `rtmtap simulate --ping-interval 2`: a pong 1.2 s late is past half the interval
    s.client(authFor(5));
    ping(s, 1, "");
    pong(s, 1.001, "");
    ping(s, 3, "");
    pong(s, 4.2, "");
    auto f = found(s, "pong-slow");
    ASSERT_EQ(f.size(), 1u) << describe(lintOf(s));
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_TRUE(says(f[0], "1.2 s after the server's ping at seq 4, 0.8 s before")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, PongSlowQuietForPromptPongsInOrder) {
    Session s;
    s.client(authFor(5));
    ping(s, 5, "");
    pong(s, 5.001, "");
    ping(s, 30, "");
    pong(s, 34.9, "");  // 4.9 s: under the 5 s the web client allows its own ws_ping
    EXPECT_TRUE(found(s, "pong-slow").empty()) << describe(lintOf(s));
}

// ---- typing-throttle

TEST(ClientBehaviourRulesTest, TypingThrottleFiresOncePerBurstPerChannel) {
    Session s;
    s.client(authFor(5));
    s.at(1).client(typing("11010000")).at(1.2).client(typing("11010001"));  // another channel
    s.at(1.5).client(typing("\"11010000\"")).at(2.0).client(typing("11010000")).at(2.5).client(typing("11010000"));
    s.at(6).client(typing("11010000")).at(6.4).client(typing("11010000"));  // a new burst
    auto f = found(s, "typing-throttle");
    ASSERT_EQ(f.size(), 2u) << describe(lintOf(s));
    EXPECT_EQ(f[0].seq, 4);
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_TRUE(says(f[0], "channel 11010000 came 0.5 s after the previous one")) << f[0].sentence;
    EXPECT_EQ(f[1].seq, 8);
}

TEST(ClientBehaviourRulesTest, TypingThrottleQuietAtTheWebClientsPace) {
    Session s;
    s.client(authFor(5));
    for (int i = 0; i < 5; ++i) {
        s.at(1 + 2.5 * i).client(typing("11010000")).at(1.1 + 2.5 * i).client(typing("11010001"));
    }
    s.at(20).client(R"({"command":"ws_ephemeral_typing"})").client(R"({"command":"ws_ephemeral_typing"})");
    EXPECT_TRUE(found(s, "typing-throttle").empty()) << describe(lintOf(s));
}

// ---- read-debounce

TEST(ClientBehaviourRulesTest, ReadDebounceWarnsForAReadWithinOneSecond) {
    Session s;
    s.client(authFor(5));
    s.at(1).client(read("1101000", 10)).at(1.3).client(read("1101000", 11)).at(1.6).client(read("1101000", 12));
    auto f = found(s, "read-debounce");
    ASSERT_EQ(f.size(), 1u) << describe(lintOf(s));
    EXPECT_EQ(f[0].seq, 3);
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_TRUE(says(f[0], "channel 1101000 came 0.3 s after the previous one")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, ReadDebounceIsInfoForAMessageNotAboveTheLastRead) {
    Session s;
    s.client(authFor(5));
    s.at(1).client(read("1101000", 12)).at(3).client(read("1101000", 12)).at(5).client(read("1101000", 11));
    auto f = found(s, "read-debounce");
    ASSERT_EQ(f.size(), 2u) << describe(lintOf(s));
    EXPECT_EQ(f[0].severity, Severity::Info);
    EXPECT_EQ(f[0].seq, 3);
    EXPECT_TRUE(says(f[0], "message 12 in channel 1101000, not above the 12 already read")) << f[0].sentence;
    EXPECT_EQ(f[1].seq, 4);
}

TEST(ClientBehaviourRulesTest, ReadDebounceQuietForDebouncedHigherReads) {
    Session s;
    s.client(authFor(5));
    s.at(1).client(read("1101000", 10)).at(1.1).client(read("1101001", 3));
    s.at(2.5).client(read("1101000", 11)).at(4).client(read("1101000", 15)).at(4.2).client(read("1101001", 4));
    EXPECT_TRUE(found(s, "read-debounce").empty()) << describe(lintOf(s));
}

// ---- reconnect-storm: sessions of users one after another, each 0.5 s long, through one engine

struct Visit {
    int64_t user;
    double gapBefore;  // s from the previous visit's end
};

std::vector<std::vector<Finding>> lintVisits(const std::vector<Visit>& visits, bool closeEach = false) {
    LintEngine engine(clientRules());
    std::vector<std::vector<Finding>> out;
    int64_t start = Session::kStartWallUs;
    int64_t id = 1;
    for (const Visit& v : visits) {
        start += static_cast<int64_t>(v.gapBefore * 1e6);
        Session s(id, start);
        s.client(authFor(v.user, "fp" + std::to_string(id))).at(0.499).server(R"({"event":"user.online"})");
        if (closeEach) {
            s.clientClose(3000);
        }
        out.push_back(s.lint(engine));
        start = s.end().ended_wall_us;
        ++id;
    }
    return out;
}

std::vector<Finding> stormsIn(const std::vector<std::vector<Finding>>& sessions) {
    std::vector<Finding> all;
    for (const auto& findings : sessions) {
        for (const Finding& f : findingsOf(findings, "reconnect-storm")) {
            all.push_back(f);
        }
    }
    return all;
}

TEST(ClientBehaviourRulesTest, ReconnectStormFiresOncePerStormAtTheThirdQuickReconnect) {
    auto sessions = lintVisits({{5, 0}, {5, 0.3}, {5, 0.2}, {5, 0.4}, {5, 0.3}, {5, 0.3},  // five in a row
                                {5, 30},                                                  // a pause
                                {5, 1}, {5, 1}, {5, 1.1}});                               // another storm
    auto f = stormsIn(sessions);
    ASSERT_EQ(f.size(), 2u) << describe(f);
    EXPECT_EQ(f[0].session, 4);
    EXPECT_EQ(f[0].seq, 1);  // its ws_auth
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_TRUE(says(f[0], "user 5 reconnected 3 times in a row")) << f[0].sentence;
    EXPECT_TRUE(says(f[0], "(0.3 s, 0.2 s, 0.4 s)")) << f[0].sentence;
    EXPECT_EQ(f[1].session, 10);
}

TEST(ClientBehaviourRulesTest, ReconnectStormQuietWithBackOffTheWebClientsWaitOrOtherUsers) {
    EXPECT_TRUE(stormsIn(lintVisits({{5, 0}, {5, 0.5}, {5, 1}, {5, 2}, {5, 4}, {5, 4.9}})).empty());
    EXPECT_TRUE(stormsIn(lintVisits({{5, 0}, {5, 10}, {5, 10}, {5, 10.5}, {5, 10}}, true)).empty());
    EXPECT_TRUE(stormsIn(lintVisits({{5, 0}, {6, 0.1}, {7, 0.1}, {8, 0.1}, {9, 0.1}})).empty());
}

// Five tabs of one user open together (live: one engine per open session, one shared history),
// and a sixth 0.3 s after the last closed: each tab was still open when the next one started.
TEST(ClientBehaviourRulesTest, ReconnectStormQuietForOverlappingSessionsOfOneUser) {
    auto history = std::make_shared<SessionHistory>();
    std::vector<std::unique_ptr<LintEngine>> tabs;
    std::vector<Finding> all;
    for (int64_t id = 1; id <= 5; ++id) {
        Session s(id, Session::kStartWallUs + id * 200'000);
        s.client(authFor(5, "fp" + std::to_string(id)));
        tabs.push_back(std::make_unique<LintEngine>(clientRules(), history));
        tabs.back()->startSession(id, s.startWallUs());
        tabs.back()->onMessage(s.messages()[0]);
    }
    LintSessionEnd end;
    end.ended = true;
    for (size_t i = 0; i < tabs.size(); ++i) {  // each tab open 10 s
        end.ended_wall_us = Session::kStartWallUs + static_cast<int64_t>(i + 1) * 200'000 + 10'000'000;
        for (const Finding& f : tabs[i]->endSession(end)) {
            all.push_back(f);
        }
    }
    Session sixth(6, end.ended_wall_us + 300'000);
    sixth.client(authFor(5, "fp6"));
    LintEngine engine(clientRules(), history);
    for (const Finding& f : sixth.lint(engine)) {
        all.push_back(f);
    }
    EXPECT_TRUE(findingsOf(all, "reconnect-storm").empty()) << describe(all);
}

// ---- token-expired

TEST(ClientBehaviourRulesTest, TokenExpiredFiresForAPassedExpiryReadAsUtcAlsoOnARefresh) {
    Session s;  // starts 2025-11-24T16:00:00Z
    s.client(authFor(5, "abcdefghijkl", "2025-11-24 15:00:00"));
    s.at(30).client(authFor(5, "abcdefghijkl", "2025-11-24 15:59:40"));  // a refresh, expired 50 s ago
    auto f = found(s, "token-expired");
    ASSERT_EQ(f.size(), 2u) << describe(lintOf(s));
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_TRUE(says(f[0], "expiry 2025-11-24 15:00:00 (read as UTC) passed 1 h 00 min before")) << f[0].sentence;
    EXPECT_EQ(f[1].seq, 2);
    EXPECT_TRUE(says(f[1], "passed 50.0 s before")) << f[1].sentence;
}

TEST(ClientBehaviourRulesTest, TokenExpiredQuietForFutureMissingOrUnreadableExpiry) {
    const std::string future = authFor(5, "abcdefghijkl", "2025-11-24 16:00:01");
    Session s;
    s.client(future)
        .client(future.substr(0, future.rfind('.') + 1) + "\"}")  // stored redacted: "h.p."
        .client(wsAuthFrame(R"({"user_id":5})"))
        .client(authFor(5, "abcdefghijkl", "tomorrow"))
        .client(R"({"command":"ws_auth","auth_token":"not a jwt"})");
    EXPECT_TRUE(found(s, "token-expired").empty()) << describe(lintOf(s));
}

// ---- token-reused

TEST(ClientBehaviourRulesTest, TokenReusedFiresWhenADroppedSessionsTokenComesBack) {
    LintEngine engine(clientRules());
    Session dropped(1);
    dropped.client(authFor(5)).at(3).server(R"({"event":"user.online"})");  // no close frame: a drop
    EXPECT_TRUE(findingsOf(dropped.lint(engine), "token-reused").empty());
    Session again(2, dropped.end().ended_wall_us + 10'000'000);
    again.client(authFor(5));
    auto f = findingsOf(again.lint(engine), "token-reused");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_EQ(f[0].seq, 1);
    EXPECT_EQ(f[0].severity, Severity::Warn);
    EXPECT_TRUE(says(f[0], "token of session 1, which was dropped 10.0 s before")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, TokenReusedQuietAfterACleanCloseOrWithAFreshToken) {
    LintEngine engine(clientRules());
    Session closed(1);
    closed.client(authFor(5)).at(3).clientClose(3000);
    closed.lint(engine);
    Session reused(2, closed.end().ended_wall_us + 10'000'000);
    reused.client(authFor(5)).at(1);  // after a clean close: unusual, not a symptom
    EXPECT_TRUE(findingsOf(reused.lint(engine), "token-reused").empty());
    // reused ended without a close frame: a drop; the next session calls rtm.connect again.
    Session fresh(3, reused.end().ended_wall_us + 10'000'000);
    fresh.client(authFor(5, "mnopqrstuvwx"));
    EXPECT_TRUE(findingsOf(fresh.lint(engine), "token-reused").empty());
}

// ---- close-code

TEST(ClientBehaviourRulesTest, CloseCodeFiresForCodesNoClientMaySendAndAOneByteBody) {
    for (int code : {1005, 1006, 1004, 1015, 999, 0, 2000, 1016, 2999, 5000}) {
        Session s;  // written by hand: closePayload() sends no body for 1005, as a sender should
        s.client(authFor(5)).client(std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)},
                                    Opcode::Close);
        auto f = found(s, "close-code");
        ASSERT_EQ(f.size(), 1u) << code;
        EXPECT_EQ(f[0].seq, 2);
        EXPECT_TRUE(says(f[0], "closed with code " + std::to_string(code) + ",")) << f[0].sentence;
    }
    Session s;
    s.client(authFor(5)).client(std::string("\x03", 1), Opcode::Close);
    auto f = found(s, "close-code");
    ASSERT_EQ(f.size(), 1u);
    EXPECT_TRUE(says(f[0], "1-byte body")) << f[0].sentence;
}

TEST(ClientBehaviourRulesTest, CloseCodeQuietForCodesAClientMaySend) {
    for (uint16_t code : {1000, 1001, 1002, 1003, 1007, 1011, 1014, 3000, 3999, 4000, 4999}) {
        Session s;
        s.client(authFor(5)).clientClose(code, "bye");
        EXPECT_TRUE(found(s, "close-code").empty()) << code;
    }
    Session s;
    s.client(authFor(5)).client("", Opcode::Close).serverClose(1006);  // no body; the server's frame
    EXPECT_TRUE(found(s, "close-code").empty());
    Message synthetic = s.messages()[1];  // the proxy's own close frame, sent on the client's side
    synthetic.payload = std::string("\x03\xed", 2);  // 1005
    synthetic.flags = MessageFlag::Synthetic;
    EXPECT_TRUE(LintEngine(clientRules()).lint(7, {s.messages()[0], synthetic}).empty());
}

// ---- whole sessions as the project's clients make them

// The web client (replay/WebKeepalive, tests/support/WebClient) against the simulator: protocol
// pings every 25 s answered at once, ws_ping every 10 s, typing every 2.5 s, debounced reads of
// newer messages, a close with 3000, and 10 s later a new session with a new token.
TEST(ClientBehaviourRulesTest, WebClientSessionsAgainstTheSimulatorStayQuiet) {
    LintEngine engine(clientRules());
    int64_t start = Session::kStartWallUs;
    for (int64_t id = 1; id <= 3; ++id) {
        Session s(id, start);
        s.client(authFor(5, "fingerprint" + std::to_string(id)));
        for (int k = 0; k < 5; ++k) {  // 25 s each, in time order
            const double t = 25.0 * k;
            s.at(t + 1).client(R"({"command":"ws_ping"})").at(t + 1.003).server(R"({"event":"pong"})");
            s.at(t + 2).client(typing("11010000")).at(t + 4.5).client(typing("11010000"));
            s.at(t + 5).client(read("11010000", 10000 + 2 * k)).at(t + 7).client(read("11010000", 10001 + 2 * k));
            s.at(t + 11).client(R"({"command":"ws_ping"})").at(t + 11.003).server(R"({"event":"pong"})");
            ping(s, t + 13);
            pong(s, t + 13.001);
            s.at(t + 21).client(R"({"command":"ws_ping"})").at(t + 21.003).server(R"({"event":"pong"})");
        }
        s.at(125).clientClose(3000, "reconnect");
        auto findings = s.lint(engine);
        EXPECT_TRUE(findings.empty()) << "session " << id << "\n" << describe(findings);
        start = s.end().ended_wall_us + 10'000'000;
    }
}

// A real session: the simulator's ping timer (ticked here), RtmClient's automatic pongs, through
// the proxy, linted from what the relay announced.
TEST(ClientBehaviourRulesTest, RtmClientThroughTheProxyToTheSimulatorStaysQuiet) {
    SimulatorConfig config;
    config.wsPort = 0;
    config.apiPort = 0;
    config.chatterPerMinute = 0;
    config.pingIntervalMs = 0;  // the test ticks the timer
    Simulator sim(config);
    sim.start();
    test::ProxyHarness harness(sim.wsUrl());
    SimClaims claims;
    claims.userId = SimWorld::kFirstUserId + 1;
    claims.expiry = sim.world().nowUnix() + 3600;
    claims.fingerPrint = "abcdefghijkl";
    RtmClient client;
    client.connect(harness.proxy().listenUrl(), sim.jwt().sign(claims), [](const Message&) {});
    ASSERT_TRUE(test::eventually([&] { return sim.wsServer().connectionCount() == 1; }));
    auto count = [&](Direction dir, Opcode op) {
        size_t n = 0;
        for (const Message& m : harness.log().messages()) {
            n += m.op == op && m.dir == dir;
        }
        return n;
    };
    for (size_t tick = 1; tick <= 3; ++tick) {
        sim.wsServer().pingAll();
        ASSERT_TRUE(test::eventually([&] { return count(Direction::ClientToServer, Opcode::Pong) == tick; }))
            << "tick " << tick;
        std::this_thread::sleep_for(std::chrono::seconds(1));  // a ping interval the rules can read
    }
    client.sendText(typing("\"" + std::to_string(SimWorld::kFirstChannelId) + "\""));
    client.sendText(read(std::to_string(SimWorld::kFirstChannelId), 10000));
    client.close();
    ASSERT_TRUE(harness.waitForEnds(1));
    const SessionEnd sessionEnd = harness.log().ends().at(0);
    LintSessionEnd end;
    end.ended = true;
    end.ended_wall_us = sessionEnd.ended_wall_us;
    end.close_code = sessionEnd.close_code;
    end.closed_by = sessionEnd.closed_by;
    ASSERT_EQ(count(Direction::ServerToClient, Opcode::Ping), 3u) << "the rules had the server's pings to judge";
    LintEngine engine(clientRules());
    auto findings = engine.lint(sessionEnd.id, harness.log().messages(), end);
    for (const Finding& f : findings) {
        // pong-slow's info line would only say the machine stalled for a fifth of the 1 s interval
        EXPECT_LT(f.severity, Severity::Warn) << describe(findings);
    }
    EXPECT_TRUE(findingsOf(findings, "pong-missing").empty());
}

}  // namespace
}  // namespace rtmtap
