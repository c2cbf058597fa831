// rtmtap proxy --mode regular as a client's HTTP proxy: absolute-form and CONNECT, WebSocket
// sessions recorded through the relay, API calls recorded, other hosts tunnelled unrecorded.
#include "proxy/CertAuthority.h"
#include "proxy/HttpsClientContext.h"
#include "proxy/TlsContext.h"
#include "tests/support/ClientRoute.h"
#include "tests/support/EchoUpstream.h"
#include "tests/support/FakeAirSendApi.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/RawSocket.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestUpstream.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/X509Certificate.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <set>
#include <sstream>

namespace rtmtap::test {
namespace {

std::function<void(ProxyConfig&)> regular(std::vector<std::string> intercept = {}, bool recordHttp = false) {
    return [intercept, recordHttp](ProxyConfig& c) {
        c.mode = ProxyMode::Regular;
        c.intercept = intercept;
        c.recordHttp = recordHttp;
    };
}

// A POCO client session that goes through the proxy as a configured client would.
std::unique_ptr<Poco::Net::HTTPClientSession> viaProxy(uint16_t origin, uint16_t proxy) {
    return ClientRoute{Route::AbsoluteForm, proxy, "127.0.0.1", origin}.session(10000);
}

struct Got {
    int status = 0;
    std::string body;
};

Got get(Poco::Net::HTTPClientSession& s, const std::string& target, const std::string& bearer = "") {
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
    if (!bearer.empty()) {
        req.set("Authorization", "Bearer " + bearer);
    }
    s.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::istream& in = s.receiveResponse(resp);
    Got g;
    g.status = resp.getStatus();
    std::ostringstream body;
    Poco::StreamCopier::copyStream(in, body);
    g.body = body.str();
    return g;
}

// POCO's WebSocket through the session, or a test failure that says why.
std::unique_ptr<Poco::Net::WebSocket> openWebSocket(Poco::Net::HTTPClientSession& session, const std::string& target) {
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse resp;
    try {
        return std::make_unique<Poco::Net::WebSocket>(session, req, resp);
    } catch (const Poco::Exception& e) {
        ADD_FAILURE() << "WebSocket " << target << ": " << e.className() << ": " << e.displayText();
    }
    return nullptr;
}

void echoOnce(Poco::Net::WebSocket& ws, const std::string& text) {
    ws.sendFrame(text.data(), static_cast<int>(text.size()));
    char buf[256];
    int flags = 0;
    const int n = ws.receiveFrame(buf, sizeof buf, flags);
    EXPECT_EQ(std::string(buf, static_cast<size_t>(std::max(n, 0))), text);
}

TEST(ForwardProxy, AbsoluteFormWebSocketIsRecordedAsASession) {
    TestUpstream upstream;
    ProxyHarness h("", regular());
    auto session = viaProxy(upstream.port(), h.port());
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/ws?x=1", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse resp;
    Poco::Net::WebSocket ws(*session, req, resp);
    echoOnce(ws, R"({"command":"ws_ping"})");
    ws.shutdown();
    ASSERT_TRUE(h.waitForEnds(1));
    h.stop();
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].uri, "/ws?x=1");  // origin-form upstream
    auto sessions = h.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].upstream, "ws://127.0.0.1:" + std::to_string(upstream.port()) + "/ws?x=1");
    EXPECT_EQ(sessions[0].http_status, 101);
    auto frames = h.frames(sessions[0].id);
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0].payload, R"({"command":"ws_ping"})");
    EXPECT_EQ(frames[0].name, "ws_ping");
}

TEST(ForwardProxy, PlainWebSocketThroughConnectIsRecorded) {
    TestUpstream upstream;
    ProxyHarness h("", regular());
    Poco::Net::StreamSocket s = openTunnel(h.port(), "127.0.0.1:" + std::to_string(upstream.port()), 10000);
    Poco::Net::HTTPClientSession inside(s);
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/rtm", Poco::Net::HTTPMessage::HTTP_1_1);
    req.setHost("127.0.0.1", upstream.port());
    Poco::Net::HTTPResponse resp;
    Poco::Net::WebSocket ws(inside, req, resp);
    echoOnce(ws, "hello");
    ws.shutdown();
    ASSERT_TRUE(h.waitForEnds(1));
    h.stop();
    auto sessions = h.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].path, "/rtm");
    EXPECT_EQ(sessions[0].client, s.address().toString()) << "the address accept(2) gave";
    EXPECT_EQ(h.frames(sessions[0].id).front().payload, "hello");
    EXPECT_EQ(upstream.connectionCount(), 1u);  // the CONNECT's own connection carried the upgrade
}

TEST(ForwardProxy, ApiCallsAreRecordedOtherPathsOnlyWithRecordHttp) {
    FakeAirSendApi::Options options;
    FakeAirSendApi api(options);
    for (bool recordHttp : {false, true}) {
        SCOPED_TRACE(recordHttp ? "--record-http" : "default");
        ProxyHarness h("", regular({}, recordHttp));
        auto session = viaProxy(api.port(), h.port());
        Got connect = get(*session, "/api/v1/rtm.connect", options.bearer);
        EXPECT_EQ(connect.status, 200);
        EXPECT_NE(connect.body.find(options.wsEndpoint), std::string::npos) << "answers pass unchanged";
        Got other = get(*session, "/index.html");  // the same connection (keep-alive)
        EXPECT_EQ(other.status, 404);
        h.stop();
        ASSERT_EQ(h.queryInt("SELECT count(*) FROM api_calls"), recordHttp ? 2 : 1);
        EXPECT_EQ(h.queryText("SELECT path FROM api_calls ORDER BY id LIMIT 1"), "/api/v1/rtm.connect");
        EXPECT_EQ(h.queryText("SELECT ws_endpoint FROM api_calls ORDER BY id LIMIT 1"), options.wsEndpoint);
        EXPECT_EQ(h.queryText("SELECT upstream FROM api_calls ORDER BY id LIMIT 1"),
                  "http://127.0.0.1:" + std::to_string(api.port()));
        // The bearer is redacted as in the reverse mode.
        EXPECT_EQ(h.queryText("SELECT request_headers FROM api_calls ORDER BY id LIMIT 1").find(options.bearer),
                  std::string::npos);
    }
}

TEST(ForwardProxy, ConnectToAClosedPortIs502) {
    ProxyHarness h("", regular());
    uint16_t closed = 0;
    {
        Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
        closed = probe.address().port();
    }
    const std::string authority = "127.0.0.1:" + std::to_string(closed);
    RawSocket s(h.port());
    ASSERT_TRUE(s.send("CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n"));
    const std::string answer = s.readUntilClosed(10000).bytes;
    EXPECT_EQ(RawSocket::statusOf(answer), 502) << answer;
    EXPECT_NE(RawSocket::bodyOf(answer).find("cannot connect to " + authority), std::string::npos) << answer;
}

TEST(ForwardProxy, UnlistedHostIsTunnelledAndNotRecorded) {
    TestUpstream upstream;
    ProxyHarness h("", regular({"*.airsend.test"}));
    Poco::Net::StreamSocket s = openTunnel(h.port(), "127.0.0.1:" + std::to_string(upstream.port()), 10000);
    Poco::Net::HTTPClientSession inside(s);
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/rtm", Poco::Net::HTTPMessage::HTTP_1_1);
    Poco::Net::HTTPResponse resp;
    Poco::Net::WebSocket ws(inside, req, resp);
    echoOnce(ws, "through the tunnel");
    ws.shutdown();
    ASSERT_TRUE(upstream.waitForEnd(0));
    h.stop();
    EXPECT_EQ(h.sessions().size(), 0u);
    EXPECT_EQ(h.queryInt("SELECT count(*) FROM frames"), 0);
}

TEST(ForwardProxy, BadRequestsGetOneLine) {
    ProxyHarness h("", regular());
    struct Case {
        std::string request, expect;
        int status;
    } cases[] = {
        {"GET http://[::1/x HTTP/1.1\r\nHost: x\r\n\r\n", "unparseable URI", 400},
        {"GET ftp://example.test/x HTTP/1.1\r\nHost: example.test\r\n\r\n", "http, https, ws and wss", 400},
        {"CONNECT example.test HTTP/1.1\r\nHost: example.test\r\n\r\n", "CONNECT needs host:port", 400},
        {"CONNECT example.test:0 HTTP/1.1\r\nHost: example.test\r\n\r\n", "bad port", 400},
        {"GET /direct HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "configure it as the client's proxy", 400},
    };
    for (const Case& c : cases) {
        SCOPED_TRACE(c.request);
        RawSocket s(h.port());
        ASSERT_TRUE(s.send(c.request));
        const std::string got = s.readUntilClosed(5000).bytes;
        EXPECT_EQ(RawSocket::statusOf(got), c.status) << got;
        EXPECT_NE(RawSocket::bodyOf(got).find(c.expect), std::string::npos) << got;
    }
}

TEST(ForwardProxy, ChunkedRequestBodyIsForwardedWhole) {
    FakeAirSendApi::Options options;
    FakeAirSendApi api(options);
    ProxyHarness h("", regular());
    RawSocket s(h.port());
    const std::string authority = "127.0.0.1:" + std::to_string(api.port());
    ASSERT_TRUE(s.send("POST http://" + authority + "/api/v1/user.login HTTP/1.1\r\nHost: " + authority +
                       "\r\nContent-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n"
                       "Connection: close\r\n\r\n"
                       "5\r\nuser=\r\n12;ext=1\r\nuser1@example.test\r\n0\r\n\r\n"));
    const std::string got = s.readUntilClosed(5000).bytes;
    EXPECT_EQ(RawSocket::statusOf(got), 401) << got;  // no password: the fake API's own answer
    auto requests = api.requests();
    ASSERT_EQ(requests.size(), 1u);
    EXPECT_EQ(requests[0].body, "user=user1@example.test");
}

TEST(ForwardProxy, AStalledBodyGets408AndAnOversizeOne413) {
    FakeAirSendApi::Options options;
    FakeAirSendApi api(options);
    ProxyHarness h("", [](ProxyConfig& c) {
        regular()(c);
        c.handshakeTimeoutMs = 300;
        c.maxHttpBody = 1000;
    });
    const std::string authority = "127.0.0.1:" + std::to_string(api.port());
    const std::string post = "POST http://" + authority + "/api/v1/user.login HTTP/1.1\r\nHost: " + authority;
    RawSocket stalled(h.port());
    ASSERT_TRUE(stalled.send(post + "\r\nContent-Length: 100\r\n\r\nuser=only-a-part"));
    std::string got = stalled.readUntilClosed(5000).bytes;
    EXPECT_EQ(RawSocket::statusOf(got), 408) << got;
    RawSocket large(h.port());
    ASSERT_TRUE(large.send(post + "\r\nContent-Length: 1001\r\n\r\n"));
    got = large.readUntilClosed(5000).bytes;
    EXPECT_EQ(RawSocket::statusOf(got), 413) << got;
    EXPECT_TRUE(api.requests().empty()) << "neither reached the origin";
}

const std::string kData = RTMTAP_TEST_DATA;

// A wss:// echo server with tests/data/server.pem (CN localhost, signed by tests/data/ca.pem).
EchoUpstream::Options tlsEcho() {
    EchoUpstream::Options o;
    o.tlsCert = kData + "/server.pem";
    o.tlsKey = kData + "/server.key";
    return o;
}

// rtmtap's CA in a folder of the test's own, and a proxy that intercepts with it; upstreams are
// verified against the test CA that signed tests/data/server.pem (CN localhost).
struct Intercepting {
    TempDir caDir;
    std::shared_ptr<CertAuthority> ca = CertAuthority::create(caDir.file("ca"));
    std::function<void(ProxyConfig&)> configure(std::vector<std::string> intercept = {}) {
        return [this, intercept](ProxyConfig& c) {
            regular(intercept)(c);
            c.interceptTls = TlsContext::intercepting(ca);
            c.caFile = kData + "/ca.pem";
        };
    }
    // A client that trusts only rtmtap's CA, configured with the proxy (POCO then sends CONNECT).
    std::unique_ptr<Poco::Net::HTTPSClientSession> client(uint16_t origin, uint16_t proxy) {
        return clientTrusting(ca->certPath(), origin, proxy);
    }
    // One that trusts only caFile.
    static std::unique_ptr<Poco::Net::HTTPSClientSession> clientTrusting(const std::string& caFile, uint16_t origin,
                                                                         uint16_t proxy) {
        auto s = std::make_unique<Poco::Net::HTTPSClientSession>("localhost", origin, httpsClientContext(caFile, false));
        s->setProxy("127.0.0.1", proxy);
        s->setTimeout(Poco::Timespan(10, 0));
        return s;
    }
};

TEST(ForwardProxyTls, WssSessionThroughConnectIsInterceptedAndRecorded) {
    EchoUpstream upstream(tlsEcho());
    Intercepting tls;
    ProxyHarness h("", tls.configure());
    auto session = tls.client(upstream.port(), h.port());
    auto socket = openWebSocket(*session, "/rtm?v=2");
    ASSERT_TRUE(socket);
    Poco::Net::WebSocket& ws = *socket;
    echoOnce(ws, R"({"command":"ws_auth","data":{"token":"t"}})");
    ws.shutdown();
    ASSERT_TRUE(h.waitForEnds(1));
    h.stop();
    auto sessions = h.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].upstream, "wss://localhost:" + std::to_string(upstream.port()) + "/rtm?v=2");
    auto frames = h.frames(sessions[0].id);
    ASSERT_GE(frames.size(), 2u);
    EXPECT_EQ(frames[0].name, "ws_auth");
    EXPECT_EQ(upstream.connections(), 1u);
}

TEST(ForwardProxyTls, HttpsApiCallsAreRecorded) {
    FakeAirSendApi::Options options;
    options.tlsCert = kData + "/server.pem";
    options.tlsKey = kData + "/server.key";
    FakeAirSendApi api(options);
    Intercepting tls;
    ProxyHarness h("", tls.configure());
    auto session = tls.client(api.port(), h.port());
    for (int i = 0; i < 2; ++i) {  // twice on one connection: keep-alive inside the tunnel
        Got connect = get(*session, "/api/v1/rtm.connect", options.bearer);
        EXPECT_EQ(connect.status, 200) << connect.body;
    }
    // The certificate the client accepted: rtmtap's leaf for the name it asked for, from its CA.
    Poco::Net::X509Certificate leaf = session->serverCertificate();
    EXPECT_EQ(leaf.issuerName(), Poco::Net::X509Certificate(tls.ca->certPath()).subjectName());
    std::string commonName;
    std::set<std::string> names;
    leaf.extractNames(commonName, names);
    EXPECT_TRUE(names.count("localhost")) << leaf.subjectName();
    h.stop();
    ASSERT_EQ(h.queryInt("SELECT count(*) FROM api_calls"), 2);
    EXPECT_EQ(h.queryText("SELECT upstream FROM api_calls LIMIT 1"), "https://localhost:" + std::to_string(api.port()));
    EXPECT_EQ(h.queryText("SELECT ws_endpoint FROM api_calls LIMIT 1"), options.wsEndpoint);
    EXPECT_EQ(api.requests().size(), 2u);
}

TEST(ForwardProxyTls, AClientThatDoesNotTrustTheCaIsRecordedWithTheAlert) {
    EchoUpstream upstream(tlsEcho());
    Intercepting tls;
    ProxyHarness h("", tls.configure());
    auto session = Intercepting::clientTrusting(kData + "/other-ca.pem", upstream.port(), h.port());
    Poco::Net::HTTPRequest req(Poco::Net::HTTPRequest::HTTP_GET, "/rtm", Poco::Net::HTTPMessage::HTTP_1_1);
    EXPECT_ANY_THROW(session->sendRequest(req));
    ASSERT_TRUE(h.waitForEnds(1));
    h.stop();
    auto sessions = h.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_NE(sessions[0].error.find("TLS handshake with the client failed"), std::string::npos) << sessions[0].error;
    EXPECT_NE(sessions[0].error.find("alert"), std::string::npos) << sessions[0].error;
    EXPECT_EQ(sessions[0].upstream, "https://localhost:" + std::to_string(upstream.port()));
}

TEST(ForwardProxyTls, UnlistedHostsTlsPassesUntouched) {
    EchoUpstream upstream(tlsEcho());
    Intercepting tls;
    ProxyHarness h("", tls.configure({"*.airsend.test"}));
    // The client trusts only the test CA: only the origin's own certificate will do.
    auto session = Intercepting::clientTrusting(kData + "/ca.pem", upstream.port(), h.port());
    auto socket = openWebSocket(*session, "/rtm");
    ASSERT_TRUE(socket);
    Poco::Net::WebSocket& ws = *socket;
    echoOnce(ws, "tunnelled");
    ws.shutdown();
    h.stop();
    EXPECT_EQ(h.sessions().size(), 0u);
}

}  // namespace
}  // namespace rtmtap::test
