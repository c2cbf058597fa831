#include "replay/Attribution.h"

#include "tests/support/TestFrames.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using test::frame;

Message cmd(int64_t tMs, const std::string& payload) {
    return frame(Direction::ClientToServer, tMs, payload);
}

Message event(int64_t tMs, const std::string& payload) {
    return frame(Direction::ServerToClient, tMs, payload);
}

const std::string kUpdate10004 =
    R"({"meta":{"api":"v1"},"event":"chat.updateMessage","payload":{"message":{"id":10004,"channel_id":11010000}}})";
const std::string kTyping = R"({"meta":{"api":"v1"},"event":"chat.userTyping","payload":{"channel_id":11010000}})";

TEST(AttributionTest, AReactionsUpdateAnswersItAndChatterAnswersNothing) {
    std::vector<Message> frames = {
        cmd(0, R"({"command":"ws_auth","auth_token":"x"})"),
        event(5, kTyping),
        cmd(100, R"({"command":"ws_add_reaction","message_id":"10004","emoji_value":"U 1F600"})"),
        event(130, kUpdate10004),
        event(140, kUpdate10004),  // a second update of the same message: someone else's doing
    };
    auto cause = attributeAnswers(frames);
    ASSERT_EQ(cause.size(), frames.size());
    EXPECT_FALSE(cause[1]);
    EXPECT_EQ(cause[3], 2u);
    EXPECT_FALSE(cause[4]);
}

TEST(AttributionTest, PongsAnswerPingsInOrder) {
    std::vector<Message> frames = {
        cmd(0, R"({"command":"ws_ping"})"),
        cmd(10, R"({"command":"ws_ping"})"),
        event(20, R"({"event":"pong"})"),
        event(30, R"({"event":"pong"})"),
        event(40, R"({"event":"pong"})"),
    };
    auto cause = attributeAnswers(frames);
    EXPECT_EQ(cause[2], 0u);
    EXPECT_EQ(cause[3], 1u);
    EXPECT_FALSE(cause[4]);
}

TEST(AttributionTest, KeyFieldsMustAgree) {
    std::vector<Message> frames = {
        cmd(0, R"({"command":"ws_add_reaction","message_id":99,"emoji_value":"x"})"),
        event(10, kUpdate10004),
    };
    EXPECT_FALSE(attributeAnswers(frames)[1]);
}

TEST(AttributionTest, AnAnswerOutsideTheWindowIsNotAttributed) {
    std::vector<Message> frames = {
        cmd(0, R"({"command":"ws_ping"})"),
        event(20'000, R"({"event":"pong"})"),
    };
    EXPECT_FALSE(attributeAnswers(frames)[1]);
    EXPECT_EQ(attributeAnswers(frames, 30'000'000)[1], 0u);
}

TEST(AttributionTest, ControlFramesAndGarbageAreNeverAttributed) {
    std::vector<Message> frames = {
        cmd(0, R"({"command":"ws_ping"})"),
        frame(Direction::ServerToClient, 1, "x", Opcode::Ping),
        event(2, "not json {"),
        event(3, R"({"event":"pong"})"),
    };
    auto cause = attributeAnswers(frames);
    EXPECT_FALSE(cause[1]);
    EXPECT_FALSE(cause[2]);
    EXPECT_EQ(cause[3], 0u);
}

}  // namespace
}  // namespace rtmtap
