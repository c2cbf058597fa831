// AirSend's web client's whole sequence (tests/support/WebClient: every call with its CORS
// preflight) against `rtmtap simulate`'s servers directly, and through the proxy's API and
// WebSocket sides with the recorder: every route answers, chat.postmessage and system.ping bring
// their events, and the record holds every call, preflights included, linked to the session.
#include "SimTestUtil.h"

#include "proxy/ApiProxy.h"
#include "proxy/EndpointRoutes.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/WebClient.h"

#include <Poco/URI.h>

namespace rtmtap::test {
namespace {

// What the test asks of one logged-in client, wherever its API is.
void runWholeSequence(WebClient& client, std::vector<Poco::JSON::Object::Ptr>* history) {
    ASSERT_TRUE(client.logIn("user2@example.test")) << client.failure();
    EXPECT_EQ(client.userId(), userId(2));
    ASSERT_FALSE(client.channelIds().empty());
    EXPECT_EQ(client.fingerPrint().size(), 12u);
    ASSERT_TRUE(client.openSocket()) << client.failure();
    EXPECT_TRUE(contains(client.seen(), "user.online")) << "the new socket hears its own user.online";
    const int64_t general = SimWorld::kFirstChannelId;
    ASSERT_TRUE(client.openChannel(general, history)) << client.failure();
    int64_t posted = 0;
    ASSERT_TRUE(client.postMessage(general, "from the web client", &posted)) << client.failure();
    std::vector<Poco::JSON::Object::Ptr> after;
    ASSERT_TRUE(client.openChannel(general, &after)) << client.failure();
    ASSERT_FALSE(after.empty());
    EXPECT_EQ(after.back()->getValue<int64_t>("id"), posted) << "the history ends with the posted message";
    EXPECT_EQ(after.size(), history->size() + 1);
    ASSERT_TRUE(client.systemPing()) << client.failure();
    ASSERT_TRUE(client.wsPing()) << client.failure();
    for (const auto& c : client.calls()) {
        EXPECT_EQ(c.cors, "") << c.method << " " << c.route;
    }
}

TEST(WebClientSequence, AgainstTheSimulator) {
    Simulator sim(simConfig(SimFlavor::Real));
    sim.start();
    for (int i = 0; i < 100; ++i) {
        sim.world().post(userId(1 + i % 5), SimWorld::kFirstChannelId, "message " + std::to_string(i));
    }
    WebClient client(Poco::URI(sim.apiUrl()).getPort());
    std::vector<Poco::JSON::Object::Ptr> history;
    runWholeSequence(client, &history);
    EXPECT_EQ(history.size(), 105u) << "5 greetings and 100 messages, over three pages of 40";
    EXPECT_EQ(std::count_if(client.calls().begin(), client.calls().end(),
                            [](const WebClient::Call& c) { return c.method == "GET" && c.route.rfind("channel.history", 0) == 0; }),
              6) << "three pages, twice";
    // Another member's client hears the posted message too.
    SimClient other(sim);
    other.auth(sim, 3);
    other.drain();
    int64_t posted = 0;
    ASSERT_TRUE(client.postMessage(SimWorld::kFirstChannelId, "second", &posted)) << client.failure();
    auto event = other.waitFor("chat.postMessage");
    ASSERT_NE(event, nullptr);
    EXPECT_EQ(event->getObject("payload")->getObject("message")->getValue<int64_t>("id"), posted);
    client.closeSocket(3000);
}

// The proxy in front of both sides, as `rtmtap proxy --api-upstream` runs it.
struct ProxiedSimulator {
    ProxiedSimulator()
        : sim(simConfig(SimFlavor::Real)),
          routes(std::make_shared<EndpointRoutes>()),
          harness(sim.wsUrl(), [this](ProxyConfig& c) { c.routes = routes; }) {
        sim.start();
        ApiProxyConfig config;
        config.listenPort = 0;
        config.upstream = sim.apiUrl();
        config.wsUrl = harness.proxy().listenUrl();
        config.routes = routes;
        api = std::make_unique<ApiProxy>(config, std::vector<Tap*>{&harness.recorder()});
        api->start();
    }
    void stop() {
        api->stop();
        harness.stop();
    }
    int64_t count(const std::string& where) {
        return harness.queryInt("SELECT count(*) FROM api_calls WHERE " + where);
    }

    Simulator sim;
    std::shared_ptr<EndpointRoutes> routes;
    ProxyHarness harness;
    std::unique_ptr<ApiProxy> api;
};

TEST(WebClientSequence, ThroughTheProxyIsRecordedAndLinkedToTheSession) {
    ProxiedSimulator p;
    WebClient client(p.api->port());
    std::vector<Poco::JSON::Object::Ptr> history;
    runWholeSequence(client, &history);
    client.closeSocket(3000);
    ASSERT_TRUE(p.harness.waitForEnds(1));
    p.stop();

    auto sessions = p.harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    const int64_t session = sessions[0].id;
    EXPECT_EQ(sessions[0].finger_print, client.fingerPrint());
    EXPECT_EQ(sessions[0].close_code, 3000);
    // Every call the client made is recorded, each preflight as its own row.
    const int64_t made = static_cast<int64_t>(client.calls().size());
    EXPECT_EQ(p.count("1"), made);
    EXPECT_EQ(p.count("method = 'OPTIONS'"), made / 2);
    for (const char* route : {"handshake", "user.login", "user.info", "channel.list", "team.list",
                              "channel.group.list", "user.alerts", "rtm.connect", "channel.info", "channel.history",
                              "chat.postmessage", "system.ping"}) {
        EXPECT_GE(p.count("method <> 'OPTIONS' AND path LIKE '/api/v1/" + std::string(route) + "%'"), 1) << route;
    }
    // The calls made while the session was open belong to it, with their preflights.
    for (const char* route : {"chat.postmessage", "system.ping", "channel.history"}) {
        EXPECT_EQ(p.count("session IS NOT " + std::to_string(session) + " AND path LIKE '/api/v1/" + route + "%'"), 0)
            << route;
    }
    EXPECT_EQ(p.harness.queryInt("SELECT count(*) FROM v_session_api WHERE session = " + std::to_string(session)),
              made - 2) << "all but handshake and its preflight, made before the login";
    // And the socket carried their events.
    auto frames = p.harness.frames(session);
    auto named = [&](const std::string& name) {
        return std::count_if(frames.begin(), frames.end(), [&](const FrameRecord& f) { return f.name == name; });
    };
    EXPECT_EQ(named("chat.postMessage"), 1);
    EXPECT_EQ(named("system.ping"), 1);
    EXPECT_GE(named("pong"), 2);
}

}  // namespace
}  // namespace rtmtap::test
