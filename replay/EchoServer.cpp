#include "EchoServer.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>

namespace rtmtap {
namespace {

class EchoHandler : public Poco::Net::HTTPRequestHandler {
public:
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        try {
            Poco::Net::WebSocket ws(request, response);
            ws.setReceiveTimeout(Poco::Timespan(3600, 0));
            Poco::Buffer<char> buffer(0);
            for (;;) {
                int flags = 0;
                buffer.resize(0);
                int n = ws.receiveFrame(buffer, flags);
                int op = flags & Poco::Net::WebSocket::FRAME_OP_BITMASK;
                if (n == 0 && flags == 0) {
                    return;  // the peer dropped the connection
                }
                if (op == Poco::Net::WebSocket::FRAME_OP_CLOSE) {
                    ws.sendFrame(buffer.begin(), static_cast<int>(buffer.size()), flags);
                    return;
                }
                if (op == Poco::Net::WebSocket::FRAME_OP_PING) {
                    ws.sendFrame(buffer.begin(), static_cast<int>(buffer.size()),
                                 Poco::Net::WebSocket::FRAME_FLAG_FIN | Poco::Net::WebSocket::FRAME_OP_PONG);
                    continue;
                }
                if (op == Poco::Net::WebSocket::FRAME_OP_TEXT || op == Poco::Net::WebSocket::FRAME_OP_BINARY) {
                    ws.sendFrame(buffer.begin(), static_cast<int>(buffer.size()), flags);
                }
            }
        } catch (const Poco::Exception&) {
            // A plain HTTP request or a broken peer: nothing to echo.
            if (!response.sent()) {
                response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
                response.setContentLength(0);
                response.send();
            }
        }
    }
};

class EchoFactory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new EchoHandler;
    }
};

}  // namespace

EchoServer::EchoServer(const std::string& host, uint16_t port) : host_(host) {
    Poco::Net::ServerSocket socket;
    socket.bind(Poco::Net::SocketAddress(host, port), true, false);  // no SO_REUSEPORT: a taken port fails
    socket.listen(64);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(64);
    params->setMaxQueued(64);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new EchoFactory, socket, params);
    server_->start();
}

EchoServer::~EchoServer() {
    server_->stopAll(true);
}

std::string EchoServer::url() const {
    return "ws://" + host_ + ":" + std::to_string(port_);
}

}  // namespace rtmtap
