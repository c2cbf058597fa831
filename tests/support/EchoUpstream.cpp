#include "EchoUpstream.h"

#include "TestServerSocket.h"

#include <Poco/Buffer.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/SecureServerSocket.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/ThreadPool.h>

#include <sys/socket.h>

namespace rtmtap::test {

using Poco::Net::WebSocket;

class EchoUpstream::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(EchoUpstream& server) : server_(server) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        try {
            WebSocket ws(request, response);
            server_.connections_++;
            server_.track(&ws, true);
            try {
                server_.serve(ws);
            } catch (...) {
                // A dropped peer ends the echo loop; nothing to report.
            }
            server_.track(&ws, false);
        } catch (...) {
            // Not a WebSocket upgrade: POCO has already answered 400.
        }
    }

private:
    EchoUpstream& server_;
};

class EchoUpstream::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(EchoUpstream& server) : server_(server) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(server_);
    }

private:
    EchoUpstream& server_;
};

EchoUpstream::EchoUpstream() : EchoUpstream(Options{}) {}

EchoUpstream::EchoUpstream(Options options) : options_(std::move(options)) {
    std::unique_ptr<Poco::Net::ServerSocket> socket = testServerSocket(options_.tlsCert, options_.tlsKey);
    port_ = socket->address().port();
    pool_ = std::make_unique<Poco::ThreadPool>(2, options_.threads + 2);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.threads);
    params->setMaxQueued(64);
    params->setKeepAlive(false);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, *socket, params);
    server_->start();
}

EchoUpstream::~EchoUpstream() {
    stop();
}

std::string EchoUpstream::url(const std::string& path, const std::string& host) const {
    std::string scheme = options_.tlsCert.empty() ? "ws://" : "wss://";
    return scheme + host + ":" + std::to_string(port_) + path;
}

void EchoUpstream::serve(WebSocket& ws) {
    ws.setMaxPayloadSize(64 << 20);
    Poco::Buffer<char> buffer(0);
    for (;;) {
        int flags = 0;
        buffer.resize(0);
        int n = ws.receiveFrame(buffer, flags);
        if (n == 0 && flags == 0) {
            return;  // the peer closed TCP
        }
        int opcode = flags & WebSocket::FRAME_OP_BITMASK;
        if (opcode == WebSocket::FRAME_OP_CLOSE) {
            ws.sendFrame(buffer.begin(), n, flags);
            return;
        }
        if (opcode == WebSocket::FRAME_OP_TEXT || opcode == WebSocket::FRAME_OP_BINARY ||
            opcode == WebSocket::FRAME_OP_CONT) {
            ws.sendFrame(buffer.begin(), n, flags);
            echoed_++;
        }
    }
}

void EchoUpstream::track(WebSocket* ws, bool add) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!add) {
        live_.erase(ws);
        return;
    }
    live_.insert(ws);
    if (stopped_) {
        ::shutdown(ws->impl()->sockfd(), SHUT_RDWR);
    }
}

void EchoUpstream::stop() {
    if (!server_) {
        return;
    }
    server_->stop();
    {
        // A raw shutdown wakes a handler blocked in a read without touching its TLS state
        // from this thread (OpenSSL objects are not safe to share between threads).
        std::lock_guard<std::mutex> lock(mutex_);
        stopped_ = true;
        for (WebSocket* ws : live_) {
            ::shutdown(ws->impl()->sockfd(), SHUT_RDWR);
        }
    }
    pool_->joinAll();
    server_.reset();
}

}  // namespace rtmtap::test
