#include "TestClient.h"

#include <Poco/Buffer.h>
#include <Poco/Exception.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/WebSocket.h>
#include <Poco/Net/WebSocketImpl.h>
#include <Poco/NumberFormatter.h>
#include <Poco/StreamCopier.h>
#include <Poco/String.h>

#include <sys/socket.h>

#include <sstream>
#include <stdexcept>

namespace rtmtap::test {

using Poco::Net::WebSocket;

namespace {

// Reaches WebSocket's protected handshake statics (see /work/shared/notes/poco-1.11.md).
class HandshakeSocket : public WebSocket {
public:
    using WebSocket::completeHandshake;
    using WebSocket::createKey;
};

// StreamSocket's constructor that adopts an impl is protected.
class AdoptedSocket : public Poco::Net::StreamSocket {
public:
    explicit AdoptedSocket(Poco::Net::SocketImpl* impl) : StreamSocket(impl) {}
};

Poco::Timespan millis(int ms) {
    return Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(ms) * 1000);
}

std::string joined(const std::vector<std::string>& items) {
    std::string out;
    for (const auto& item : items) {
        out += (out.empty() ? "" : ", ") + item;
    }
    return out;
}

// Parses "HTTP/1.1 400 Reason\r\nHeaders\r\n\r\nbody". Complete when the head is in and the
// body has Content-Length bytes (or, at EOF, whatever came).
bool parseHttpResponse(const std::string& data, HttpResult& out, bool atEof = false) {
    const size_t headEnd = data.find("\r\n\r\n");
    if (headEnd == std::string::npos) {
        return false;
    }
    std::istringstream head(data.substr(0, headEnd));
    std::string line, version;
    std::getline(head, line);
    std::istringstream status(line);
    status >> version >> out.status;
    std::getline(status >> std::ws, out.reason);
    Poco::trimRightInPlace(out.reason);
    std::optional<size_t> length;
    while (std::getline(head, line)) {
        const size_t colon = line.find(':');
        if (colon == std::string::npos) {
            continue;
        }
        std::string name = Poco::trim(line.substr(0, colon));
        std::string value = Poco::trim(line.substr(colon + 1));
        if (Poco::icompare(name, "Content-Length") == 0) {
            length = std::stoul(value);
        } else if (Poco::icompare(name, "Content-Type") == 0) {
            out.contentType = value;
        }
    }
    out.body = data.substr(headEnd + 4);
    if (length && out.body.size() >= *length) {
        out.body.resize(*length);
        return true;
    }
    return atEof;
}

}  // namespace

std::string toString(const Received& r) {
    switch (r.kind) {
        case Received::Kind::Frame:
            return "frame flags=0x" + Poco::NumberFormatter::formatHex(r.frame.flags) +
                   " size=" + std::to_string(r.frame.payload.size()) +
                   (r.frame.payload.size() <= 80 ? " payload='" + r.frame.payload + "'" : "");
        case Received::Kind::Closed:
            return "closed by peer (EOF)";
        case Received::Kind::Timeout:
            return "timeout";
        case Received::Kind::Error:
            return "error: " + r.error;
    }
    return "?";
}

TestClient::TestClient(uint16_t port, const std::string& target, const HeaderPairs& headers,
                       const std::vector<std::string>& protocols, int timeoutMs)
    : TestClient(ClientRoute{Route::Reverse, port, "", 0}, target, headers, protocols, timeoutMs) {}

TestClient::TestClient(const ClientRoute& route, const std::string& target, const HeaderPairs& headers,
                       const std::vector<std::string>& protocols, int timeoutMs) {
    try {
        handshake(route, target, headers, protocols, timeoutMs);
    } catch (const Poco::Exception& e) {
        error_ = e.displayText();
        ws_.reset();
    } catch (const std::exception& e) {
        error_ = e.what();
        ws_.reset();
    }
}

TestClient::~TestClient() = default;

void TestClient::handshake(const ClientRoute& route, const std::string& target, const HeaderPairs& headers,
                           const std::vector<std::string>& protocols, int timeoutMs) {
    std::unique_ptr<Poco::Net::HTTPClientSession> made = route.session(timeoutMs);
    Poco::Net::HTTPClientSession& session = *made;
    // Without keep-alive, sendRequest() replaces "Connection: Upgrade" with "Connection: close".
    session.setKeepAlive(true);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, target, Poco::Net::HTTPRequest::HTTP_1_1);
    for (const auto& [name, value] : headers) {
        request.add(name, value);
    }
    if (route.route == Route::Connect && !request.has("Host")) {
        request.set("Host", route.hostHeader());  // POCO sets it only on a session it connected itself
    }
    if (!protocols.empty()) {
        request.set("Sec-WebSocket-Protocol", joined(protocols));
    }
    const std::string key = HandshakeSocket::createKey();
    request.set("Connection", "Upgrade");
    request.set("Upgrade", "websocket");
    request.set("Sec-WebSocket-Version", WebSocket::WEBSOCKET_VERSION);
    request.set("Sec-WebSocket-Key", key);
    session.sendRequest(request);

    Poco::Net::HTTPResponse response;
    std::istream& body = session.receiveResponse(response);
    status_ = response.getStatus();
    reason_ = response.getReason();
    for (const auto& header : response) {
        responseHeaders_.emplace_back(header.first, header.second);
    }
    if (status_ != Poco::Net::HTTPResponse::HTTP_SWITCHING_PROTOCOLS) {
        Poco::StreamCopier::copyToString(body, body_);
        return;
    }
    ws_ = std::make_unique<WebSocket>(AdoptedSocket(HandshakeSocket::completeHandshake(session, response, key)));
    ws_->setMaxPayloadSize(64 << 20);
    // Only a safety net against a frame that stops half-way; receive() waits with poll first.
    ws_->setReceiveTimeout(Poco::Timespan(30, 0));
}

std::optional<std::string> TestClient::responseHeader(const std::string& name) const {
    for (const auto& [key, value] : responseHeaders_) {
        if (Poco::icompare(key, name) == 0) {
            return value;
        }
    }
    return std::nullopt;
}

void TestClient::sendText(const std::string& text) {
    sendRaw(WebSocket::FRAME_TEXT, text);
}

void TestClient::sendBinary(const std::string& data) {
    sendRaw(WebSocket::FRAME_BINARY, data);
}

void TestClient::sendPing(const std::string& data) {
    sendRaw(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PING, data);
}

void TestClient::sendPong(const std::string& data) {
    sendRaw(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_PONG, data);
}

void TestClient::sendClose(int code, const std::string& reason) {
    sendRaw(WebSocket::FRAME_FLAG_FIN | WebSocket::FRAME_OP_CLOSE, closePayload(code, reason));
}

void TestClient::sendRaw(int flags, const std::string& payload) {
    if (!ws_) {
        throw std::logic_error("TestClient: not connected (status " + std::to_string(status_) + ")");
    }
    ws_->sendFrame(payload.data(), static_cast<int>(payload.size()), flags);
}

Received TestClient::receive(int timeoutMs) {
    Received r;
    if (!ws_) {
        r.kind = Received::Kind::Error;
        r.error = "not connected";
        return r;
    }
    try {
        // Bytes that came with the 101 sit in POCO's buffer, invisible to poll: check available().
        if (ws_->available() <= 0 &&
            !ws_->poll(millis(timeoutMs), Poco::Net::Socket::SELECT_READ | Poco::Net::Socket::SELECT_ERROR)) {
            r.kind = Received::Kind::Timeout;
            return r;
        }
        Poco::Buffer<char> buffer(0);
        int flags = 0;
        int n = ws_->receiveFrame(buffer, flags);
        if (n == 0 && flags == 0) {
            r.kind = Received::Kind::Closed;
            return r;
        }
        r.kind = Received::Kind::Frame;
        r.frame.flags = flags;
        r.frame.payload.assign(buffer.begin(), static_cast<size_t>(n));
    } catch (const Poco::Exception& e) {
        r.kind = Received::Kind::Error;
        r.error = e.displayText();
    }
    return r;
}

Received TestClient::receiveOpcode(int opcode, int timeoutMs, std::vector<WsFrame>* skipped) {
    for (;;) {
        Received r = receive(timeoutMs);
        if (!r.isFrame() || r.opcode() == opcode) {
            return r;
        }
        if (skipped) {
            skipped->push_back(r.frame);
        }
    }
}

void TestClient::drop() {
    if (ws_) {
        ::shutdown(ws_->impl()->sockfd(), SHUT_RDWR);
    }
}

HttpResult TestClient::httpGet(uint16_t port, const std::string& target, int timeoutMs) {
    return rawRequest(port, "GET " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n", timeoutMs);
}

HttpResult TestClient::rawRequest(uint16_t port, const std::string& bytes, int timeoutMs) {
    HttpResult result;
    std::string received;
    try {
        Poco::Net::StreamSocket socket;
        socket.connect(Poco::Net::SocketAddress("127.0.0.1", port), millis(timeoutMs));
        socket.setReceiveTimeout(millis(timeoutMs));
        socket.sendBytes(bytes.data(), static_cast<int>(bytes.size()));
        char chunk[4096];
        // Read until EOF or until the body named by Content-Length is complete.
        for (;;) {
            int n = socket.receiveBytes(chunk, sizeof chunk);
            if (n <= 0) {
                break;
            }
            received.append(chunk, static_cast<size_t>(n));
            if (parseHttpResponse(received, result)) {
                return result;
            }
        }
    } catch (const Poco::Exception& e) {
        result.error = e.displayText();
    }
    if (!parseHttpResponse(received, result, true)) {
        result.status = 0;
        if (result.error.empty()) {
            result.error = "no complete HTTP response: '" + received + "'";
        }
    }
    return result;
}

}  // namespace rtmtap::test
