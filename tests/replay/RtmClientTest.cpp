#include "replay/RtmClient.h"

#include "tests/support/EchoUpstream.h"
#include "tests/support/FakeAirSendApi.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace rtmtap {
namespace {

using test::FakeAirSendApi;
using test::TestUpstream;

// Frames the client delivered, with a timed wait.
class Inbox {
public:
    RtmClient::FrameHandler handler() {
        return [this](const Message& m) {
            std::lock_guard<std::mutex> lock(mutex_);
            frames_.push_back(m);
            changed_.notify_all();
        };
    }
    bool waitFor(size_t n, int timeoutMs = 10000) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return frames_.size() >= n; });
    }
    std::vector<Message> frames() {
        std::lock_guard<std::mutex> lock(mutex_);
        return frames_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Message> frames_;
};

TestUpstream::Options silentUpstream() {
    TestUpstream::Options o;
    o.echo = false;
    return o;
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// A port nothing listens on: bound once, then released.
uint16_t closedPort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    uint16_t port = s.address().port();
    s.close();
    return port;
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const RtmClientError& e) {
        return e.what();
    }
    return "(no RtmClientError)";
}

TEST(RtmClientTest, FullLoginFlowSendsWsAuthWithTheTokenFirst) {
    TestUpstream upstream(silentUpstream());
    FakeAirSendApi::Options apiOptions;
    apiOptions.wsEndpoint = upstream.url("/rtm");
    apiOptions.wsToken = "eyJ.ws.token";
    FakeAirSendApi api(apiOptions);

    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    std::string bearer = client.login(api.url(), "user1@example.test", "password");
    EXPECT_EQ(bearer, "bearer-token-1");
    RtmEndpoint endpoint = client.rtmConnect(api.url(), bearer);
    EXPECT_EQ(endpoint.wsEndpoint, upstream.url("/rtm"));
    EXPECT_EQ(endpoint.wsToken, "eyJ.ws.token");
    client.connect(endpoint.wsEndpoint, endpoint.wsToken, inbox.handler());
    client.sendText(R"({"command":"ws_ping"})");

    ASSERT_TRUE(upstream.waitForFrames(2));
    auto frames = upstream.frames();
    EXPECT_EQ(frames[0].flags, test::kText);
    auto auth = parse(frames[0].payload);
    EXPECT_EQ(auth->getValue<std::string>("command"), "ws_auth");
    EXPECT_EQ(auth->getValue<std::string>("auth_token"), "eyJ.ws.token");
    EXPECT_EQ(frames[1].payload, R"({"command":"ws_ping"})");
    EXPECT_EQ(upstream.requests().at(0).uri, "/rtm");

    auto requests = api.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].uri, "/api/v1/user.login");
    EXPECT_EQ(requests[0].contentType, "application/x-www-form-urlencoded");
    EXPECT_EQ(requests[0].body, "user=user1%40example.test&password=password");
    EXPECT_EQ(requests[1].method, "GET");
    EXPECT_EQ(requests[1].uri, "/api/v1/rtm.connect");
    EXPECT_EQ(requests[1].authorization, "Bearer bearer-token-1");
}

TEST(RtmClientTest, FormFieldsAreEscaped) {
    FakeAirSendApi::Options apiOptions;
    apiOptions.user = "a&b=c d@x";
    apiOptions.password = "p+w%d&";
    FakeAirSendApi api(apiOptions);
    RtmClient client;
    EXPECT_EQ(client.login(api.url() + "/", apiOptions.user, apiOptions.password), "bearer-token-1");
}

TEST(RtmClientTest, BadCredentialsGiveLoginFailed401) {
    FakeAirSendApi api({});
    RtmClient client;
    std::string what = errorOf([&] { client.login(api.url(), "user1@example.test", "wrong"); });
    EXPECT_EQ(what.rfind("login failed: 401", 0), 0u) << what;
    EXPECT_NE(what.find("Invalid credentials"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
}

TEST(RtmClientTest, BadBearerGivesRtmConnectFailed401) {
    FakeAirSendApi api({});
    RtmClient client;
    std::string what = errorOf([&] { client.rtmConnect(api.url(), "not-the-token"); });
    EXPECT_EQ(what.rfind("rtm.connect failed: 401", 0), 0u) << what;
}

TEST(RtmClientTest, AnswerWithoutEndpointIsAnError) {
    FakeAirSendApi::Options apiOptions;
    apiOptions.rtmConnectBody = R"({"meta":{"ok":true},"rtm":{"ws_token":"t"}})";
    FakeAirSendApi api(apiOptions);
    RtmClient client;
    std::string what = errorOf([&] { client.rtmConnect(api.url(), "bearer-token-1"); });
    EXPECT_NE(what.find("no rtm.ws_endpoint"), std::string::npos) << what;
}

TEST(RtmClientTest, UnreachableApiIsAnError) {
    RtmClient client;
    std::string url = "http://127.0.0.1:" + std::to_string(closedPort());
    std::string what = errorOf([&] { client.login(url, "u", "p"); });
    EXPECT_EQ(what.rfind("cannot reach the API at " + url, 0), 0u) << what;
}

TEST(RtmClientTest, BadUrlsAreErrors) {
    RtmClient client;
    EXPECT_NE(errorOf([&] { client.login("ftp://x", "u", "p"); }).find("invalid URL"), std::string::npos);
    EXPECT_NE(errorOf([&] { client.connect("nonsense", "t", {}); }).find("invalid URL"), std::string::npos);
}

TEST(RtmClientTest, RefusedUpgradeGivesTheStatus) {
    TestUpstream::Options o;
    o.mode = TestUpstream::Mode::Refuse;
    o.refuseStatus = 403;
    TestUpstream upstream(o);
    RtmClient client;
    std::string what = errorOf([&] { client.connect(upstream.url(), "t", {}); });
    EXPECT_EQ(what, "WebSocket upgrade refused by " + upstream.url() + ": 403 Forbidden");
}

TEST(RtmClientTest, ProtocolPingIsAnsweredWithPongCarryingTheSamePayload) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendPing("ping-42");
    auto pong = upstream.waitForOpcode(test::kOpPong);
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->payload, "ping-42");
    EXPECT_TRUE(pong->fin());
    EXPECT_EQ(client.pingsAnswered(), 1u);
    EXPECT_TRUE(inbox.frames().empty()) << "pings are not delivered";
}

TEST(RtmClientTest, EventsReachTheCallbackWholeAndInOrder) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendText(R"({"event":"chat.userTyping","payload":{"channel_id":11010000}})");
    upstream.sendRaw(0x01, R"({"event":"chat.)");  // a fragmented text message
    upstream.sendRaw(0x00, R"(postMessage",)");
    upstream.sendRaw(0x80, R"("payload":{}})");
    upstream.sendBinary(std::string("\x00\xff", 2));
    ASSERT_TRUE(inbox.waitFor(3));
    auto frames = inbox.frames();
    EXPECT_EQ(frames[0].payload, R"({"event":"chat.userTyping","payload":{"channel_id":11010000}})");
    EXPECT_EQ(frames[0].op, Opcode::Text);
    EXPECT_EQ(frames[0].dir, Direction::ServerToClient);
    EXPECT_EQ(frames[1].payload, R"({"event":"chat.postMessage","payload":{}})");
    EXPECT_EQ(frames[2].op, Opcode::Binary);
    EXPECT_EQ(frames[2].payload, std::string("\x00\xff", 2));
    EXPECT_LE(frames[0].t_us, frames[2].t_us);
}

TEST(RtmClientTest, ServerCloseIsAnsweredAndReported) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendClose(1001, "going away");
    ASSERT_TRUE(client.waitEnded(10000));
    EXPECT_EQ(client.endReason(), "closed by the server: 1001 going away");
    auto reply = upstream.waitForOpcode(test::kOpClose);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->closeCode(), 1001);
    ASSERT_TRUE(inbox.waitFor(1));
    EXPECT_EQ(inbox.frames()[0].op, Opcode::Close);
    std::string what = errorOf([&] { client.sendText("{}"); });
    EXPECT_EQ(what.rfind("cannot send: closed by the server", 0), 0u) << what;
}

TEST(RtmClientTest, DroppedConnectionIsReported) {
    TestUpstream upstream(silentUpstream());
    RtmClient client;
    client.connect(upstream.url(), "t", {});
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.drop();
    ASSERT_TRUE(client.waitEnded(10000));
    EXPECT_EQ(client.endReason(), "connection dropped by the server (no close frame)");
}

TEST(RtmClientTest, CloseSendsCloseFrame1000AndEnds) {
    TestUpstream upstream(silentUpstream());
    RtmClient client;
    client.connect(upstream.url(), "t", {});
    ASSERT_TRUE(upstream.waitForFrames(1));
    client.close();
    EXPECT_TRUE(client.ended());
    EXPECT_EQ(client.endReason(), "");
    auto close = upstream.waitForOpcode(test::kOpClose);
    ASSERT_TRUE(close.has_value());
    EXPECT_EQ(close->closeCode(), 1000);
    ASSERT_TRUE(upstream.waitForEnd());
    client.close();  // idempotent
}

TEST(RtmClientTest, WssEndpointWithTheRightCa) {
    test::EchoUpstream::Options o;
    o.tlsCert = std::string(RTMTAP_TEST_DATA) + "/server.pem";
    o.tlsKey = std::string(RTMTAP_TEST_DATA) + "/server.key";
    test::EchoUpstream upstream(o);
    RtmClientOptions options;
    options.caFile = std::string(RTMTAP_TEST_DATA) + "/ca.pem";
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client(options);
    client.connect(upstream.url("", "localhost"), "tls-token", inbox.handler());
    client.sendText(R"({"command":"ws_ping"})");
    ASSERT_TRUE(inbox.waitFor(2));  // the echoes of ws_auth and of the command
    auto frames = inbox.frames();
    EXPECT_EQ(parse(frames[0].payload)->getValue<std::string>("auth_token"), "tls-token");
    EXPECT_EQ(frames[1].payload, R"({"command":"ws_ping"})");
    client.close();
    EXPECT_EQ(client.endReason(), "");
}

TEST(RtmClientTest, WssEndpointWithAWrongCaIsRefused) {
    test::EchoUpstream::Options o;
    o.tlsCert = std::string(RTMTAP_TEST_DATA) + "/server.pem";
    o.tlsKey = std::string(RTMTAP_TEST_DATA) + "/server.key";
    test::EchoUpstream upstream(o);
    RtmClientOptions options;
    options.caFile = std::string(RTMTAP_TEST_DATA) + "/other-ca.pem";
    RtmClient client(options);
    std::string what = errorOf([&] { client.connect(upstream.url("", "localhost"), "t", {}); });
    EXPECT_EQ(what.rfind("cannot connect to " + upstream.url("", "localhost") + ": ", 0), 0u) << what;
    EXPECT_EQ(upstream.echoed(), 0u);

    RtmClientOptions insecure;
    insecure.insecure = true;
    RtmClient unchecked(insecure);
    unchecked.connect(upstream.url(), "t", {});
    unchecked.close();
}

}  // namespace
}  // namespace rtmtap
