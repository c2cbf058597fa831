#include "ClientRoute.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <stdexcept>

namespace rtmtap::test {
namespace {

Poco::Timespan millis(int ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

}  // namespace

// POCO's own CONNECT (proxyConnect) is only used by HTTPSClientSession: a plain ws:// client
// through CONNECT has to send it itself.
Poco::Net::StreamSocket openTunnel(uint16_t proxyPort, const std::string& authority, int timeoutMs) {
    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", proxyPort), millis(timeoutMs));
    socket.setReceiveTimeout(millis(timeoutMs));
    const std::string request = "CONNECT " + authority + " HTTP/1.1\r\nHost: " + authority + "\r\n\r\n";
    socket.sendBytes(request.data(), static_cast<int>(request.size()));
    std::string head;
    char c = 0;
    // Byte by byte: nothing after the head may be read, it belongs to the tunnel.
    while (head.find("\r\n\r\n") == std::string::npos && socket.receiveBytes(&c, 1) == 1) {
        head += c;
    }
    if (head.rfind("HTTP/1.1 200", 0) != 0) {
        throw std::runtime_error("CONNECT " + authority + " was answered '" + head.substr(0, head.find("\r\n")) + "'");
    }
    return socket;
}

std::vector<Route> allRoutes() {
    return {Route::Reverse, Route::AbsoluteForm, Route::Connect};
}

std::string routeName(Route route) {
    switch (route) {
        case Route::Reverse:
            return "Reverse";
        case Route::AbsoluteForm:
            return "AbsoluteForm";
        case Route::Connect:
            return "Connect";
    }
    return "?";
}

std::string ClientRoute::hostHeader() const {
    if (route == Route::Reverse) {
        return "127.0.0.1:" + std::to_string(proxyPort);
    }
    return originHost + ":" + std::to_string(originPort);
}

std::unique_ptr<Poco::Net::HTTPClientSession> ClientRoute::session(int timeoutMs) const {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    switch (route) {
        case Route::Reverse:
            session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", proxyPort);
            break;
        case Route::AbsoluteForm:
            // POCO then sends "GET http://origin:port/target": the absolute-form of a configured proxy.
            session = std::make_unique<Poco::Net::HTTPClientSession>(originHost, originPort);
            session->setProxy("127.0.0.1", proxyPort);
            break;
        case Route::Connect:
            session = std::make_unique<Poco::Net::HTTPClientSession>(openTunnel(proxyPort, hostHeader(), timeoutMs));
            break;
    }
    session->setTimeout(millis(timeoutMs));
    return session;
}

}  // namespace rtmtap::test
