#include "replay/ReplayPlan.h"

#include "tests/support/TestFrames.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using test::frame;

constexpr auto C = Direction::ClientToServer;
constexpr auto S = Direction::ServerToClient;
const std::string kOnline = R"({"meta":{"api":"v1"},"event":"user.online","payload":{"user":{"id":1},"channel_id":5}})";
const std::string kTyping = R"({"meta":{"api":"v1"},"event":"chat.userTyping","payload":{"channel_id":5}})";
const std::string kUpdate = R"({"meta":{"api":"v1"},"event":"chat.updateMessage","payload":{"message":{"id":7,"channel_id":5}}})";

std::vector<Message> recording() {
    return {
        frame(1, C, 200, R"({"command":"ws_auth","auth_token":"t"})"),
        frame(2, S, 210, kOnline),
        frame(3, S, 1200, kTyping),
        frame(4, C, 1500, R"({"command":"ws_add_reaction","message_id":7,"emoji_value":"x"})"),
        frame(5, S, 1540, kUpdate),
        frame(6, S, 2000, "rtmtap", Opcode::Ping),
        frame(7, C, 2001, "rtmtap", Opcode::Pong),
    };
}

TEST(ReplayPlanTest, OffsetsCountFromWsAuthAndOnlyServerFramesArePlayed) {
    std::vector<Message> frames = recording();
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, {});
    EXPECT_EQ(plan.startUs, 200'000);
    ASSERT_EQ(plan.frames.size(), 4u);
    EXPECT_EQ(plan.frames[0].offsetUs, 10'000);
    EXPECT_EQ(plan.frames[0].name, "user.online");
    EXPECT_EQ(plan.frames[1].offsetUs, 1'000'000);
    EXPECT_EQ(plan.frames[2].offsetUs, 1'340'000);
    EXPECT_EQ(plan.frames[3].frame->op, Opcode::Ping);
    EXPECT_EQ(plan.heldCount(), 0u);
    ASSERT_EQ(plan.commands.size(), 2u);
    EXPECT_EQ(plan.commands[1].key.name, "ws_add_reaction");
    EXPECT_EQ(plan.commands[1].offsetUs, 1'300'000);
}

// What the recorded client never received (a rule dropped it, or it came after the client's
// close, or it was too big) is not served; an edited copy that was sent in its place is.
TEST(ReplayPlanTest, FramesThatNeverReachedTheClientAreNotPlayed) {
    std::vector<Message> frames = recording();
    frames[1].flags |= MessageFlag::Dropped;
    frames[2].flags |= MessageFlag::Oversize;
    Message copy = frame(8, S, 215, kTyping);
    copy.flags = MessageFlag::Edited;
    copy.edit_of = 2;
    frames.insert(frames.begin() + 2, copy);
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, {});
    ASSERT_EQ(plan.frames.size(), 3u);
    EXPECT_EQ(plan.frames[0].frame->seq, 8);
    EXPECT_EQ(plan.frames[1].name, "chat.updateMessage");
}

TEST(ReplayPlanTest, ReactiveHoldsAnswersWithTheirRecordedDelay) {
    std::vector<Message> frames = recording();
    PlanOptions options;
    options.reactive = true;
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, options);
    // The update answered the reaction; chatter and pings are free, and so is user.online: it
    // answered ws_auth, which starts the replay (ReplayPlanTest.AnAnswerToTheStartingWsAuth...).
    EXPECT_EQ(plan.heldCount(), 1u);
    EXPECT_FALSE(plan.frames[0].heldFor);
    EXPECT_FALSE(plan.frames[1].heldFor);
    EXPECT_EQ(plan.frames[2].heldFor, 1u);
    EXPECT_EQ(plan.frames[2].delayUs, 40'000);
    EXPECT_FALSE(plan.frames[3].heldFor);
}

TEST(ReplayPlanTest, AnAnswerToTheStartingWsAuthIsNotHeldSoTheRecordedOrderStays) {
    // As Chromium's login to the simulator was recorded: ws_auth, ws_ping, one user.online per
    // channel (the first one is ws_auth's answer), the pong. Held for ws_auth, the first
    // user.online went out after the second, and the page typed into another channel.
    std::vector<Message> frames = {
        frame(1, C, 100, R"({"command":"ws_auth","auth_token":"t"})"),
        frame(2, C, 101, R"({"command":"ws_ping"})"),
        frame(3, S, 110, kOnline),
        frame(4, S, 110, R"({"meta":{"api":"v1"},"event":"user.online","payload":{"user":{"id":1},"channel_id":6}})"),
        frame(5, S, 111, R"({"event":"pong"})"),
    };
    PlanOptions options;
    options.reactive = true;
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, options);
    ASSERT_EQ(plan.frames.size(), 3u);
    EXPECT_FALSE(plan.frames[0].heldFor);
    EXPECT_EQ(plan.frames[0].offsetUs, 10'000);
    EXPECT_FALSE(plan.frames[1].heldFor);
    EXPECT_EQ(plan.frames[1].offsetUs, 10'000);
    EXPECT_EQ(plan.frames[2].heldFor, 1u) << "the pong still waits for the ping";
    EXPECT_EQ(plan.frames[2].delayUs, 10'000);
    EXPECT_EQ(plan.heldCount(), 1u);
}

TEST(ReplayPlanTest, FromSendsWhatCameBeforeAtOnce) {
    std::vector<Message> frames = recording();
    PlanOptions options;
    options.fromSeq = 3;
    options.reactive = true;
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, options);
    EXPECT_EQ(plan.startUs, 1'200'000);
    EXPECT_EQ(plan.frames[0].offsetUs, 0);
    EXPECT_FALSE(plan.frames[0].heldFor);  // its command came before --from
    EXPECT_EQ(plan.frames[1].offsetUs, 0);
    EXPECT_EQ(plan.frames[2].offsetUs, 340'000);
    EXPECT_TRUE(plan.frames[2].heldFor);
}

TEST(ReplayPlanTest, FromBeyondTheSessionIsAnError) {
    std::vector<Message> frames = recording();
    PlanOptions options;
    options.fromSeq = 8;
    try {
        buildReplayPlan(frames, std::nullopt, options);
        FAIL() << "no error";
    } catch (const ReplayPlanError& e) {
        EXPECT_STREQ(e.what(), "--from 8 is beyond the session (it holds frames 1 to 7)");
    }
}

TEST(ReplayPlanTest, AServerDropIsReplayedAtItsTime) {
    std::vector<Message> frames = recording();
    SessionEnd end;
    end.closed_by = "server";
    end.close_code = 1006;
    end.duration_us = 5'000'000;
    ReplayPlan plan = buildReplayPlan(frames, end, {});
    EXPECT_EQ(plan.dropAtUs, 4'800'000);
    end.closed_by = "client";
    EXPECT_FALSE(buildReplayPlan(frames, end, {}).dropAtUs);
}

TEST(ReplayPlanTest, TheServersAnswerToTheClientsCloseIsNotPlayed) {
    std::vector<Message> frames = recording();
    frames.push_back(frame(8, C, 2500, std::string("\x03\xe8", 2), Opcode::Close));
    frames.push_back(frame(9, S, 2501, std::string("\x03\xe8", 2), Opcode::Close));
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, {});
    ASSERT_EQ(plan.frames.size(), 4u);
    EXPECT_EQ(plan.frames.back().frame->op, Opcode::Ping);
    // A server that closes first: its close is played.
    frames.pop_back();
    frames.pop_back();
    frames.push_back(frame(8, S, 2500, std::string("\x03\xe8", 2), Opcode::Close));
    EXPECT_EQ(buildReplayPlan(frames, std::nullopt, {}).frames.back().frame->op, Opcode::Close);
}

TEST(ReplayPlanTest, WithoutWsAuthTheFirstClientFrameStartsIt) {
    std::vector<Message> frames = {frame(1, S, 0, kTyping), frame(2, C, 300, R"({"command":"ws_ping"})"),
                                   frame(3, S, 350, R"({"event":"pong"})")};
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, {});
    EXPECT_EQ(plan.startUs, 300'000);
    EXPECT_EQ(plan.frames[0].offsetUs, 0);
    EXPECT_EQ(plan.frames[1].offsetUs, 50'000);
}

}  // namespace
}  // namespace rtmtap
