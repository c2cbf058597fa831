// The HTTP API side of the proxy: passthrough, the rtm.connect rewrite, WebSocket sessions that
// follow the rewritten endpoint, and the api_calls records with redaction and the session link.
#include "protocol/JsonStrings.h"
#include "proxy/ApiProxy.h"
#include "proxy/EndpointRoutes.h"
#include "store/Database.h"
#include "store/Recorder.h"
#include "store/Schema.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketStream.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>

#include <mutex>
#include <sstream>

namespace rtmtap::test {
namespace {

const std::string kClaims =
    R"({"user_id":91010001,"user_name":"user1@example.test","client_ip":"127.0.0.1","user_agent":"test",)"
    R"("expiry":"2031-01-01 00:00:00","finger_print":"abcdefghijkl","topic":"t","created_on":1700000000})";
const std::string kWsSignature = "d3Mtc2lnbmF0dXJl";
const std::string kLoginSignature = "bG9naW4tc2lnbmF0dXJl";
const std::string kStubDate = "Tue, 01 Jan 2030 00:00:00 GMT";  // not what POCO would set: now

struct SeenRequest {
    std::string method, uri, body;
    HeaderPairs headers;
    std::string header(const std::string& name) const {
        for (const auto& [n, v] : headers) {
            if (Poco::icompare(n, name) == 0) {
                return v;
            }
        }
        return "";
    }
};

// The AirSend HTTP API as far as the tests need it: user.login (form), a pretty-printed
// rtm.connect in PHP's style (escaped slashes), CORS preflights, an echo endpoint and a malformed
// rtm.connect. Every answer carries the same fixed Date.
class StubApi {
public:
    explicit StubApi(std::string wsEndpointEscaped) : endpoint_(std::move(wsEndpointEscaped)) {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        port_ = socket.address().port();
        auto* params = new Poco::Net::HTTPServerParams;
        params->setMaxThreads(8);
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), pool_, socket, params);
        server_->start();
    }
    ~StubApi() {
        server_->stopAll(true);
        pool_.joinAll();
    }

    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }
    std::string loginToken() const { return makeJwt(R"({"user_id":91010001})", kLoginSignature); }
    std::string wsToken() const { return makeJwt(kClaims, kWsSignature); }
    std::string connectBody() const {
        return "{\n    \"meta\": {\n        \"ok\": true\n    },\n    \"rtm\": {\n        \"ws_endpoint\": \"" + endpoint_ +
               "\",\n        \"ws_token\": \"" + wsToken() + "\"\n    }\n}";
    }
    std::vector<SeenRequest> seen() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return seen_;
    }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(StubApi& owner) : owner_(owner) {}
        void handleRequest(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) override {
            owner_.handle(req, resp);
        }

    private:
        StubApi& owner_;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(StubApi& owner) : owner_(owner) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(owner_);
        }

    private:
        StubApi& owner_;
    };

    void handle(Poco::Net::HTTPServerRequest& req, Poco::Net::HTTPServerResponse& resp) {
        SeenRequest seen{req.getMethod(), req.getURI(), "", {}};
        if (req.hasContentLength() || req.has("Transfer-Encoding")) {  // else no body (RFC 9112 6.3)
            Poco::StreamCopier::copyToString(req.stream(), seen.body);
        }
        for (const auto& [n, v] : req) {
            seen.headers.emplace_back(n, v);
        }
        {
            std::lock_guard<std::mutex> lock(mutex_);
            seen_.push_back(seen);
        }
        resp.set("Date", kStubDate);
        std::string path = req.getURI().substr(0, req.getURI().find('?'));
        if (req.getMethod() == "OPTIONS") {
            resp.set("Access-Control-Allow-Origin", "*");
            resp.set("Access-Control-Allow-Headers", req.get("Access-Control-Request-Headers", ""));
            send(resp, 200, "");
        } else if (path == "/api/v1/user.login") {
            Poco::Net::HTMLForm form;
            std::istringstream in(seen.body);
            form.load(req, in);
            if (form.get("password", "") != "password") {
                send(resp, 401, R"({"meta":{"ok":false,"error":"Unauthorized"}})");
                return;
            }
            resp.add("Set-Cookie", "session=secret-cookie; HttpOnly");
            send(resp, 200, R"({"meta":{"ok":true},"token":")" + loginToken() + R"(","user":{"id":91010001}})");
        } else if (path == "/api/v1/rtm.connect") {
            if (seen.header("Authorization") != "Bearer " + loginToken()) {
                send(resp, 401, R"({"meta":{"ok":false,"error":"Unauthorized"}})");
                return;
            }
            send(resp, 200, connectBody());
        } else if (req.getMethod() == "HEAD") {
            resp.setContentLength(42);
            resp.set("X-Head", "yes");
            resp.send();
        } else if (path == "/broken/rtm.connect") {
            send(resp, 200, R"({"rtm":{"ws_endpoint":"ws://127.0.0.1:1/ws")");
        } else {
            resp.set("X-Echo-Method", seen.method);
            resp.add("X-Multi", "one");
            resp.add("X-Multi", "two");
            resp.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_CREATED, "Made It");
            resp.setContentType("application/octet-stream");
            resp.sendBuffer(seen.body.data(), seen.body.size());
        }
    }

    static void send(Poco::Net::HTTPServerResponse& resp, int status, const std::string& body) {
        resp.setStatus(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(status));
        resp.setContentType("application/json");
        resp.sendBuffer(body.data(), body.size());
    }

    std::string endpoint_;
    uint16_t port_ = 0;
    Poco::ThreadPool pool_{1, 8};
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    mutable std::mutex mutex_;
    std::vector<SeenRequest> seen_;
};

struct HttpAnswer {
    int status = 0;
    std::string reason, body;
    HeaderPairs headers;
    std::string header(const std::string& name) const {
        for (const auto& [n, v] : headers) {
            if (Poco::icompare(n, name) == 0) {
                return v;
            }
        }
        return "";
    }
    std::vector<std::string> all(const std::string& name) const {
        std::vector<std::string> out;
        for (const auto& [n, v] : headers) {
            if (Poco::icompare(n, name) == 0) {
                out.push_back(v);
            }
        }
        return out;
    }
};

HttpAnswer request(uint16_t port, const std::string& method, const std::string& target, const std::string& body = "",
                   const HeaderPairs& headers = {}) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    session.setTimeout(Poco::Timespan(10, 0));
    Poco::Net::HTTPRequest req(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
    for (const auto& [n, v] : headers) {
        req.add(n, v);
    }
    if (!body.empty() || method == "POST") {
        req.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    session.sendRequest(req) << body;
    Poco::Net::HTTPResponse resp;
    std::istream& in = session.receiveResponse(resp);
    HttpAnswer out;
    out.status = resp.getStatus();
    out.reason = resp.getReason();
    Poco::StreamCopier::copyToString(in, out.body);
    for (const auto& [n, v] : resp) {
        out.headers.emplace_back(n, v);
    }
    return out;
}

// One answer read off a kept-alive connection: the head, then Content-Length bytes of body.
// Status 0 when none came within the socket's receive timeout (the body says why).
HttpAnswer readAnswer(std::istream& in) {
    HttpAnswer out;
    try {
        Poco::Net::HTTPResponse resp;
        resp.read(in);
        out.status = resp.getStatus();
        out.reason = resp.getReason();
        for (const auto& [n, v] : resp) {
            out.headers.emplace_back(n, v);
        }
        out.body.resize(static_cast<size_t>(resp.hasContentLength() ? resp.getContentLength64() : 0));
        in.read(out.body.data(), static_cast<std::streamsize>(out.body.size()));
    } catch (const Poco::Exception& e) {
        out.body = "no answer: " + e.displayText();
    }
    return out;
}

std::string stringAt(const std::string& json, const std::string& path) {
    for (const auto& member : scanJsonStrings(json).members) {
        if (member.path == path) {
            return member.value;
        }
    }
    return "";
}

// The whole login setup: a WebSocket upstream (echo), the stub API naming it in rtm.connect,
// and the proxy (WebSocket side with routes only, unless upstreamOverride) plus its API side.
struct LoginFlow {
    explicit LoginFlow(const std::string& upstreamOverride = "", int timeoutMs = 5000)
        : api("ws:\\/\\/127.0.0.1:" + std::to_string(upstream.port()) + "\\/ws?v=1"),
          routes(std::make_shared<EndpointRoutes>()),
          harness(upstreamOverride, [this](ProxyConfig& c) { c.routes = routes; }) {
        ApiProxyConfig config;
        config.listenPort = 0;
        config.upstream = api.url();
        config.wsUrl = harness.proxy().listenUrl();
        config.routes = routes;
        config.timeoutMs = timeoutMs;
        apiProxy = std::make_unique<ApiProxy>(config, std::vector<Tap*>{&harness.recorder()});
        apiProxy->start();
    }

    // The API side first: it feeds the recorder that the harness closes.
    void stop() {
        apiProxy->stop();
        harness.stop();
    }

    std::string login() {
        HttpAnswer a = request(apiProxy->port(), "POST", "/api/v1/user.login", "email=user1%40example.test&password=password",
                               {{"Content-Type", "application/x-www-form-urlencoded"}});
        EXPECT_EQ(a.status, 200) << a.body;
        return stringAt(a.body, "token");
    }

    HttpAnswer connect(const std::string& token) {
        return request(apiProxy->port(), "GET", "/api/v1/rtm.connect", "", {{"Authorization", "Bearer " + token}});
    }

    TestUpstream upstream;
    StubApi api;
    std::shared_ptr<EndpointRoutes> routes;
    ProxyHarness harness;
    std::unique_ptr<ApiProxy> apiProxy;
};

struct ApiRow {
    std::optional<int64_t> session;
    std::string method, path, requestHeaders, requestBody, responseHeaders, responseBody, wsEndpoint, wsToken, error;
    int64_t status = 0, duration = -1;
};

std::vector<ApiRow> apiRows(const ProxyHarness& h) {
    std::vector<ApiRow> rows;
    int64_t n = h.queryInt("SELECT count(*) FROM api_calls");
    for (int64_t id = 1; id <= n; ++id) {
        auto q = [&](const std::string& col) {
            return h.queryText("SELECT coalesce(CAST(" + col + " AS TEXT), '') FROM api_calls WHERE id = " +
                               std::to_string(id));
        };
        ApiRow r;
        if (h.queryInt("SELECT session IS NOT NULL FROM api_calls WHERE id = " + std::to_string(id))) {
            r.session = h.queryInt("SELECT session FROM api_calls WHERE id = " + std::to_string(id));
        }
        r.method = q("method");
        r.path = q("path");
        r.requestHeaders = q("request_headers");
        r.requestBody = q("request_body");
        r.responseHeaders = q("response_headers");
        r.responseBody = q("response_body");
        r.wsEndpoint = q("ws_endpoint");
        r.wsToken = q("ws_token");
        r.error = q("error");
        r.status = h.queryInt("SELECT status FROM api_calls WHERE id = " + std::to_string(id));
        r.duration = h.queryInt("SELECT duration_us FROM api_calls WHERE id = " + std::to_string(id));
        rows.push_back(r);
    }
    return rows;
}

// "ws://127.0.0.1:PORT/target" -> {PORT, "/target"}.
std::pair<uint16_t, std::string> splitWsUrl(const std::string& url) {
    Poco::URI uri(url);
    return {uri.getPort(), uri.getPathEtc()};
}

std::string withoutSignature(const std::string& jwt, const std::string& signature) {
    return jwt.substr(0, jwt.size() - signature.size());
}

TEST(ApiProxy, RequestAndAnswerPassThroughUnchanged) {
    LoginFlow flow;
    std::string body("bin\0ary \xff\x01 body", 15);
    HttpAnswer a = request(flow.apiProxy->port(), "PUT", "/some/path?q=1&r=%20x", body,
                           {{"X-Custom", "value 1"}, {"Content-Type", "application/octet-stream"}});
    ASSERT_EQ(flow.api.seen().size(), 1u);
    SeenRequest seen = flow.api.seen()[0];
    EXPECT_EQ(seen.method, "PUT");
    EXPECT_EQ(seen.uri, "/some/path?q=1&r=%20x");
    EXPECT_EQ(seen.body, body);
    EXPECT_EQ(seen.header("X-Custom"), "value 1");
    EXPECT_EQ(seen.header("Host"), "127.0.0.1:" + flow.api.url().substr(flow.api.url().rfind(':') + 1));
    EXPECT_EQ(a.status, 201);
    EXPECT_EQ(a.reason, "Made It");
    EXPECT_EQ(a.body, body);
    EXPECT_EQ(a.header("X-Echo-Method"), "PUT");
    EXPECT_EQ(a.all("X-Multi"), (std::vector<std::string>{"one", "two"}));
    EXPECT_EQ(a.header("Content-Type"), "application/octet-stream");
    EXPECT_EQ(a.header("Content-Length"), std::to_string(body.size()));
    EXPECT_EQ(a.all("Date"), std::vector<std::string>{kStubDate}) << "the upstream's Date, and only it";

    HttpAnswer refused = request(flow.apiProxy->port(), "POST", "/api/v1/user.login", "email=a&password=wrong",
                                 {{"Content-Type", "application/x-www-form-urlencoded"}});
    EXPECT_EQ(refused.status, 401);
    EXPECT_EQ(refused.body, R"({"meta":{"ok":false,"error":"Unauthorized"}})");
    EXPECT_EQ(refused.header("Content-Type"), "application/json");

    HttpAnswer head = request(flow.apiProxy->port(), "HEAD", "/anything", "", {{"Expect", "100-continue"}});
    EXPECT_EQ(head.status, 200);
    EXPECT_EQ(head.header("Content-Length"), "42");
    EXPECT_EQ(head.header("X-Head"), "yes");
    EXPECT_EQ(head.body, "");
    ASSERT_EQ(flow.api.seen().size(), 3u);
    EXPECT_EQ(flow.api.seen()[2].header("Expect"), "") << "Expect is hop-by-hop: the proxy sends the body at once";

    flow.stop();
    auto rows = apiRows(flow.harness);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].method, "PUT");
    EXPECT_EQ(rows[0].path, "/some/path?q=1&r=%20x");
    EXPECT_EQ(rows[0].status, 201);
    EXPECT_EQ(rows[0].requestBody, body);
    EXPECT_EQ(rows[0].responseBody, body);
    EXPECT_GE(rows[0].duration, 0);
    EXPECT_FALSE(rows[0].session.has_value());
    EXPECT_EQ(rows[1].status, 401);
    EXPECT_EQ(rows[1].requestBody, "email=a&password=[redacted]");
}

TEST(ApiProxy, RequestWithoutLengthHasNoBodyAndTheConnectionStaysOpen) {
    // A browser's CORS preflight: neither Content-Length nor Transfer-Encoding, so no body (RFC
    // 9112 section 6.3). The proxy's own timeout is far above the socket's: an answer that waits
    // for a body until then never arrives here.
    LoginFlow flow("", 60000);
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", flow.apiProxy->port()));
    socket.setReceiveTimeout(Poco::Timespan(10, 0));
    Poco::Net::SocketStream stream(socket);
    stream << "OPTIONS /api/v1/rtm.connect HTTP/1.1\r\nHost: 127.0.0.1\r\nOrigin: http://page.test:8000\r\n"
              "Access-Control-Request-Method: GET\r\nAccess-Control-Request-Headers: authorization,x-custom\r\n\r\n"
           << std::flush;
    HttpAnswer preflight = readAnswer(stream);
    ASSERT_EQ(preflight.status, 200) << preflight.body;
    EXPECT_EQ(preflight.header("Access-Control-Allow-Origin"), "*");
    EXPECT_EQ(preflight.header("Access-Control-Allow-Headers"), "authorization,x-custom");
    EXPECT_EQ(preflight.all("Date"), std::vector<std::string>{kStubDate});
    EXPECT_NE(Poco::icompare(preflight.header("Connection"), "close"), 0) << "the connection must stay open";

    // The same connection carries the next request.
    stream << "GET /next HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n" << std::flush;
    HttpAnswer next = readAnswer(stream);
    EXPECT_EQ(next.status, 201) << next.body;
    EXPECT_EQ(next.header("X-Echo-Method"), "GET");

    ASSERT_EQ(flow.api.seen().size(), 2u);
    EXPECT_EQ(flow.api.seen()[0].method, "OPTIONS");
    EXPECT_EQ(flow.api.seen()[0].header("Content-Length"), "") << "no body is announced where none was";
    EXPECT_EQ(flow.api.seen()[0].header("Access-Control-Request-Headers"), "authorization,x-custom");
    flow.stop();
    auto rows = apiRows(flow.harness);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].method, "OPTIONS");
    EXPECT_EQ(rows[0].status, 200);
    EXPECT_EQ(rows[0].requestBody, "");
}

TEST(ApiProxy, RtmConnectAnswerPointsAtTheProxyAndOnlyThatValueChanges) {
    LoginFlow flow;
    std::string token = flow.login();
    ASSERT_EQ(token, flow.api.loginToken());
    HttpAnswer a = flow.connect(token);
    ASSERT_EQ(a.status, 200) << a.body;
    std::string original = flow.api.connectBody();
    std::string escapedEndpoint = "ws:\\/\\/127.0.0.1:" + std::to_string(flow.upstream.port()) + "\\/ws?v=1";
    std::string rewritten = flow.harness.proxy().listenUrl() + "/_rtmtap/1/ws?v=1";
    std::string expected = original;
    expected.replace(expected.find(escapedEndpoint), escapedEndpoint.size(), rewritten);
    EXPECT_EQ(a.body, expected);
    EXPECT_EQ(a.header("Content-Length"), std::to_string(expected.size()));
    EXPECT_EQ(stringAt(a.body, "rtm.ws_endpoint"), rewritten);
    EXPECT_EQ(stringAt(a.body, "rtm.ws_token"), flow.api.wsToken());

    // A second rtm.connect naming the same endpoint gets the same route.
    EXPECT_EQ(stringAt(flow.connect(token).body, "rtm.ws_endpoint"), rewritten);
    EXPECT_EQ(flow.connect("wrong").status, 401);
}

TEST(ApiProxy, ClientFollowsTheRewrittenEndpointToTheOriginalUpstream) {
    LoginFlow flow;
    HttpAnswer a = flow.connect(flow.login());
    auto [port, target] = splitWsUrl(stringAt(a.body, "rtm.ws_endpoint"));
    ASSERT_EQ(port, flow.harness.port());
    TestClient client(port, target);
    ASSERT_TRUE(client.open()) << client.status() << " " << client.body();
    ASSERT_TRUE(flow.upstream.waitForRequests(1));
    EXPECT_EQ(flow.upstream.requests()[0].uri, "/ws?v=1") << "the upstream must see its own path";
    const std::string auth = R"({"command":"ws_auth","auth_token":")" + flow.api.wsToken() + R"("})";
    client.sendText(auth);
    Received echoed = client.receive();
    ASSERT_TRUE(echoed.isFrame()) << toString(echoed);
    EXPECT_EQ(echoed.frame.payload, auth);
    client.sendClose(1000, "");
    EXPECT_TRUE(client.receiveOpcode(kOpClose).isFrame());
    ASSERT_TRUE(flow.harness.waitForEnds(1));
    flow.stop();

    auto sessions = flow.harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].upstream, flow.upstream.url("/ws?v=1"));
    EXPECT_EQ(sessions[0].path, "/_rtmtap/1/ws?v=1");
    EXPECT_EQ(sessions[0].finger_print, "abcdefghijkl");

    auto rows = apiRows(flow.harness);
    ASSERT_EQ(rows.size(), 2u);
    // user.login: the password and the login token are redacted, the rest is as sent.
    EXPECT_EQ(rows[0].path, "/api/v1/user.login");
    EXPECT_EQ(rows[0].requestBody, "email=user1%40example.test&password=[redacted]");
    EXPECT_EQ(rows[0].responseBody.find(kLoginSignature), std::string::npos) << rows[0].responseBody;
    EXPECT_NE(rows[0].responseBody.find(withoutSignature(flow.api.loginToken(), kLoginSignature) + "\""),
              std::string::npos)
        << rows[0].responseBody;
    EXPECT_NE(rows[0].responseHeaders.find(R"("Set-Cookie":"[redacted]")"), std::string::npos) << rows[0].responseHeaders;
    EXPECT_EQ(rows[0].responseHeaders.find("secret-cookie"), std::string::npos);
    EXPECT_FALSE(rows[0].session.has_value());
    // rtm.connect: bearer and ws_token redacted, the original endpoint kept, linked to the session.
    EXPECT_EQ(rows[1].path, "/api/v1/rtm.connect");
    EXPECT_NE(rows[1].requestHeaders.find(R"("Authorization":"[redacted]")"), std::string::npos) << rows[1].requestHeaders;
    EXPECT_EQ(rows[1].responseBody.find(kWsSignature), std::string::npos) << rows[1].responseBody;
    EXPECT_NE(rows[1].responseBody.find("/_rtmtap/1/ws?v=1"), std::string::npos) << "stored as the client got it";
    EXPECT_EQ(rows[1].wsEndpoint, flow.upstream.url("/ws?v=1"));
    EXPECT_EQ(rows[1].wsToken, withoutSignature(flow.api.wsToken(), kWsSignature));
    ASSERT_TRUE(rows[1].session.has_value());
    EXPECT_EQ(*rows[1].session, sessions[0].id);
    EXPECT_EQ(flow.harness.queryInt("SELECT count(*) FROM v_api_calls WHERE session = " + std::to_string(sessions[0].id)),
              1);
}

TEST(ApiProxy, LinkIsSetWhenTheSessionIsWrittenFirst) {
    // The recorder alone: a session authenticates with a token, then the API call that issued
    // it is written (the order a recorder queue could see if the API record came late).
    TempDir dir;
    const std::string token = makeJwt(kClaims, kWsSignature);
    {
        RecorderOptions options;
        options.dbPath = dir.file("r.db");
        Recorder recorder(options);
        SessionInfo info;
        info.id = 7;
        recorder.onSessionStart(info);
        Message m;
        m.session = 7;
        m.seq = 1;
        m.payload = R"({"command":"ws_auth","auth_token":")" + token + R"("})";
        recorder.onMessage(m);
        ApiExchange x;
        x.method = "GET";
        x.path = "/api/v1/rtm.connect?token=secret";
        x.status = 200;
        x.response_body = R"({"rtm":{"ws_endpoint":"ws://h:1","ws_token":")" + token + R"("}})";
        recorder.onApiExchange(x);
    }
    Database db(dir.file("r.db"), Database::Mode::ReadOnly);
    EXPECT_EQ(db.queryInt("SELECT session FROM api_calls"), 7);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM api_calls WHERE path = '/api/v1/rtm.connect?token=[redacted]'"), 1);
}

// The recorder alone, as the web client's calls reach it: login, rtm.connect, the session, then
// calls made while the session is open, each after its CORS preflight.
class OpenSessionCalls {
public:
    explicit OpenSessionCalls(const std::string& path) : options_(optionsFor(path)), recorder_(options_) {}

    ApiExchange call(const std::string& method, const std::string& path, const std::string& body = "") {
        ApiExchange x;
        x.started_wall_us = ++now_;
        x.client = "127.0.0.1:" + std::to_string(40000 + ++calls_);  // a new connection each time
        x.method = method;
        x.path = path;
        x.status = 200;
        x.request_body = body;
        if (method != "OPTIONS") {
            x.request_headers = {{"Authorization", "Bearer " + loginToken}};
        }
        return x;
    }
    void send(const ApiExchange& x) { recorder_.onApiExchange(x); }
    // A session that authenticates with a ws_token an rtm.connect of this login issued.
    void openSession(int64_t id, const std::string& claims) {
        ApiExchange connect = call("GET", "/api/v1/rtm.connect");
        const std::string token = makeJwt(claims, kWsSignature);
        connect.response_body = R"({"rtm":{"ws_endpoint":"ws://h:1","ws_token":")" + token + R"("}})";
        send(connect);
        SessionInfo info;
        info.id = id;
        info.started_wall_us = ++now_;
        recorder_.onSessionStart(info);
        Message m;
        m.session = id;
        m.seq = 1;
        m.payload = R"({"command":"ws_auth","auth_token":")" + token + R"("})";
        recorder_.onMessage(m);
    }
    void endSession(int64_t id) {
        SessionEnd end;
        end.id = id;
        end.ended_wall_us = ++now_;
        recorder_.onSessionEnd(end);
    }

    const std::string loginToken = makeJwt(R"({"user_id":91010001})", kLoginSignature);

private:
    static RecorderOptions optionsFor(const std::string& path) {
        RecorderOptions options;
        options.dbPath = path;
        return options;
    }
    RecorderOptions options_;
    Recorder recorder_;
    int64_t now_ = 1'700'000'000'000'000;
    int calls_ = 0;
};

TEST(ApiProxy, CallsMadeWhileASessionIsOpenAndTheirPreflightsAreLinkedToIt) {
    TempDir dir;
    const std::string second = R"({"user_id":91010001,"finger_print":"zyxwvutsrqpo"})";
    {
        OpenSessionCalls calls(dir.file("r.db"));
        calls.send(calls.call("GET", "/api/v1/channel.list"));  // before any session: its login only
        calls.openSession(3, kClaims);                            // finger print abcdefghijkl
        calls.openSession(4, second);                             // the same login in a second tab
        calls.send(calls.call("OPTIONS", "/api/v1/system.ping"));
        calls.send(calls.call("POST", "/api/v1/system.ping", "finger_print=abcdefghijkl&ping_token=p1"));
        calls.send(calls.call("OPTIONS", "/api/v1/channel.history?channel_id=1"));
        calls.send(calls.call("GET", "/api/v1/channel.history?channel_id=1"));
        calls.send(calls.call("OPTIONS", "/api/v1/other"));  // no request follows it
        calls.endSession(4);
        calls.send(calls.call("POST", "/api/v1/system.ping", "finger_print=zyxwvutsrqpo&ping_token=p2"));
        calls.endSession(3);
        calls.send(calls.call("POST", "/api/v1/user.logout"));
    }
    Database db(dir.file("r.db"), Database::Mode::ReadOnly);
    auto sessionOf = [&](const std::string& where) {
        return db.queryInt("SELECT coalesce(session, 0) FROM api_calls WHERE " + where);
    };
    EXPECT_EQ(sessionOf("path = '/api/v1/channel.list'"), 0) << "the login part joins through v_session_api";
    EXPECT_EQ(sessionOf("method = 'POST' AND path = '/api/v1/system.ping' AND CAST(request_body AS TEXT) LIKE '%p1'"), 3)
        << "the finger print picks the tab";
    EXPECT_EQ(sessionOf("method = 'OPTIONS' AND path = '/api/v1/system.ping'"), 3);
    EXPECT_EQ(sessionOf("method = 'GET' AND path LIKE '/api/v1/channel.history%'"), 4) << "no finger print: the latest";
    EXPECT_EQ(sessionOf("method = 'OPTIONS' AND path LIKE '/api/v1/channel.history%'"), 4);
    EXPECT_EQ(sessionOf("path = '/api/v1/other'"), 0);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM api_calls WHERE path = '/api/v1/other' AND login_key IS NULL"), 1);
    EXPECT_EQ(sessionOf("CAST(request_body AS TEXT) LIKE '%p2'"), 3) << "session 4 had ended: the one still open";
    EXPECT_EQ(sessionOf("path = '/api/v1/user.logout'"), 0) << "after every session ended";
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM v_session_api WHERE session = 3"), 5)
        << "the login (channel.list, its rtm.connect) and the calls made while it was open";
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM v_session_api WHERE session = 4 AND path = '/api/v1/channel.list'"), 1);
}

TEST(ApiProxy, UpstreamOptionWinsOverTheRoutesButThePrefixIsStripped) {
    TestUpstream other;
    LoginFlow flow(other.url());
    auto [port, target] = splitWsUrl(stringAt(flow.connect(flow.login()).body, "rtm.ws_endpoint"));
    TestClient client(port, target);
    ASSERT_TRUE(client.open()) << client.status() << " " << client.body();
    ASSERT_TRUE(other.waitForRequests(1));
    EXPECT_EQ(other.requests()[0].uri, "/ws?v=1");
    EXPECT_EQ(flow.upstream.requestCount(), 0u);
    // Without the prefix the client goes to --upstream too.
    TestClient plain(port, "/plain");
    ASSERT_TRUE(plain.open()) << plain.status() << " " << plain.body();
    ASSERT_TRUE(other.waitForRequests(2));
    EXPECT_EQ(other.requests()[1].uri, "/plain");
}

TEST(ApiProxy, WebSocketClientWithoutRouteGets502WhenThereIsNoUpstream) {
    LoginFlow flow;
    TestClient plain(flow.harness.port(), "/ws");
    EXPECT_FALSE(plain.open());
    EXPECT_EQ(plain.status(), 502);
    EXPECT_NE(plain.body().find("rtm.connect"), std::string::npos) << plain.body();
    EXPECT_EQ(plain.body().find('\n'), plain.body().size() - 1) << "one line: " << plain.body();
    TestClient unknown(flow.harness.port(), "/_rtmtap/99/ws");
    EXPECT_FALSE(unknown.open());
    EXPECT_EQ(unknown.status(), 502);
    EXPECT_NE(unknown.body().find("route 99"), std::string::npos) << unknown.body();
    EXPECT_EQ(flow.upstream.requestCount(), 0u);
    ASSERT_TRUE(flow.harness.waitForEnds(2));
    flow.stop();
    auto sessions = flow.harness.sessions();
    ASSERT_EQ(sessions.size(), 2u);
    EXPECT_EQ(sessions[0].http_status, 502);
    EXPECT_FALSE(sessions[0].error.empty());
}

TEST(ApiProxy, MalformedRtmConnectAnswerPassesThroughUnchanged) {
    LoginFlow flow;
    HttpAnswer a = request(flow.apiProxy->port(), "GET", "/broken/rtm.connect");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.body, R"({"rtm":{"ws_endpoint":"ws://127.0.0.1:1/ws")");
    flow.stop();
    auto rows = apiRows(flow.harness);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].wsEndpoint, "");
    EXPECT_EQ(rows[0].responseBody, a.body);
}

TEST(ApiProxy, UnreachableApiUpstreamGives502AndARecord) {
    uint16_t closedPort = 0;
    {
        Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
        closedPort = s.address().port();
    }
    TestUpstream upstream;
    ProxyHarness harness(upstream.url());
    ApiProxyConfig config;
    config.listenPort = 0;
    config.upstream = "http://127.0.0.1:" + std::to_string(closedPort);
    config.timeoutMs = 5000;
    ApiProxy api(config, {&harness.recorder()});
    api.start();
    HttpAnswer a = request(api.port(), "GET", "/api/v1/rtm.connect");
    EXPECT_EQ(a.status, 502);
    EXPECT_NE(a.body.find("cannot reach API upstream"), std::string::npos) << a.body;
    EXPECT_EQ(a.body.find('\n'), a.body.size() - 1) << a.body;
    EXPECT_EQ(a.all("Date").size(), 1u) << "rtmtap's own answer keeps POCO's Date";
    api.stop();
    harness.stop();
    auto rows = apiRows(harness);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].status, 502);
    EXPECT_NE(rows[0].error.find("cannot reach"), std::string::npos) << rows[0].error;
}

TEST(ApiProxy, BadConfigIsRefusedWithOneLine) {
    for (const std::string url : {"ftp://h:1", "http://", "http://h:1/x?y=1", "not a url"}) {
        ApiProxyConfig config;
        config.upstream = url;
        try {
            ApiProxy api(config, {});
            ADD_FAILURE() << "accepted " << url;
        } catch (const std::invalid_argument& e) {
            EXPECT_NE(std::string(e.what()).find("--api-upstream"), std::string::npos) << e.what();
        }
    }
    ProxyConfig noUpstream;
    EXPECT_THROW(Proxy(noUpstream, {}), std::invalid_argument) << "no --upstream and no routes";
}

TEST(ApiProxy, VersionOneDatabaseIsMigrated) {
    TempDir dir;
    const std::string path = dir.file("v1.db");
    {
        // A database as version 1 left it: the current schema without what versions 2 and 3 added.
        RecorderOptions options;
        options.dbPath = path;
        Recorder recorder(options);
        SessionInfo info;
        info.id = 1;
        info.client = "old";
        recorder.onSessionStart(info);
    }
    {
        Database db(path, Database::Mode::ReadWriteCreate);
        db.exec("DROP TABLE frame_blocks; DROP TABLE frames_fts; DELETE FROM meta WHERE key = 'text_indexed_upto'; "
                "DROP VIEW v_session_api; DROP VIEW v_api_calls; DROP TABLE api_calls; DROP INDEX sessions_by_auth_token; "
                "DROP VIEW v_findings; DROP TABLE findings; DROP VIEW v_gaps; DROP TABLE gaps; DROP TABLE rule_counts; DROP VIEW v_sessions; DROP VIEW v_frames; ALTER TABLE frames DROP COLUMN edit_of; "
                "ALTER TABLE sessions DROP COLUMN label; ALTER TABLE sessions DROP COLUMN replay_of; "
                "ALTER TABLE sessions DROP COLUMN derived_from; PRAGMA user_version = 1");
    }
    {
        RecorderOptions options;
        options.dbPath = path;
        Recorder recorder(options);
        EXPECT_EQ(recorder.nextSessionId(), 2);
        ApiExchange x;
        x.method = "GET";
        x.path = "/x";
        recorder.onApiExchange(x);
    }
    Database db(path, Database::Mode::ReadOnly);
    EXPECT_EQ(db.queryInt("PRAGMA user_version"), Schema::kVersion);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM sessions WHERE client = 'old'"), 1);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM v_api_calls WHERE path = '/x'"), 1);
    EXPECT_EQ(db.queryInt("SELECT count(*) FROM pragma_integrity_check WHERE integrity_check = 'ok'"), 1);
}

}  // namespace
}  // namespace rtmtap::test
