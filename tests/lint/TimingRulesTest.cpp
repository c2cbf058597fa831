// The timing rules of `rtmtap lint` (silence, burst, created-order), each made to fire and kept
// quiet, through the engine as `rtmtap lint` runs them.
#include "lint/LintEngine.h"
#include "lint/TimingRules.h"
#include "tests/support/CraftedSession.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using Session = test::CraftedSession;

const std::string kAuth = test::wsAuthFrame(R"({"user_id":91010006})");
const std::string kTyping = R"({"command":"ws_ephemeral_typing","channel_id":"11010000"})";
const std::string kUserOnline = R"({"meta":{"api":"v1"},"event":"user.online","payload":{"user":{"id":1}}})";

std::vector<Finding> findingsOf(const Session& s, const std::string& rule, const LintSessionEnd& end) {
    LintEngine engine(timingRules());
    return test::findingsOf(s.lint(engine, end), rule);
}

std::vector<Finding> findingsOf(const Session& s, const std::string& rule) {
    return findingsOf(s, rule, s.end());
}

LintSessionEnd endAt(const Session& s, double seconds) {
    LintSessionEnd end = s.end();
    end.ended_wall_us = s.startWallUs() + static_cast<int64_t>(seconds * 1e6);
    return end;
}

std::string post(int64_t id, int64_t channel, const std::string& created) {
    return R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":)" + std::to_string(id) +
           R"(,"channel_id":)" + std::to_string(channel) + "," + created + R"(,"content":"hi"}}})";
}

std::string postAt(int64_t id, int64_t channel, int64_t ts) {
    return post(id, channel, R"("created_on_ts":)" + std::to_string(ts));
}

// A healthy idle session as the server's keepalive makes it: a ping every 25 s, a pong at once.
Session idleSession(int pings) {
    Session s;
    s.client(kAuth);
    for (int i = 0; i < pings; ++i) {
        s.at(24.9 + 25.0 * i).server("", Opcode::Ping).client("", Opcode::Pong);
    }
    return s;
}

TEST(TimingRulesTest, SilenceFiresBetweenFramesAndNamesTheFrameBefore) {
    Session s;
    s.client(kAuth).at(10).server("", Opcode::Ping).client("", Opcode::Pong).at(45).server(kUserOnline);
    auto found = findingsOf(s, "silence");
    ASSERT_EQ(found.size(), 1u) << test::describe(found);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_EQ(found[0].seq, 4);
    EXPECT_NE(found[0].sentence.find("for 35.0 s before this one (since #3 c2s pong)"), std::string::npos)
        << found[0].sentence;
    EXPECT_NE(found[0].sentence.find("half-dead"), std::string::npos);
}

TEST(TimingRulesTest, SilenceFiresAtTheStartAndAtTheEnd) {
    Session s;
    s.at(31).client(kAuth);
    auto found = findingsOf(s, "silence", endAt(s, 92));
    ASSERT_EQ(found.size(), 2u) << test::describe(found);
    EXPECT_NE(found[0].sentence.find("since the session began"), std::string::npos) << found[0].sentence;
    EXPECT_EQ(found[1].seq, 1);  // the last frame before the silence
    EXPECT_NE(found[1].sentence.find("for the last 1 min 01 s before the session ended"), std::string::npos)
        << found[1].sentence;
    Session empty;
    found = findingsOf(empty, "silence", endAt(empty, 40));
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].seq, 0);
}

TEST(TimingRulesTest, SilenceQuietOnAnIdleSessionKeptAliveByPings) {
    Session s = idleSession(12);  // five minutes
    EXPECT_TRUE(findingsOf(s, "silence", endAt(s, 24.9 + 25.0 * 12)).empty());
    // A recording that stopped mid-session: the time after its last frame is not a silence.
    LintSessionEnd open;
    EXPECT_TRUE(findingsOf(s, "silence", open).empty());
}

TEST(TimingRulesTest, BurstWarnsOncePerBurstOfClientCommands) {
    Session s;
    s.client(kAuth);
    for (int i = 0; i < 60; ++i) {  // 12 a second for five seconds: one burst, not many
        s.at(1 + i / 12.0).client(kTyping);
    }
    s.at(20).client(R"({"command":"ws_ping"})");
    for (int i = 0; i < 11; ++i) {  // a second burst, after a calm
        s.at(30 + i * 0.05).client(kTyping);
    }
    auto found = findingsOf(s, "burst");
    ASSERT_EQ(found.size(), 2u) << test::describe(found);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_EQ(found[0].seq, 2);  // the first command of the window that passed the limit
    EXPECT_NE(found[0].sentence.find("the client sent 60 commands in 4.9 s, from here to #61 (up to 12 within one "
                                     "second, mostly 'ws_ephemeral_typing' (60))"),
              std::string::npos)
        << found[0].sentence;
    EXPECT_EQ(found[1].seq, 63);
    EXPECT_NE(found[1].sentence.find("11 commands"), std::string::npos) << found[1].sentence;
}

TEST(TimingRulesTest, BurstOfServerEventsIsInfo) {
    Session s;
    s.client(kAuth);
    for (int i = 0; i < 51; ++i) {
        s.at(2 + i * 0.01).server(kUserOnline);
    }
    auto found = findingsOf(s, "burst");
    ASSERT_EQ(found.size(), 1u) << test::describe(found);
    EXPECT_EQ(found[0].severity, Severity::Info);
    EXPECT_NE(found[0].sentence.find("the server sent 51 events"), std::string::npos) << found[0].sentence;
}

TEST(TimingRulesTest, BurstQuietAtTheLimitsAndForControlFrames) {
    Session s;
    s.client(kAuth);
    for (int i = 0; i < 10; ++i) {  // ten commands a second, every second: at the limit, not above
        for (int j = 0; j < 10; ++j) {
            s.at(1 + i + j * 0.1).client(kTyping);
        }
    }
    for (int i = 0; i < 50; ++i) {
        s.at(20 + i * 0.02).server(kUserOnline);
    }
    for (int i = 0; i < 40; ++i) {  // pings and pongs are not commands or events
        s.at(30 + i * 0.01).server("", Opcode::Ping).client("", Opcode::Pong);
    }
    auto found = findingsOf(s, "burst");
    EXPECT_TRUE(found.empty()) << test::describe(found);
}

TEST(TimingRulesTest, CreatedOrderFiresForAnEarlierMessageDeliveredLaterInTheSameChannel) {
    Session s;
    s.client(kAuth)
        .server(postAt(10006, 11010004, 1571330672))
        .server(postAt(10007, 11010005, 1571330600))  // another channel: its own order
        .server(postAt(10005, 11010004, 1571330670))
        .server(post(10004, 11010005, R"("created_on":"2019-10-17 16:43:00")"))  // no ts: created_on
        .server(postAt(10008, 11010004, 1571330671));  // still before 10006
    auto found = findingsOf(s, "created-order");
    ASSERT_EQ(found.size(), 3u) << test::describe(found);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_EQ(found[0].seq, 4);
    EXPECT_NE(found[0].sentence.find("message 10005 in channel 11010004 was created at 2019-10-17 16:44:30, before "
                                     "message 10006 (created 2019-10-17 16:44:32, #2)"),
              std::string::npos)
        << found[0].sentence;
    EXPECT_EQ(found[1].seq, 5);
    EXPECT_NE(found[1].sentence.find("created at 2019-10-17 16:43:00"), std::string::npos) << found[1].sentence;
    EXPECT_EQ(found[2].seq, 6);
}

TEST(TimingRulesTest, CreatedOrderQuietInOrderWithinTheSameSecondAndForOtherEvents) {
    Session s;
    s.client(kAuth)
        .server(postAt(10001, 11010004, 1571330670))
        .server(postAt(10002, 11010004, 1571330670))
        .server(post(10003, 11010004, R"("created_on":"2019-10-17 16:44:31")"))
        .server(postAt(10004, 11010004, 1571330672))
        .server(R"({"meta":{"api":"v1"},"event":"chat.updateMessage","payload":{"message":{"id":10000,)"
                R"("channel_id":11010004,"created_on_ts":1}}})")
        .server(post(10005, 11010004, R"("created_on":"not a time")"));
    auto found = findingsOf(s, "created-order");
    EXPECT_TRUE(found.empty()) << test::describe(found);
}

}  // namespace
}  // namespace rtmtap
