#include "replay/CommandKey.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

Message c2s(const std::string& payload, Opcode op = Opcode::Text) {
    Message m;
    m.dir = Direction::ClientToServer;
    m.op = op;
    m.payload = payload;
    return m;
}

TEST(CommandKeyTest, DigitStringsEqualNumbersAndTokensAreIgnored) {
    auto a = commandKey(c2s(R"({"command":"ws_read_notification","channel_id":"11010000","message_id":"10000"})"));
    auto b = commandKey(c2s(R"({"message_id":10000,"channel_id":11010000,"command":"ws_read_notification"})"));
    ASSERT_TRUE(a && b);
    EXPECT_EQ(*a, *b);
    auto t1 = commandKey(c2s(R"({"command":"ws_auth","auth_token":"one"})"));
    auto t2 = commandKey(c2s(R"({"command":"ws_auth","auth_token":"two"})"));
    EXPECT_EQ(*t1, *t2);
}

TEST(CommandKeyTest, EmojiAndIdsTellCommandsApart) {
    auto a = commandKey(c2s(R"({"command":"ws_add_reaction","message_id":1,"emoji_value":"U 1F600"})"));
    auto b = commandKey(c2s(R"({"command":"ws_add_reaction","message_id":1,"emoji_value":"U 1F601"})"));
    auto c = commandKey(c2s(R"({"command":"ws_add_reaction","message_id":2,"emoji_value":"U 1F600"})"));
    EXPECT_NE(*a, *b);
    EXPECT_NE(*a, *c);
    EXPECT_EQ(a->describe(), "ws_add_reaction message_id=1 emoji_value=U 1F600");
}

TEST(CommandKeyTest, OnlyClientCommandsHaveKeys) {
    EXPECT_FALSE(commandKey(c2s("not json")));
    EXPECT_FALSE(commandKey(c2s(R"({"event":"pong"})")));
    EXPECT_FALSE(commandKey(c2s("x", Opcode::Ping)));
    Message s2c = c2s(R"({"command":"ws_ping"})");
    s2c.dir = Direction::ServerToClient;
    EXPECT_FALSE(commandKey(s2c));
    EXPECT_TRUE(commandKey(c2s(R"({"command":"ws_ping"})", Opcode::Binary)));
}

}  // namespace
}  // namespace rtmtap
