#pragma once
// The HTTP API side of the proxy (`rtmtap proxy --api-listen --api-upstream`): forwards every
// request to the API upstream and its answer back (status, headers and body; hop-by-hop headers
// excepted), and rewrites the ws_endpoint of rtm.connect answers to the proxy's own WebSocket
// address (EndpointRoutes), so that a client configured with only the API address is proxied
// unchanged. Each exchange is announced to the taps (Tap::onApiExchange) for the recorder.
// Runs on POCO's HTTPServer with its own thread pool; independent of the WebSocket relay.
#include "protocol/Clock.h"
#include "protocol/Tap.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rtmtap {

class EndpointRoutes;

struct ApiProxyConfig {
    std::string listenHost = "127.0.0.1";
    uint16_t listenPort = 8081;     // 0: pick a free port (see ApiProxy::port())
    std::string upstream;           // http://host[:port][/base] or https://...
    bool insecure = false;          // https upstream: skip certificate verification
    std::string caFile;             // https upstream: trust these CAs instead of the system's
    // The proxy's WebSocket URL (Proxy::listenUrl()) that rtm.connect answers are pointed at.
    // When its host is a wildcard (0.0.0.0, ::), the host the client used for the API is put in.
    std::string wsUrl;
    std::shared_ptr<EndpointRoutes> routes;  // shared with the WebSocket proxy's ProxyConfig
    size_t maxBody = 16u << 20;     // larger request bodies get 413, larger answers 502
    int timeoutMs = 30000;          // upstream connect and each read: 504 when it passes
    int threads = 16;               // requests served at once
};

class ApiProxy {
public:
    // Validates the config (bad upstream URL, unreadable CA file: std::invalid_argument with a
    // one-line reason). Taps are not owned and must outlive the proxy.
    ApiProxy(ApiProxyConfig config, std::vector<Tap*> taps, Clock& clock = Clock::system());
    ~ApiProxy();  // stop()
    ApiProxy(const ApiProxy&) = delete;
    ApiProxy& operator=(const ApiProxy&) = delete;

    // Binds and starts serving. Throws std::runtime_error ("port in use" etc.) on failure.
    void start();
    uint16_t port() const;
    std::string listenUrl() const;  // http://127.0.0.1:8081
    // Stops accepting and waits for the requests in progress. Idempotent.
    void stop();

private:
    class Impl;
    std::unique_ptr<Impl> impl_;
};

}  // namespace rtmtap
