#pragma once
// A stand-in for the AirSend HTTP API on 127.0.0.1 (port 0), just enough for client tests:
// POST /api/v1/user.login and GET /api/v1/rtm.connect, with one user and scriptable answers.
// It records every request (with its body) for the test to check. With pagesDir it also serves
// that folder's pages (GET /NAME.html, /NAME.js), so a browser page and the API share an origin.
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
}  // namespace Poco::Net

namespace rtmtap::test {

struct ApiRequest {
    std::string method;
    std::string uri;
    std::string contentType;
    std::string authorization;  // "" when absent
    std::string body;
};

class FakeAirSendApi {
public:
    struct Options {
        std::string user = "user1@example.test";
        std::string password = "password";
        std::string bearer = "bearer-token-1";     // user.login's token, required by rtm.connect
        std::string wsEndpoint = "ws://127.0.0.1:1";
        std::string wsToken = "ws-token-1";
        std::optional<std::string> rtmConnectBody;  // replaces rtm.connect's 200 answer when set
        std::string tlsCert, tlsKey;                // both set: serve https:// (tests/data/server.pem)
        std::string pagesDir;                       // set: also serve its *.html and *.js files
    };

    explicit FakeAirSendApi(Options options);
    ~FakeAirSendApi();
    FakeAirSendApi(const FakeAirSendApi&) = delete;
    FakeAirSendApi& operator=(const FakeAirSendApi&) = delete;

    uint16_t port() const { return port_; }
    std::string url() const;  // http://127.0.0.1:PORT (https:// with TLS)
    std::vector<ApiRequest> requests() const;

private:
    class Handler;
    class Factory;
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    std::pair<int, std::string> answer(const ApiRequest& r) const;
    bool servePage(const ApiRequest& r, Poco::Net::HTTPServerResponse& response) const;

    Options options_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    mutable std::mutex mutex_;
    std::vector<ApiRequest> requests_;
};

}  // namespace rtmtap::test
