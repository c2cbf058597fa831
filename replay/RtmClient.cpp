#include "RtmClient.h"

#include "AirSendApi.h"

#include "protocol/Clock.h"
#include "protocol/JsonText.h"
#include "protocol/CloseFrame.h"

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/WebSocket.h>

#include <chrono>
#include <csignal>
#include <mutex>

namespace rtmtap {
namespace {

using Poco::Net::WebSocket;

constexpr size_t kMaxControlPayload = 125;  // RFC 6455 5.5

}  // namespace

RtmClient::RtmClient(RtmClientOptions options) : options_(std::move(options)) {
    std::signal(SIGPIPE, SIG_IGN);  // a server that went away must be an error, not a signal
}

RtmClient::~RtmClient() {
    try {
        close();
    } catch (...) {
        // A destructor must not throw; the connection is gone either way.
    }
}

std::string RtmClient::login(const std::string& api, const std::string& user, const std::string& password) {
    return AirSendApi(options_).login(api, user, password);
}

RtmEndpoint RtmClient::rtmConnect(const std::string& api, const std::string& token) {
    return AirSendApi(options_).rtmConnect(api, token);
}

void RtmClient::connect(const std::string& wsUrl, const std::string& wsToken, FrameHandler onFrame) {
    if (ws_) {
        throw RtmClientError("connect: already connected");
    }
    std::string path;
    wsSession_ = AirSendApi::session(wsUrl, options_, path);
    tls_ = dynamic_cast<Poco::Net::HTTPSClientSession*>(wsSession_.get()) != nullptr;
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path.empty() ? "/" : path,
                                   Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("User-Agent", options_.userAgent);
    Poco::Net::HTTPResponse response;
    try {
        ws_ = std::make_unique<WebSocket>(*wsSession_, request, response);
    } catch (const Poco::Net::WebSocketException& e) {
        throw RtmClientError("WebSocket upgrade refused by " + wsUrl + ": " + std::to_string(response.getStatus()) +
                             " " + response.getReason());
    } catch (const Poco::Exception& e) {
        throw RtmClientError("cannot connect to " + wsUrl + ": " + e.displayText());
    }
    ws_->setMaxPayloadSize(64 << 20);
    ws_->setReceiveTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options_.timeoutMs) * 1000));
    onFrame_ = std::move(onFrame);
    startUs_ = Clock::system().monotonicUs();
    // The server drops a connection whose first message is anything else.
    sendText("{\"command\":\"ws_auth\",\"auth_token\":" + jsonString(wsToken) + "}");
    reader_ = std::thread([this] { readLoop(); });
}

void RtmClient::checkOpen() const {
    if (!ws_ || ended()) {
        std::string why = endReason();
        throw RtmClientError("cannot send: " + (why.empty() ? std::string("the connection is not open") : why));
    }
}

void RtmClient::send(Opcode op, const std::string& payload) {
    if (op == Opcode::Continuation) {
        throw RtmClientError("cannot send a continuation frame on its own (send the whole message)");
    }
    if (isControl(op) && payload.size() > kMaxControlPayload) {
        throw RtmClientError(std::string("cannot send a ") + toString(op) + " frame of " + std::to_string(payload.size()) +
                             " bytes (at most 125, RFC 6455 5.5)");
    }
    checkOpen();
    // POCO's client WebSocket masks every frame it sends with a fresh key.
    if (!sendFrame(WebSocket::FRAME_FLAG_FIN | static_cast<int>(op), payload)) {
        throw RtmClientError("cannot send: the client already sent its close frame");
    }
}

void RtmClient::sendClose(int code, const std::string& reason) {
    if (code < 1000 || code > 4999) {
        throw RtmClientError("cannot send close code " + std::to_string(code) + " (use 1000 to 4999, RFC 6455 7.4)");
    }
    if (reason.size() > kMaxControlPayload - 2) {
        throw RtmClientError("cannot send a close reason of " + std::to_string(reason.size()) + " bytes (at most 123)");
    }
    std::string payload;
    payload += static_cast<char>((code >> 8) & 0xff);
    payload += static_cast<char>(code & 0xff);
    send(Opcode::Close, payload + reason);
}

// False (and nothing sent) for a close frame when ours went out already; other frames after it
// throw, as does a failed send.
bool RtmClient::sendFrame(int flags, const std::string& payload) {
    const bool close = (flags & 0x0f) == WebSocket::FRAME_OP_CLOSE;
    std::lock_guard<std::mutex> lock(ioMutex_);
    if (closeSent_) {
        if (close) {
            return false;
        }
        throw RtmClientError("cannot send: the client already sent its close frame");
    }
    try {
        ws_->sendFrame(payload.data(), static_cast<int>(payload.size()), flags);
    } catch (const Poco::Exception& e) {
        throw RtmClientError("send failed: " + e.displayText());
    }
    closeSent_ = close;
    return true;
}

void RtmClient::readLoop() {
    try {
        while (!stop_.load() && receiveOne()) {
        }
    } catch (const Poco::Exception& e) {
        finish("connection error: " + e.displayText());
    } catch (const std::exception& e) {
        finish(std::string("connection error: ") + e.what());
    }
}

// Receives at most one frame; false when the connection ended. The wait for data happens
// outside ioMutex_, so senders are never held up by an idle connection.
bool RtmClient::receiveOne() {
    if (ws_->available() == 0 && !ws_->poll(Poco::Timespan(0, 100000), Poco::Net::Socket::SELECT_READ)) {
        return true;
    }
    Poco::Buffer<char> buffer(0);
    int flags = 0;
    int n = 0;
    try {
        if (tls_) {
            std::lock_guard<std::mutex> lock(ioMutex_);
            n = ws_->receiveFrame(buffer, flags);
        } else {
            // Plain TCP: one sender and one receiver at once is safe (see notes/poco-1.11.md).
            n = ws_->receiveFrame(buffer, flags);
        }
    } catch (const Poco::TimeoutException&) {
        if (tls_) {
            return true;  // readable TLS records that held no application data: nothing was read
        }
        throw;
    }
    const int64_t arrivedUs = Clock::system().monotonicUs();
    if (n == 0 && flags == 0) {
        finish("connection dropped by the server (no close frame)");
        return false;
    }
    int op = flags & WebSocket::FRAME_OP_BITMASK;
    std::string payload(buffer.begin(), buffer.size());
    switch (op) {
        case WebSocket::FRAME_OP_PING:
            onPing(payload, arrivedUs);
            return true;
        case WebSocket::FRAME_OP_PONG:
            if (options_.deliverPingPong) {
                deliver(Opcode::Pong, payload, arrivedUs);
            }
            return true;
        case WebSocket::FRAME_OP_CLOSE:
            onClose(payload, arrivedUs);
            return false;
        default:
            break;
    }
    if (!joinFragments(op, (flags & WebSocket::FRAME_FLAG_FIN) != 0, payload)) {
        return true;
    }
    deliver(op == WebSocket::FRAME_OP_BINARY ? Opcode::Binary : Opcode::Text, payload, arrivedUs);
    return true;
}

// POCO hands over fragments one by one; the callback sees whole messages. False while a
// message is incomplete; true with op and payload set to the whole message.
bool RtmClient::joinFragments(int& op, bool fin, std::string& payload) {
    if (op != WebSocket::FRAME_OP_CONT) {
        if (fin) {
            return true;
        }
        pendingOp_ = op;
        pending_ = std::move(payload);
        return false;
    }
    pending_ += payload;
    if (!fin) {
        return false;
    }
    op = pendingOp_;
    payload = std::move(pending_);
    pending_.clear();
    return true;
}

// The pong goes out before the handler sees the ping, so a slow handler cannot delay it.
void RtmClient::onPing(const std::string& payload, int64_t arrivedUs) {
    if (options_.autoPong) {
        // Counted before sending, so whoever sees the pong also sees the count.
        ++pingsAnswered_;
        try {
            sendFrame(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG, payload);
        } catch (const RtmClientError&) {
            --pingsAnswered_;
            // Our close frame went out already: no pong is due after it (RFC 6455 5.5.1).
        }
    }
    if (options_.deliverPingPong) {
        deliver(Opcode::Ping, payload, arrivedUs);
    }
}

void RtmClient::onClose(const std::string& payload, int64_t arrivedUs) {
    deliver(Opcode::Close, payload, arrivedUs);
    bool answersOurs = false;
    try {
        // Echo the status code, as RFC 6455 5.5.1 asks of the endpoint that receives a close first.
        answersOurs = !sendFrame(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CLOSE, payload.substr(0, 2));
    } catch (const RtmClientError&) {
        // The connection broke: it ends all the same.
    }
    if (answersOurs) {
        finish("");  // the client closed (close() or sendClose()) and the server answered
        return;
    }
    std::string why = "closed by the server";
    if (payload.size() >= 2) {
        int code = closeCodeOf(payload, 1005);
        why += ": " + std::to_string(code);
        if (payload.size() > 2) {
            why += " " + AirSendApi::preview(payload.substr(2));
        }
    }
    finish(why);
}

void RtmClient::deliver(Opcode op, const std::string& payload, int64_t arrivedUs) {
    if (!onFrame_) {
        return;
    }
    Message m;
    m.dir = Direction::ServerToClient;
    m.op = op;
    m.t_us = arrivedUs - startUs_;
    m.wall_us = Clock::system().wallUs();
    m.size = payload.size();
    m.payload = payload;
    try {
        onFrame_(m);
    } catch (...) {
        // A failing handler must not end the session; the frame is simply not shown.
    }
}

void RtmClient::finish(const std::string& reason) {
    {
        std::lock_guard<std::mutex> lock(stateMutex_);
        if (!ended_) {
            ended_ = true;
            if (!closing_) {
                endReason_ = reason;
            }
        }
    }
    stateChanged_.notify_all();
}

void RtmClient::close() {
    {
        std::lock_guard<std::mutex> lock(stateMutex_);
        if (closing_) {
            return;
        }
        closing_ = true;
    }
    if (ws_ && !ended()) {
        try {
            // 1000; when sendClose() sent ours already, wait for the answer all the same.
            sendFrame(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CLOSE, std::string("\x03\xe8", 2));
            waitEnded(options_.timeoutMs);
        } catch (const RtmClientError&) {
            // Broken: end it below.
        }
    }
    stop_ = true;
    if (reader_.joinable()) {
        reader_.join();
    }
    if (ws_) {
        try {
            ws_->close();
        } catch (const Poco::Exception&) {
            // The socket is gone already.
        }
    }
    finish("");
}

bool RtmClient::ended() const {
    std::lock_guard<std::mutex> lock(stateMutex_);
    return ended_;
}

bool RtmClient::waitEnded(int timeoutMs) const {
    std::unique_lock<std::mutex> lock(stateMutex_);
    return stateChanged_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [this] { return ended_; });
}

std::string RtmClient::endReason() const {
    std::lock_guard<std::mutex> lock(stateMutex_);
    return endReason_;
}

}  // namespace rtmtap
