#pragma once
// How a test's WebSocket client reaches the server through rtmtap: the reverse mode (rtmtap is the
// server the client names) or the regular mode (rtmtap is the client's HTTP proxy), where the
// upgrade comes either in absolute-form (what POCO's HTTPClientSession::setProxy sends for ws://)
// or inside a CONNECT tunnel (RFC 6455 section 4.1). Suites run their tests in each of them.
#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include <Poco/Net/StreamSocket.h>

namespace Poco::Net {
class HTTPClientSession;
}

namespace rtmtap::test {

enum class Route { Reverse, AbsoluteForm, Connect };

// CONNECT authority on a fresh connection to the proxy at 127.0.0.1:proxyPort; the socket is left
// right after the answer's head, as a client's TLS or HTTP would find it. std::runtime_error
// (naming the answer's status line) when the answer is not 200.
Poco::Net::StreamSocket openTunnel(uint16_t proxyPort, const std::string& authority, int timeoutMs);

// Every route, for ::testing::ValuesIn.
std::vector<Route> allRoutes();
// "Reverse", "AbsoluteForm", "Connect": for INSTANTIATE_TEST_SUITE_P's names and messages.
std::string routeName(Route route);

struct ClientRoute {
    Route route = Route::Reverse;
    uint16_t proxyPort = 0;  // rtmtap's port on 127.0.0.1: the client always connects there
    // The server the client names (regular mode only): what the proxy is asked to reach.
    std::string originHost;
    uint16_t originPort = 0;

    // A session whose next request goes the route's way: in Connect, the tunnel is already open
    // (its CONNECT answered 200, else std::runtime_error). The caller sets the request's Host
    // with hostHeader(): a session made on a tunnel socket knows no host of its own.
    std::unique_ptr<Poco::Net::HTTPClientSession> session(int timeoutMs) const;
    std::string hostHeader() const;  // "originHost:originPort", or 127.0.0.1:proxyPort when Reverse
};

}  // namespace rtmtap::test
