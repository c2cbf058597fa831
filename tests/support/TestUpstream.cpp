#include "TestUpstream.h"

#include "protocol/CloseFrame.h"

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/String.h>
#include <Poco/ThreadPool.h>

#include <sys/socket.h>

#include <chrono>
#include <stdexcept>

namespace rtmtap::test {

using Poco::Net::WebSocket;

int WsFrame::closeCode() const {
    return closeCodeOf(payload, -1);
}

std::string WsFrame::closeReason() const {
    return payload.size() > 2 ? payload.substr(2) : std::string();
}

std::string closePayload(int code, const std::string& reason) {
    std::string out;
    out.push_back(static_cast<char>((code >> 8) & 0xff));
    out.push_back(static_cast<char>(code & 0xff));
    return out + reason;
}

std::optional<std::string> UpstreamRequest::header(const std::string& name) const {
    for (const auto& [key, value] : headers) {
        if (Poco::icompare(key, name) == 0) {
            return value;
        }
    }
    return std::nullopt;
}

size_t UpstreamRequest::count(const std::string& name) const {
    size_t n = 0;
    for (const auto& header : headers) {
        n += Poco::icompare(header.first, name) == 0 ? 1 : 0;
    }
    return n;
}

// The WebSocket object (and so its file descriptor) lives as long as the TestUpstream: a
// connection that ended is shut down, not closed, so drop() and stop() can always use the fd
// from any thread without racing a close.
struct TestUpstream::Connection {
    std::shared_ptr<WebSocket> ws;
    int fd = -1;
    std::mutex sendMutex;          // one sender at a time (POCO: two senders are not safe)
    bool sentClose = false;        // guarded by sendMutex
    std::vector<WsFrame> frames;   // guarded by TestUpstream::mutex_
    UpstreamEnd end;               // guarded by TestUpstream::mutex_
};

class TestUpstream::Handler : public Poco::Net::HTTPRequestHandler {
public:
    explicit Handler(TestUpstream& owner) : owner_(owner) {}
    void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
        owner_.handle(request, response);
    }

private:
    TestUpstream& owner_;
};

class TestUpstream::Factory : public Poco::Net::HTTPRequestHandlerFactory {
public:
    explicit Factory(TestUpstream& owner) : owner_(owner) {}
    Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
        return new Handler(owner_);
    }

private:
    TestUpstream& owner_;
};

TestUpstream::TestUpstream() : TestUpstream(Options{}) {}

TestUpstream::TestUpstream(Options options) : options_(std::move(options)) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0), 128);
    port_ = socket.address().port();
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(options_.threads);
    params->setMaxQueued(256);
    params->setKeepAlive(false);
    params->setTimeout(Poco::Timespan(5, 0));
    // Each WebSocket keeps its handler thread for its whole life: size the pool for that.
    pool_ = std::make_unique<Poco::ThreadPool>(2, options_.threads + 4, 60, 256 * 1024);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
    server_->start();
}

TestUpstream::~TestUpstream() {
    try {
        stop();
    } catch (...) {
        // A destructor must not throw; stop() already did what it could.
    }
}

std::string TestUpstream::url(const std::string& path) const {
    return "ws://127.0.0.1:" + std::to_string(port_) + path;
}

void TestUpstream::stop() {
    std::vector<std::shared_ptr<Connection>> live;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) {
            return;
        }
        stopping_ = true;
        live = connections_;
    }
    changed_.notify_all();  // releases NeverAnswer handlers
    server_->stopAll(true); // stops accepting and aborts requests still being read
    for (auto& c : live) {
        ::shutdown(c->fd, SHUT_RDWR);
    }
    {
        std::unique_lock<std::mutex> lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(15), [this] { return activeHandlers_ == 0; });
    }
    server_.reset();
    pool_->joinAll();
}

void TestUpstream::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        ++activeHandlers_;
    }
    record(request);
    try {
        if (options_.mode == Mode::Refuse) {
            refuse(response);
        } else if (options_.mode == Mode::NeverAnswer) {
            neverAnswer();
        } else {
            serveWebSocket(request, response);
        }
    } catch (const std::exception&) {
        // The peer went away mid-handshake; what arrived is recorded already.
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        --activeHandlers_;
    }
    changed_.notify_all();
}

void TestUpstream::record(const Poco::Net::HTTPServerRequest& request) {
    UpstreamRequest r;
    r.method = request.getMethod();
    r.uri = request.getURI();
    for (const auto& header : request) {
        r.headers.emplace_back(header.first, header.second);
    }
    {
        std::lock_guard<std::mutex> lock(mutex_);
        requests_.push_back(std::move(r));
    }
    changed_.notify_all();
}

void TestUpstream::refuse(Poco::Net::HTTPServerResponse& response) {
    auto status = static_cast<Poco::Net::HTTPResponse::HTTPStatus>(options_.refuseStatus);
    if (options_.refuseReason.empty()) {
        response.setStatusAndReason(status);
    } else {
        response.setStatusAndReason(status, options_.refuseReason);
    }
    response.setContentType(options_.refuseContentType);
    response.setContentLength(static_cast<std::streamsize>(options_.refuseBody.size()));
    response.send() << options_.refuseBody << std::flush;
}

void TestUpstream::neverAnswer() {
    std::unique_lock<std::mutex> lock(mutex_);
    changed_.wait(lock, [this] { return stopping_; });
}

void TestUpstream::serveWebSocket(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    if (!options_.subprotocol.empty()) {
        response.set("Sec-WebSocket-Protocol", options_.subprotocol);
    }
    std::shared_ptr<WebSocket> ws;
    try {
        ws = std::make_shared<WebSocket>(request, response);
    } catch (const Poco::Exception& e) {
        // Not a valid upgrade: say why, as a test would want to read it.
        const std::string why = e.displayText();
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_BAD_REQUEST);
        response.setContentType("text/plain");
        response.setContentLength(static_cast<std::streamsize>(why.size()));
        response.send() << why << std::flush;
        return;
    }
    ws->setMaxPayloadSize(64 << 20);
    ws->setReceiveTimeout(Poco::Timespan(0));  // the server's 5 s request timeout must not end idle sessions
    auto c = addConnection(ws);
    receiveLoop(*c);
}

std::shared_ptr<TestUpstream::Connection> TestUpstream::addConnection(std::shared_ptr<WebSocket> ws) {
    auto c = std::make_shared<Connection>();
    c->fd = ws->impl()->sockfd();
    c->ws = std::move(ws);
    bool stopping = false;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        connections_.push_back(c);
        stopping = stopping_;
    }
    changed_.notify_all();
    if (stopping) {
        ::shutdown(c->fd, SHUT_RDWR);  // stop() may have missed this one
    }
    return c;
}

void TestUpstream::receiveLoop(Connection& c) {
    try {
        Poco::Buffer<char> buffer(0);
        for (;;) {
            buffer.resize(0);
            int flags = 0;
            int n = c.ws->receiveFrame(buffer, flags);
            if (n == 0 && flags == 0) {
                finish(c, true, "");
                return;
            }
            onFrame(c, flags, std::string(buffer.begin(), static_cast<size_t>(n)));
            if ((flags & 0x0f) == WebSocket::FRAME_OP_CLOSE && closeSent(c)) {
                // Close handshake complete: the server closes TCP (RFC 6455 section 7.1.1).
                finish(c, false, "");
                return;
            }
        }
    } catch (const Poco::Exception& e) {
        finish(c, false, e.displayText());
    } catch (const std::exception& e) {
        finish(c, false, e.what());
    }
}

void TestUpstream::onFrame(Connection& c, int flags, const std::string& payload) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        c.frames.push_back(WsFrame{flags, payload});
    }
    changed_.notify_all();
    const int op = flags & 0x0f;
    try {
        if (options_.echo && (op == WebSocket::FRAME_OP_TEXT || op == WebSocket::FRAME_OP_BINARY ||
                              op == WebSocket::FRAME_OP_CONT)) {
            send(c, flags, payload);
        } else if (op == WebSocket::FRAME_OP_PING && options_.answerPings) {
            send(c, WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG, payload);
        } else if (op == WebSocket::FRAME_OP_CLOSE && options_.replyToClose) {
            send(c, WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CLOSE, payload);
        }
    } catch (const Poco::Exception&) {
        // The peer is gone; the receive loop will see it.
    }
}

void TestUpstream::send(Connection& c, int flags, const std::string& payload) {
    std::lock_guard<std::mutex> lock(c.sendMutex);
    c.ws->sendFrame(payload.data(), static_cast<int>(payload.size()), flags);
    if ((flags & 0x0f) == WebSocket::FRAME_OP_CLOSE) {
        c.sentClose = true;
    }
}

bool TestUpstream::closeSent(Connection& c) {
    std::lock_guard<std::mutex> lock(c.sendMutex);
    return c.sentClose;
}

void TestUpstream::finish(Connection& c, bool eof, const std::string& error) {
    // Shut down, not closed: the peer sees EOF now, the fd stays valid until destruction.
    ::shutdown(c.fd, SHUT_RDWR);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        c.end.ended = true;
        c.end.eof = eof;
        c.end.closeHandshake = !eof && error.empty();
        c.end.error = error;
    }
    changed_.notify_all();
}

template <class Pred>
bool TestUpstream::waitUntil(int timeoutMs, Pred pred) const {
    std::unique_lock<std::mutex> lock(mutex_);
    return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), pred);
}

size_t TestUpstream::requestCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_.size();
}

std::vector<UpstreamRequest> TestUpstream::requests() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return requests_;
}

bool TestUpstream::waitForRequests(size_t n, int timeoutMs) const {
    return waitUntil(timeoutMs, [&] { return requests_.size() >= n; });
}

size_t TestUpstream::connectionCount() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return connections_.size();
}

bool TestUpstream::waitForConnections(size_t n, int timeoutMs) const {
    return waitUntil(timeoutMs, [&] { return connections_.size() >= n; });
}

std::shared_ptr<TestUpstream::Connection> TestUpstream::connection(size_t conn) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (conn >= connections_.size()) {
        throw std::out_of_range("TestUpstream: no connection #" + std::to_string(conn));
    }
    return connections_[conn];
}

std::vector<WsFrame> TestUpstream::frames(size_t conn) const {
    auto c = connection(conn);
    std::lock_guard<std::mutex> lock(mutex_);
    return c->frames;
}

bool TestUpstream::waitForFrames(size_t n, size_t conn, int timeoutMs) const {
    if (!waitForConnections(conn + 1, timeoutMs)) {
        return false;
    }
    auto c = connection(conn);
    return waitUntil(timeoutMs, [&] { return c->frames.size() >= n; });
}

std::optional<WsFrame> TestUpstream::waitForOpcode(int opcode, size_t conn, int timeoutMs) const {
    if (!waitForConnections(conn + 1, timeoutMs)) {
        return std::nullopt;
    }
    auto c = connection(conn);
    std::optional<WsFrame> found;
    waitUntil(timeoutMs, [&] {
        for (const auto& f : c->frames) {
            if (f.opcode() == opcode) {
                found = f;
                return true;
            }
        }
        return false;
    });
    return found;
}

UpstreamEnd TestUpstream::end(size_t conn) const {
    auto c = connection(conn);
    std::lock_guard<std::mutex> lock(mutex_);
    return c->end;
}

bool TestUpstream::waitForEnd(size_t conn, int timeoutMs) const {
    if (!waitForConnections(conn + 1, timeoutMs)) {
        return false;
    }
    auto c = connection(conn);
    return waitUntil(timeoutMs, [&] { return c->end.ended; });
}

void TestUpstream::sendText(const std::string& text, size_t conn) {
    sendRaw(WebSocket::FRAME_TEXT, text, conn);
}

void TestUpstream::sendBinary(const std::string& data, size_t conn) {
    sendRaw(WebSocket::FRAME_BINARY, data, conn);
}

void TestUpstream::sendPing(const std::string& data, size_t conn) {
    sendRaw(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PING, data, conn);
}

void TestUpstream::sendPong(const std::string& data, size_t conn) {
    sendRaw(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG, data, conn);
}

void TestUpstream::sendClose(int code, const std::string& reason, size_t conn) {
    sendRaw(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CLOSE, closePayload(code, reason), conn);
}

void TestUpstream::sendRaw(int flags, const std::string& payload, size_t conn) {
    auto c = connection(conn);
    send(*c, flags, payload);
}

void TestUpstream::drop(size_t conn) {
    auto c = connection(conn);
    {
        std::lock_guard<std::mutex> lock(mutex_);
        c->end.droppedByUs = true;
    }
    ::shutdown(c->fd, SHUT_RDWR);
}

}  // namespace rtmtap::test
