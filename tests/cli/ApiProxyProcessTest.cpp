// `rtmtap proxy --api-upstream`: the real binary forwards the HTTP API, rewrites rtm.connect to
// its own WebSocket address, relays the session to the endpoint the answer named and records both.
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestUpstream.h"

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
#include <Poco/StreamCopier.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>
#include <signal.h>
#include <sqlite3.h>

#include <algorithm>
#include <fstream>
#include <regex>

namespace rtmtap::test {
namespace {

// Answers every request with an rtm.connect body naming endpoint.
class ConnectApi {
public:
    explicit ConnectApi(std::string endpoint) : endpoint_(std::move(endpoint)) {
        Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
        port_ = socket.address().port();
        server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(endpoint_), pool_, socket,
                                                          new Poco::Net::HTTPServerParams);
        server_->start();
    }
    ~ConnectApi() {
        server_->stopAll(true);
        pool_.joinAll();
    }
    std::string url() const { return "http://127.0.0.1:" + std::to_string(port_); }

private:
    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(const std::string& endpoint) : endpoint_(endpoint) {}
        void handleRequest(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse& resp) override {
            std::string body = "{\n    \"meta\": {\"ok\": true},\n    \"rtm\": {\"ws_endpoint\": \"" + endpoint_ +
                               "\", \"ws_token\": \"a.b.c\"}\n}";
            resp.setContentType("application/json");
            resp.sendBuffer(body.data(), body.size());
        }

    private:
        std::string endpoint_;
    };
    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(const std::string& endpoint) : endpoint_(endpoint) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(endpoint_);
        }

    private:
        std::string endpoint_;
    };

    std::string endpoint_;
    uint16_t port_ = 0;
    Poco::ThreadPool pool_{1, 4};
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

int64_t count(const std::string& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    int64_t n = -1;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        n = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return n;
}

TEST(ApiProxyProcess, LoginFlowThroughTheBinaryIsRelayedAndRecorded) {
    TestUpstream upstream;
    ConnectApi api(upstream.url("/rtm"));
    TempDir dir;
    const std::string db = dir.file("api.db");
    Process proxy({"proxy", "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0", "--api-upstream", api.url(),
                   "--db", db});
    uint16_t wsPort = proxy.waitForListening(30000);
    ASSERT_NE(wsPort, 0) << proxy.err();
    std::smatch m;
    std::string line = proxy.listeningLine();
    ASSERT_TRUE(std::regex_search(line, m, std::regex(R"(API http://127\.0\.0\.1:(\d+) -> )"))) << line;
    EXPECT_NE(line.find("rtm.connect"), std::string::npos) << line;
    uint16_t apiPort = static_cast<uint16_t>(std::stoi(m.str(1)));

    Poco::Net::HTTPClientSession session("127.0.0.1", apiPort);
    Poco::Net::HTTPRequest req("GET", "/api/v1/rtm.connect", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(req);
    Poco::Net::HTTPResponse resp;
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    const std::string rewritten = "ws://127.0.0.1:" + std::to_string(wsPort) + "/_rtmtap/1/rtm";
    EXPECT_NE(body.find("\"ws_endpoint\": \"" + rewritten + "\""), std::string::npos) << body;

    TestClient client(wsPort, "/_rtmtap/1/rtm");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.body();
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].uri, "/rtm");
    client.sendClose(1000, "");
    client.receive();

    proxy.signal(SIGINT);
    ExitStatus s = proxy.waitExit(20000);
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << " " << proxy.err();
    EXPECT_EQ(count(db, "SELECT count(*) FROM api_calls WHERE path = '/api/v1/rtm.connect' AND status = 200 "
                        "AND ws_endpoint = '" + upstream.url("/rtm") + "'"),
              1);
    EXPECT_EQ(count(db, "SELECT count(*) FROM sessions WHERE upstream = '" + upstream.url("/rtm") + "'"), 1);
}

TEST(ApiProxyProcess, BadApiOptionsAreOneLineErrors) {
    TempDir dir;
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases = {
        // Without --upstream either, --api-listen is where the embedded simulator's API is proxied.
        {{"proxy", "--upstream", "ws://127.0.0.1:1", "--api-listen", "127.0.0.1:0"}, "--api-listen needs --api-upstream"},
        {{"proxy", "--api-upstream", "ftp://h:1"}, "http:// or https://"},
        {{"proxy", "--api-upstream", "http://127.0.0.1:1", "--api-listen", "nope"}, "invalid --api-listen"},
    };
    for (const Case& c : cases) {
        std::vector<std::string> args = c.args;
        args.insert(args.end(), {"--listen", "127.0.0.1:0", "--db", dir.file("x.db")});
        std::string out, err;
        ExitStatus s = Process::run(args, out, err);
        EXPECT_TRUE(s.exited && s.code == 2) << s.describe() << " " << err;
        EXPECT_NE(err.find(c.says), std::string::npos) << err;
        EXPECT_EQ(std::count(err.begin(), err.end(), '\n'), 1) << err;
    }
    EXPECT_FALSE(std::ifstream(dir.file("x.db"))) << "a bad option must not create the database";
}

}  // namespace
}  // namespace rtmtap::test
