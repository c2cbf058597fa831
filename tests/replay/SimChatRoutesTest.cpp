// The simulator API's acting routes: chat.postmessage (its event reaches every member over
// WebSocket, the sender included) and system.ping (its event reaches only the connection of the
// finger print); and the CORS headers on every route of the API, preflight included.
#include "SimApiFixture.h"

#include "protocol/JwtClaims.h"

namespace rtmtap::test {
namespace {

class SimChatRoutesTest : public SimApiFixture {};

TEST_F(SimChatRoutesTest, PostMessageReachesEveryMemberTheSenderIncluded) {
    const std::string sender = login(2);
    auto own = connect(wsToken(sender));
    auto other = connect(wsToken(login(3)));
    const std::string general = std::to_string(SimWorld::kFirstChannelId);
    HttpAnswer a = post("chat.postmessage", "channel_id=" + general + "&text=hello%20there", sender);
    ASSERT_EQ(a.status, 200) << a.body;
    auto obj = json(a);
    EXPECT_EQ(keysOf(obj), (std::vector<std::string>{"message_id", "meta"}));
    const int64_t id = obj->getValue<int64_t>("message_id");
    for (SimClient* client : {own.get(), other.get()}) {
        auto event = client->waitFor("chat.postMessage");
        ASSERT_NE(event, nullptr);
        auto message = event->getObject("payload")->getObject("message");
        EXPECT_EQ(message->getValue<int64_t>("id"), id);
        EXPECT_EQ(message->getValue<std::string>("content"), "hello there");
        EXPECT_EQ(message->getValue<int64_t>("user_id"), userId(2));
    }
    // The history agrees with the event.
    auto page = json(get("channel.history?channel_id=" + general + "&limit=1", sender));
    EXPECT_EQ(page->getArray("messages")->getObject(0)->getValue<int64_t>("id"), id);
}

TEST_F(SimChatRoutesTest, PostMessageErrors) {
    const std::string token = login(2);
    EXPECT_EQ(post("chat.postmessage", "text=hi", token).status, 422);
    EXPECT_EQ(post("chat.postmessage", "channel_id=" + std::to_string(SimWorld::kFirstChannelId), token).status, 400);
    HttpAnswer unknown = post("chat.postmessage", "channel_id=5&text=hi", token);
    EXPECT_EQ(unknown.status, 401);
    EXPECT_NE(errorOf(unknown).find("does not have write access"), std::string::npos);
    EXPECT_EQ(post("chat.postmessage", "channel_id=5&text=hi").status, 401);
    EXPECT_EQ(get("chat.postmessage?channel_id=5&text=hi", token).status, 405);
}

TEST_F(SimChatRoutesTest, SystemPingReachesOnlyTheConnectionOfThatFingerPrint) {
    const std::string token = login(2);
    const std::string first = wsToken(token);
    const std::string second = wsToken(token);
    auto pinged = connect(first);
    auto sibling = connect(second);  // the same user, another tab
    auto other = connect(wsToken(login(3)));
    const std::string fingerPrint = decodeJwtClaims(first)->finger_print;
    HttpAnswer a = post("system.ping", "finger_print=" + fingerPrint + "&ping_token=tok123&last_latency=12", token);
    ASSERT_EQ(a.status, 200) << a.body;
    EXPECT_EQ(keysOf(json(a)), (std::vector<std::string>{"meta"}));
    auto event = pinged->waitFor("system.ping");
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->getObject("payload")->getValue<std::string>("ping_token"), "tok123");
    EXPECT_FALSE(contains(sibling->drain(), "system.ping"));
    EXPECT_FALSE(contains(other->drain(), "system.ping"));
}

TEST_F(SimChatRoutesTest, SystemPingErrors) {
    const std::string token = login(2);
    const std::string fingerPrint = decodeJwtClaims(wsToken(token))->finger_print;
    // Issued but no socket uses it (yet): still 200, the real API cannot know either.
    EXPECT_EQ(post("system.ping", "finger_print=" + fingerPrint + "&ping_token=t", token).status, 200);
    HttpAnswer missing = post("system.ping", "finger_print=" + fingerPrint, token);
    EXPECT_EQ(missing.status, 422);
    EXPECT_EQ(json(missing, false)->getValue<std::string>("ping_token"), "The ping_token field is required");
    EXPECT_EQ(post("system.ping", "ping_token=t", token).status, 422);
    HttpAnswer unknown = post("system.ping", "finger_print=zzzzzzzzzzzz&ping_token=t", token);
    EXPECT_EQ(unknown.status, 404);
    EXPECT_EQ(errorOf(unknown), "finger print not found");
    EXPECT_EQ(post("system.ping", "finger_print=" + fingerPrint + "&ping_token=t", login(3)).status, 401);
    EXPECT_EQ(post("system.ping", "finger_print=" + fingerPrint + "&ping_token=t").status, 401);
}

TEST_F(SimChatRoutesTest, EveryRouteAnswersWithTheCorsHeadersPreflightIncluded) {
    const std::string token = login(1);
    const std::vector<std::pair<std::string, std::string>> routes = {
        {"GET", "handshake"},          {"POST", "user.login"},      {"POST", "user.login.refresh"},
        {"POST", "user.logout"},       {"GET", "user.info"},        {"GET", "user.alerts"},
        {"GET", "rtm.connect"},        {"GET", "channel.list"},     {"GET", "channel.info"},
        {"GET", "channel.history"},    {"GET", "channel.group.list"}, {"GET", "team.list"},
        {"GET", "team.members"},       {"POST", "chat.postmessage"}, {"POST", "system.ping"},
    };
    for (const auto& [method, route] : routes) {
        const std::string methods = route == "rtm.connect" ? "GET,POST,OPTIONS" : method + ",OPTIONS";
        HttpAnswer preflight = call("OPTIONS", "/api/v1/" + route);
        EXPECT_EQ(preflight.status, 200) << route;
        EXPECT_EQ(preflight.head.get("Access-Control-Allow-Methods", ""), methods) << route;
        // Unauthenticated or missing parameters: an error answer, with the headers all the same.
        for (const std::string& bearer : {std::string(), token}) {
            HttpAnswer a = call(method, "/api/v1/" + route, route == "user.logout" ? "" : bearer);
            EXPECT_EQ(a.head.get("Access-Control-Allow-Origin", ""), "*") << route;
            EXPECT_EQ(a.head.get("Access-Control-Allow-Methods", ""), methods) << route;
            EXPECT_EQ(a.head.get("Access-Control-Allow-Credentials", ""), "true") << route;
            EXPECT_TRUE(jsonObjectOf(a.body) && jsonObjectOf(a.body)->has("meta")) << route << " " << a.body;
        }
    }
}

}  // namespace
}  // namespace rtmtap::test
