// The live-session registry as the relay feeds it: sessions come and go, the user of the
// client's ws_auth is found, frames are counted each way.
#include "control/LiveSessions.h"
#include "tests/support/TestData.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <memory>
#include <vector>

namespace rtmtap::test {
namespace {

SessionInfo info(int64_t id) {
    SessionInfo i;
    i.id = id;
    i.started_wall_us = 1'700'000'000'000'000 + id;
    i.client = "127.0.0.1:" + std::to_string(40000 + id);
    i.upstream = "ws://127.0.0.1:9/rtm";
    i.path = "/rtm?x=" + std::to_string(id);
    return i;
}

Message message(int64_t session, Direction dir, const std::string& payload, Opcode op = Opcode::Text) {
    Message m;
    m.session = session;
    m.dir = dir;
    m.op = op;
    m.payload = payload;
    m.size = payload.size();
    return m;
}

std::string wsAuth(int64_t userId, const std::string& name) {
    std::string claims = R"({"user_id":)" + std::to_string(userId) + R"(,"user_name":")" + name + R"("})";
    return R"({"command":"ws_auth","auth_token":")" + makeJwt(claims) + R"("})";
}

TEST(LiveSessions, SessionsComeAndGo) {
    LiveSessions live;
    EXPECT_TRUE(live.list().empty());
    EXPECT_EQ(live.highestId(), 0);
    live.onSessionStart(info(3));
    live.onSessionStart(info(4));
    ASSERT_EQ(live.list().size(), 2u);
    EXPECT_EQ(live.list()[0].id, 3);
    EXPECT_EQ(live.list()[0].client, "127.0.0.1:40003");
    EXPECT_EQ(live.list()[0].path, "/rtm?x=3");
    EXPECT_EQ(live.highestId(), 4);
    SessionEnd end;
    end.id = 3;
    live.onSessionEnd(end);
    ASSERT_EQ(live.list().size(), 1u);
    EXPECT_EQ(live.list()[0].id, 4);
    EXPECT_FALSE(live.find(3));
    EXPECT_TRUE(live.find(4));
    EXPECT_EQ(live.highestId(), 4);  // 3 ended, it is not forgotten that it was
}

TEST(LiveSessions, FindsTheUserOfTheClientsWsAuthAndCountsFrames) {
    LiveSessions live;
    live.onSessionStart(info(1));
    live.onMessage(message(1, Direction::ClientToServer, R"({"command":"ws_ping"})"));
    EXPECT_FALSE(live.find(1)->user_id);
    // A ws_auth from the server's side names nobody: only the client logs in.
    live.onMessage(message(1, Direction::ServerToClient, wsAuth(5, "evil@example.test")));
    EXPECT_FALSE(live.find(1)->user_id);
    auto batch = std::make_shared<std::vector<Message>>();
    batch->push_back(message(1, Direction::ClientToServer, wsAuth(91010006, "test1@test.com")));
    batch->push_back(message(1, Direction::ServerToClient, "pong", Opcode::Pong));
    batch->push_back(message(99, Direction::ServerToClient, "not live"));
    live.onMessages(batch);
    // A second login in the same session does not change who it is.
    live.onMessage(message(1, Direction::ClientToServer, wsAuth(7, "other@test.com")));
    std::optional<LiveSession> s = live.find(1);
    ASSERT_TRUE(s);
    ASSERT_TRUE(s->user_id);
    EXPECT_EQ(*s->user_id, 91010006);
    EXPECT_EQ(s->user_name, "test1@test.com");
    EXPECT_EQ(s->frames_c2s, 3u);
    EXPECT_EQ(s->frames_s2c, 2u);
    EXPECT_EQ(s->bytes_s2c, wsAuth(5, "evil@example.test").size() + 4);
    EXPECT_TRUE(s->isUser("91010006"));
    EXPECT_TRUE(s->isUser("test1@test.com"));
    EXPECT_FALSE(s->isUser("7"));
    EXPECT_FALSE(s->isUser(""));
}

TEST(LiveSessions, ATokenThatDoesNotDecodeNamesNobody) {
    LiveSessions live;
    live.onSessionStart(info(1));
    live.onMessage(message(1, Direction::ClientToServer, R"({"command":"ws_auth","auth_token":"not-a-jwt"})"));
    live.onMessage(message(1, Direction::ClientToServer, R"({"command":"ws_auth","auth_token":)"));
    EXPECT_FALSE(live.find(1)->user_id);
    EXPECT_FALSE(live.find(1)->isUser(""));
    live.onMessage(message(1, Direction::ClientToServer, wsAuth(12, "late@test.com")));
    EXPECT_EQ(live.find(1)->user_id, 12);
}

TEST(LiveSessions, JsonRoundTrip) {
    LiveSession s;
    s.id = 42;
    s.started_wall_us = 1'700'000'000'123'456;
    s.client = "127.0.0.1:5000";
    s.upstream = "ws://up/rtm";
    s.path = "/rtm";
    s.user_id = 9;
    s.user_name = "a\"b";
    s.frames_c2s = 1;
    s.frames_s2c = 2;
    s.bytes_c2s = 30;
    s.bytes_s2c = 40;
    Poco::JSON::Parser parser;
    auto object = parser.parse(s.toJson()).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(object->getValue<std::string>("started_at"), "2023-11-14T22:13:20.123456Z");
    LiveSession back = LiveSession::fromJson(*object);
    EXPECT_EQ(back.toJson(), s.toJson());

    LiveSession anonymous;
    anonymous.id = 1;
    Poco::JSON::Parser again;
    auto o2 = again.parse(anonymous.toJson()).extract<Poco::JSON::Object::Ptr>();
    EXPECT_TRUE(o2->isNull("user_id"));
    EXPECT_FALSE(LiveSession::fromJson(*o2).user_id);

    Poco::JSON::Parser third;
    auto bad = third.parse(R"({"id":"x"})").extract<Poco::JSON::Object::Ptr>();
    EXPECT_THROW(LiveSession::fromJson(*bad), std::runtime_error);
}

}  // namespace
}  // namespace rtmtap::test
