#include "replay/ClientPlan.h"

#include "tests/support/TestFrames.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

constexpr auto C = Direction::ClientToServer;
constexpr auto S = Direction::ServerToClient;

using test::frame;

const std::string kOnline = R"({"event":"user.online","payload":{"user":{"id":1}}})";
const std::string kPost = R"({"event":"chat.postMessage","payload":{"message":{"id":7,"channel_id":5}}})";

std::vector<Message> recording() {
    std::vector<Message> frames = {
        frame(1, C, 100, R"({"command":"ws_ping"})"),  // before ws_auth: goes at once
        frame(2, S, 101, R"({"event":"pong"})"),
        frame(3, C, 200, R"({"command":"ws_auth","auth_token":"h.c"})"),
        frame(4, S, 210, kOnline),
        frame(5, S, 900, kPost),
        frame(6, S, 1000, "rtmtap", Opcode::Ping),
        frame(7, C, 1001, "rtmtap", Opcode::Pong),
        frame(8, C, 1500, R"({"command":"ws_add_reaction","message_id":7,"emoji_value":"x"})"),
        frame(9, C, 1600, R"({"command":"ws_ephemeral_typing","channel_id":5})"),
        frame(10, C, 1700, R"({"no":"command"})", Opcode::Binary),
        frame(11, S, 2500, kPost),
        frame(12, C, 3000, "", Opcode::Close),
    };
    frames[8].flags = MessageFlag::Dropped;  // the recorded server never got the typing
    return frames;
}

TEST(ClientPlanTest, SendsClientFramesButWsAuthAtOffsetsFromIt) {
    std::vector<Message> frames = recording();
    ClientPlan plan = buildClientPlan(frames);
    EXPECT_EQ(plan.startUs, 200'000);
    EXPECT_EQ(plan.endUs, 2'800'000);
    EXPECT_EQ(plan.skipped, 2u) << "ws_auth and the dropped typing";
    ASSERT_EQ(plan.sends.size(), 3u);
    EXPECT_EQ(plan.sends[0].frame->seq, 1);
    EXPECT_EQ(plan.sends[0].offsetUs, 0);
    EXPECT_EQ(plan.sends[0].name, "ws_ping");
    EXPECT_EQ(plan.sends[1].frame->seq, 8);
    EXPECT_EQ(plan.sends[1].offsetUs, 1'300'000);
    EXPECT_EQ(plan.sends[1].name, "ws_add_reaction");
    EXPECT_EQ(plan.sends[2].frame->op, Opcode::Binary);
    EXPECT_EQ(plan.sends[2].name, "");
}

TEST(ClientPlanTest, EachSendKnowsTheEventsBeforeItSinceWsAuth) {
    std::vector<Message> frames = recording();
    ClientPlan plan = buildClientPlan(frames);
    EXPECT_TRUE(plan.sends[0].after.empty());
    // The pong came before ws_auth, the protocol ping is no event.
    EXPECT_EQ(plan.sends[1].after, (EventCounts{{"user.online", 1}, {"chat.postMessage", 1}}));
    EXPECT_EQ(plan.events, (EventCounts{{"pong", 1}, {"user.online", 1}, {"chat.postMessage", 2}}));
}

TEST(ClientPlanTest, CountsReachedSaysWhatIsMissing) {
    std::string missing;
    EXPECT_TRUE(countsReached({{"a", 2}, {"b", 1}}, {{"a", 2}}));
    EXPECT_FALSE(countsReached({{"a", 1}}, {{"a", 2}, {"b", 1}, {"", 1}}, &missing));
    EXPECT_EQ(missing, "(no event name) (0 of 1), a (1 of 2), b (0 of 1)");
}

TEST(ClientPlanTest, ARecordingWithoutWsAuthCountsFromTheFirstClientFrame) {
    std::vector<Message> frames = {frame(1, S, 50, kOnline), frame(2, C, 100, R"({"command":"ws_ping"})"),
                                   frame(3, C, 400, R"({"command":"ws_ping"})")};
    ClientPlan plan = buildClientPlan(frames);
    EXPECT_EQ(plan.startUs, 100'000);
    ASSERT_EQ(plan.sends.size(), 2u);
    EXPECT_EQ(plan.sends[1].offsetUs, 300'000);
    EXPECT_TRUE(plan.sends[0].after.empty()) << "user.online came before the start";
}

}  // namespace
}  // namespace rtmtap
