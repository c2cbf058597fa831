// The upgrade through the proxy: paths, headers, subprotocols, refusals, 502/504 and bad requests.
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <algorithm>

namespace rtmtap::test {
namespace {

struct PathCase {
    const char* upstreamPath;
    const char* clientTarget;
    const char* expected;
};

void PrintTo(const PathCase& c, std::ostream* os) {
    *os << "'" << c.upstreamPath << "' + '" << c.clientTarget << "'";
}

class ProxyPathJoin : public ::testing::TestWithParam<PathCase> {};

TEST_P(ProxyPathJoin, ClientPathAndQueryAreJoinedToTheUpstreamPath) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(GetParam().upstreamPath));
    TestClient client(harness.port(), GetParam().clientTarget);
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].uri, GetParam().expected);

    client.sendClose(1000, "");
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].path, GetParam().clientTarget);
    EXPECT_NE(sessions[0].upstream.find("127.0.0.1:" + std::to_string(upstream.port())), std::string::npos)
        << sessions[0].upstream;
    EXPECT_EQ(sessions[0].http_status, 101);
    EXPECT_EQ(sessions[0].client.rfind("127.0.0.1:", 0), 0u) << sessions[0].client;
    EXPECT_TRUE(sessions[0].started_us.has_value());
    EXPECT_TRUE(sessions[0].ended_us.has_value());
    EXPECT_GE(sessions[0].ended_us.value_or(0), sessions[0].started_us.value_or(1));
}

INSTANTIATE_TEST_SUITE_P(
    Paths, ProxyPathJoin,
    ::testing::Values(PathCase{"/base", "/rtm?x=1&y=two", "/base/rtm?x=1&y=two"},
                      PathCase{"/base/", "/rtm?x=1", "/base/rtm?x=1"},
                      PathCase{"/", "/rtm?x=1", "/rtm?x=1"},
                      PathCase{"", "/rtm?x=1", "/rtm?x=1"},
                      PathCase{"", "/", "/"},
                      // The client's bare "/" adds nothing to the upstream's own path.
                      PathCase{"/base", "/", "/base"},
                      PathCase{"/base", "/?token=a%20b", "/base?token=a%20b"},
                      // Both queries are kept: the upstream's first.
                      PathCase{"/base?token=a", "/rtm?x=1", "/base/rtm?token=a&x=1"}));

TEST(ProxyHandshake, EndToEndHeadersAreForwardedAndSecretsRedactedInTheRecord) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url("/ws"));
    const HeaderPairs headers = {
        {"Origin", "https://app.airsend.io"},
        {"User-Agent", "AirSendTest/2.0 (Linux)"},
        {"Cookie", "session=cookie-secret-123; theme=dark"},
        {"Authorization", "Bearer bearer-secret-456"},
        {"X-Custom", "custom value"},
        {"X-Request-Id", "r-42"},
        {"Sec-WebSocket-Extensions", "permessage-deflate; client_max_window_bits"},
        {"Keep-Alive", "timeout=5"},  // hop-by-hop: stays with the proxy
        {"TE", "trailers"},
    };
    const std::vector<std::string> hopByHop = {"Sec-WebSocket-Extensions", "Keep-Alive", "TE"};
    TestClient client(harness.port(), "/rtm", headers);
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForRequests(1));

    const UpstreamRequest request = upstream.requests()[0];
    for (const auto& [name, value] : headers) {
        if (std::find(hopByHop.begin(), hopByHop.end(), name) != hopByHop.end()) {
            EXPECT_EQ(request.count(name), 0u) << name << " must not be forwarded";
            continue;
        }
        EXPECT_EQ(request.header(name).value_or("<missing>"), value) << name;
        EXPECT_EQ(request.count(name), 1u) << name;
    }
    EXPECT_EQ(request.header("Host").value_or(""), "127.0.0.1:" + std::to_string(upstream.port()));
    EXPECT_EQ(request.count("Upgrade"), 1u);
    EXPECT_EQ(request.count("Sec-WebSocket-Key"), 1u);
    EXPECT_EQ(request.count("Sec-WebSocket-Version"), 1u);
    EXPECT_FALSE(client.responseHeader("Sec-WebSocket-Extensions")) << "no extension was negotiated";

    client.sendClose(1000, "");
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    const std::string& recorded = sessions[0].headers;
    EXPECT_NE(recorded.find("https://app.airsend.io"), std::string::npos) << recorded;
    EXPECT_NE(recorded.find("AirSendTest/2.0 (Linux)"), std::string::npos) << recorded;
    EXPECT_NE(recorded.find("custom value"), std::string::npos) << recorded;
    EXPECT_NE(recorded.find("[redacted]"), std::string::npos) << recorded;
    EXPECT_EQ(recorded.find("cookie-secret-123"), std::string::npos) << recorded;
    EXPECT_EQ(recorded.find("bearer-secret-456"), std::string::npos) << recorded;
    EXPECT_EQ(harness.queryInt("SELECT json_valid(headers) FROM sessions"), 1) << recorded;
}

TEST(ProxyHandshake, UpstreamsChosenSubprotocolIsReturnedToTheClient) {
    TestUpstream::Options options;
    options.subprotocol = "rtm.v2";
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port(), "/", {}, {"rtm.v1", "rtm.v2"});
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    EXPECT_EQ(client.responseHeader("Sec-WebSocket-Protocol").value_or("<none>"), "rtm.v2");
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].header("Sec-WebSocket-Protocol").value_or(""), "rtm.v1, rtm.v2");

    client.sendClose(1000, "");
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    EXPECT_EQ(harness.sessions().at(0).subprotocol, "rtm.v2");
}

TEST(ProxyHandshake, NoSubprotocolWhenTheUpstreamChoosesNone) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port(), "/", {}, {"rtm.v1"});
    // RFC 6455 lets a server ignore the offer; the client then decides. The proxy must not invent one.
    if (client.open()) {
        EXPECT_FALSE(client.responseHeader("Sec-WebSocket-Protocol"));
    }
}

TEST(ProxyHandshake, UpstreamRefusalStatusAndBodyReachTheClient) {
    TestUpstream::Options options;
    options.mode = TestUpstream::Mode::Refuse;
    options.refuseStatus = 403;
    options.refuseReason = "Forbidden Here";
    options.refuseBody = R"({"meta":{"ok":false},"error":"bad token"})";
    options.refuseContentType = "application/json";
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url("/base"));

    TestClient client(harness.port(), "/rtm?t=1");
    EXPECT_FALSE(client.open());
    EXPECT_EQ(client.status(), 403) << client.error();
    EXPECT_EQ(client.reason(), "Forbidden Here");
    EXPECT_EQ(client.body(), options.refuseBody);
    EXPECT_EQ(client.responseHeader("Content-Type").value_or(""), "application/json");
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].uri, "/base/rtm?t=1");

    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].http_status, 403);
    EXPECT_NE(sessions[0].error, "");
    EXPECT_EQ(sessions[0].path, "/rtm?t=1");
}

TEST(ProxyHandshake, UnreachableUpstreamGives502) {
    uint16_t closedPort = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        closedPort = probe.address().port();
    }  // closed again: connections to it are refused
    ProxyHarness harness("ws://127.0.0.1:" + std::to_string(closedPort) + "/rtm");
    TestClient client(harness.port(), "/");
    EXPECT_FALSE(client.open());
    EXPECT_EQ(client.status(), 502) << client.error();

    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].http_status, 502);
    EXPECT_NE(sessions[0].error, "");
}

TEST(ProxyHandshake, SilentUpstreamGives504) {
    TestUpstream::Options options;
    options.mode = TestUpstream::Mode::NeverAnswer;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = 300; });
    TestClient client(harness.port(), "/");
    EXPECT_FALSE(client.open());
    EXPECT_EQ(client.status(), 504) << client.error();
    EXPECT_TRUE(upstream.waitForRequests(1)) << "the upstream never saw the request";

    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].http_status, 504);
    EXPECT_NE(sessions[0].error, "");
}

void expectOneLine400(const HttpResult& r) {
    EXPECT_EQ(r.status, 400) << r.error;
    EXPECT_EQ(r.contentType.rfind("text/plain", 0), 0u) << r.contentType;
    std::string body = r.body;
    while (!body.empty() && (body.back() == '\n' || body.back() == '\r')) {
        body.pop_back();
    }
    EXPECT_FALSE(body.empty());
    EXPECT_EQ(body.find('\n'), std::string::npos) << "one line: '" << r.body << "'";
}

TEST(ProxyHandshake, BadRequestsGet400AndTheProxyKeepsServing) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url());

    expectOneLine400(TestClient::httpGet(harness.port(), "/rtm"));
    // An upgrade without Sec-WebSocket-Key.
    expectOneLine400(TestClient::rawRequest(
        harness.port(), "GET /rtm HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                        "Sec-WebSocket-Version: 13\r\n\r\n"));
    // Not HTTP at all.
    expectOneLine400(TestClient::rawRequest(harness.port(), "HELLO THERE\r\n\r\n"));
    EXPECT_EQ(upstream.requestCount(), 0u) << "a bad request must not reach the upstream";

    TestClient client(harness.port(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText("still alive");
    Received echo = client.receive();
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.payload, "still alive");
}

}  // namespace
}  // namespace rtmtap::test
