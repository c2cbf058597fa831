#pragma once
// A WebSocket server that echoes every message: the embedded upstream `rtmtap proxy` and
// `rtmtap demo` use when no real RTM endpoint is given. Built on POCO's HTTPServer and
// WebSocket, so it is also an independent peer for the proxy's own framing.
#include <Poco/Net/HTTPServer.h>

#include <cstdint>
#include <memory>
#include <string>

namespace rtmtap {

class EchoServer {
public:
    // Listens on host:port (0 = any free port) and serves at once.
    EchoServer(const std::string& host, uint16_t port);
    ~EchoServer();
    uint16_t port() const { return port_; }
    std::string url() const;

private:
    std::string host_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::Net::HTTPServer> server_;
};

}  // namespace rtmtap
