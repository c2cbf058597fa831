#pragma once
// rtmtap ui's server: the page (ui/web, compiled in) and the JSON API (UiApi) on one port,
// behind UiAccess, on proxy/HttpService (POCO's HTTPServer).
#include "UiAccess.h"
#include "UiApi.h"

#include "proxy/HttpService.h"

#include <cstdint>
#include <memory>
#include <string>

namespace rtmtap::ui {

struct UiConfig {
    std::string db;               // made absolute by the caller
    std::string host = "127.0.0.1";
    uint16_t port = 8090;         // 0: any free port
    std::string version;
    int threads = 32;             // each open /api/tail stream holds one
    int tailPollMs = 250;
};

class UiServer {
public:
    // Binds (throws std::runtime_error with one line when it cannot). Off loopback, makes the token.
    explicit UiServer(const UiConfig& config);
    ~UiServer();

    void start();
    void stop();
    uint16_t port() const { return service_->port(); }
    // http://HOST:PORT/ with ?token=... when one is needed: what to open.
    std::string url() const;
    bool needsToken() const { return !token_.empty(); }

private:
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void serveFile(const std::string& path, Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    UiConfig config_;
    std::string token_;
    UiAccess access_;
    std::unique_ptr<UiApi> api_;
    std::unique_ptr<HttpService> service_;
};

}  // namespace rtmtap::ui
