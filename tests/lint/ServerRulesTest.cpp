// The server rules of `rtmtap lint` (typing-to-sender, unseen-message, drop-without-close), each
// made to fire and kept quiet, through the engine as `rtmtap lint` runs them.
#include "lint/LintEngine.h"
#include "lint/ServerRules.h"
#include "tests/support/CraftedSession.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using Session = test::CraftedSession;

const std::string kAuth = test::wsAuthFrame(R"({"user_id":91010006,"expiry":"2026-11-30 12:00:00"})");

std::string typing(int64_t user) {
    return R"({"meta":{"api":"v1"},"event":"chat.userTyping","payload":{"user":{"id":)" + std::to_string(user) +
           R"(,"display_name":"Test"},"channel_id":11010000}})";
}

std::string messageEvent(const std::string& event, int64_t id) {
    return R"({"meta":{"api":"v1"},"event":")" + event + R"(","payload":{"message":{"id":)" + std::to_string(id) +
           R"(,"channel_id":11010000,"content":"hi","created_on_ts":1571330672}}})";
}

std::string deleted(int64_t id) {
    return R"({"meta":{"api":"v1"},"event":"chat.deleteMessage","payload":{"message_id":)" + std::to_string(id) +
           R"(,"channel_id":11010000}})";
}

std::vector<Finding> lintOf(const Session& s, const LintSessionEnd& end) {
    LintEngine engine(serverRules());
    return s.lint(engine, end);
}

std::vector<Finding> findingsOf(const Session& s, const std::string& rule) {
    LintEngine engine(serverRules());
    return test::findingsOf(s.lint(engine), rule);
}

TEST(ServerRulesTest, TypingToSenderFiresWhenTheUserGetsItsOwnTyping) {
    Session s;
    s.client(kAuth).server(typing(91010005)).server(typing(91010006));
    auto found = findingsOf(s, "typing-to-sender");
    ASSERT_EQ(found.size(), 1u) << test::describe(found);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_EQ(found[0].seq, 3);
    EXPECT_NE(found[0].sentence.find("user 91010006 in channel 11010000"), std::string::npos) << found[0].sentence;
    EXPECT_EQ(found[0].section, "protocol-notes.md: Event frames in real traffic");
}

TEST(ServerRulesTest, TypingToSenderQuietForOtherUsersAndWhenTheUserIsUnknown) {
    Session others;
    others.client(kAuth).server(typing(91010005)).client(R"({"command":"ws_ephemeral_typing","channel_id":"1"})");
    EXPECT_TRUE(findingsOf(others, "typing-to-sender").empty());
    Session noToken;  // no ws_auth with claims: the session's user is not known
    noToken.client(R"({"command":"ws_auth","auth_token":"not-a-jwt"})").server(typing(91010006));
    EXPECT_TRUE(findingsOf(noToken, "typing-to-sender").empty());
}

TEST(ServerRulesTest, UnseenMessageFiresOnceForEachMessageNeverSeen) {
    Session s;
    s.client(kAuth)
        .server(messageEvent("chat.updateMessage", 10003))
        .server(messageEvent("chat.updateMessage", 10003))  // seen now: the first update carried it
        .server(deleted(10004));
    auto found = findingsOf(s, "unseen-message");
    ASSERT_EQ(found.size(), 2u) << test::describe(found);
    EXPECT_EQ(found[0].seq, 2);
    EXPECT_EQ(found[0].severity, Severity::Info);
    EXPECT_NE(found[0].sentence.find("chat.updateMessage for message 10003 in channel 11010000"), std::string::npos)
        << found[0].sentence;
    EXPECT_NE(found[0].sentence.find("often legitimate"), std::string::npos);
    EXPECT_EQ(found[1].seq, 4);
    EXPECT_NE(found[1].sentence.find("chat.deleteMessage for message 10004"), std::string::npos) << found[1].sentence;
}

TEST(ServerRulesTest, UnseenMessageQuietForPostedAndClientNamedMessages) {
    Session s;
    s.client(kAuth)
        .server(messageEvent("chat.postMessage", 10005))
        .server(messageEvent("chat.updateMessage", 10005))
        .server(deleted(10005))
        .client(R"({"command":"ws_read_notification","channel_id":"11010000","message_id":"10000"})")
        .server(messageEvent("chat.updateMessage", 10000))
        .client(R"({"command":"ws_add_reaction","message_id":"10001","emoji_value":"U 1F600"})")
        .server(deleted(10001));
    EXPECT_TRUE(findingsOf(s, "unseen-message").empty());
}

TEST(ServerRulesTest, DropWithoutCloseNamesTheLastFramesAndWhyTheServerDropped) {
    Session s;
    s.client(kAuth).at(2).server(R"({"event":"pong"})").at(2.5).client(R"({"command":"ws_typing"})");
    LintSessionEnd end = s.end();  // 1006, at 2.501 s
    end.closed_by = "server";
    auto found = test::findingsOf(lintOf(s, end), "drop-without-close");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, Severity::Info);  // the real server never sends a close frame
    EXPECT_EQ(found[0].seq, 3);
    const std::string& text = found[0].sentence;
    EXPECT_NE(text.find("no close frame in either direction: the server dropped the connection 0.00 s after #3 c2s "
                        "'ws_typing' (the real server drops a client for an unknown command, see unknown-command)"),
              std::string::npos)
        << text;
    EXPECT_NE(text.find("the real server ends every connection this way"), std::string::npos) << text;
    EXPECT_NE(text.find("0.5 s after #2 s2c 'pong'"), std::string::npos) << text;
}

TEST(ServerRulesTest, DropWithoutCloseWarnsWhenTheClientDroppedAndSaysTheError) {
    Session s;
    s.client(kAuth).server("", Opcode::Ping).client("{\"command\":");
    LintSessionEnd end = s.end();
    end.closed_by = "client";
    end.error = "client connection failed: Connection reset by peer";
    auto found = test::findingsOf(lintOf(s, end), "drop-without-close");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_NE(found[0].sentence.find("the client dropped the connection"), std::string::npos) << found[0].sentence;
    EXPECT_NE(found[0].sentence.find("(client connection failed: Connection reset by peer)"), std::string::npos);
    EXPECT_NE(found[0].sentence.find("invalid JSON"), std::string::npos) << found[0].sentence;
    EXPECT_NE(found[0].sentence.find("#2 s2c ping"), std::string::npos) << found[0].sentence;
}

TEST(ServerRulesTest, DropWithoutCloseIsAboutTheSessionWhenThereWasNoFrame) {
    Session s;
    LintSessionEnd end;
    end.ended = true;
    end.ended_wall_us = s.startWallUs() + 3'000'000;
    end.close_code = 1006;
    auto found = test::findingsOf(lintOf(s, end), "drop-without-close");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].seq, 0);
    EXPECT_NE(found[0].sentence.find("before any frame"), std::string::npos) << found[0].sentence;
}

TEST(ServerRulesTest, DropWithoutCloseQuietWithACloseFrameOrWhileOpen) {
    Session closedByClient;
    closedByClient.client(kAuth).clientClose(1000);
    EXPECT_TRUE(findingsOf(closedByClient, "drop-without-close").empty());
    Session closedByServer;
    closedByServer.client(kAuth).serverClose(1001, "going away");
    EXPECT_TRUE(findingsOf(closedByServer, "drop-without-close").empty());
    Session open;
    open.client(kAuth).client(R"({"command":"ws_nonsense"})");
    EXPECT_TRUE(test::findingsOf(lintOf(open, LintSessionEnd{}), "drop-without-close").empty());
}

TEST(ServerRulesTest, CleanSessionHasNoFindings) {
    Session s;
    s.client(kAuth)
        .server(typing(91010005))
        .server(messageEvent("chat.postMessage", 10005))
        .server(messageEvent("chat.updateMessage", 10005))
        .client(R"({"command":"ws_ping"})")
        .server(R"({"event":"pong"})")
        .clientClose(1000);
    LintEngine engine(serverRules());
    auto found = s.lint(engine);
    EXPECT_TRUE(found.empty()) << test::describe(found);
}

}  // namespace
}  // namespace rtmtap
