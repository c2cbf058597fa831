#pragma once
// A WebSocket client for proxy tests, on POCO. Unlike WebSocket's own client constructor it
// keeps the status and body of a refused upgrade (POCO's connect() throws the body away): it
// sends the upgrade itself and completes the handshake through WebSocket's protected statics.
#include "ClientRoute.h"
#include "TestUpstream.h"  // WsFrame, closePayload

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class WebSocket;
}

namespace rtmtap::test {

using HeaderPairs = std::vector<std::pair<std::string, std::string>>;

struct Received {
    enum class Kind { Frame, Closed, Timeout, Error };
    Kind kind = Kind::Timeout;
    WsFrame frame;      // Kind::Frame
    std::string error;  // Kind::Error: the exception text
    bool isFrame() const { return kind == Kind::Frame; }
    int opcode() const { return frame.opcode(); }
    // The connection ended without a close frame: EOF (or a reset, which is also a drop).
    bool endedWithoutClose() const { return kind == Kind::Closed || kind == Kind::Error; }
};

std::string toString(const Received& r);  // for assertion messages

struct HttpResult {
    int status = 0;  // 0 when no response came (error says why)
    std::string reason;
    std::string body;
    std::string contentType;
    std::string error;
};

class TestClient {
public:
    // Opens ws://127.0.0.1:port + target. Never throws for a refusal: check open(), status().
    TestClient(uint16_t port, const std::string& target = "/", const HeaderPairs& headers = {},
               const std::vector<std::string>& protocols = {}, int timeoutMs = 10000);
    // The same upgrade the route's way (ProxyHarness::route()): through rtmtap as the client's HTTP
    // proxy, or straight to it. A CONNECT that is refused leaves the client closed with error() set.
    TestClient(const ClientRoute& route, const std::string& target = "/", const HeaderPairs& headers = {},
               const std::vector<std::string>& protocols = {}, int timeoutMs = 10000);
    ~TestClient();
    TestClient(const TestClient&) = delete;
    TestClient& operator=(const TestClient&) = delete;

    bool open() const { return ws_ != nullptr; }
    int status() const { return status_; }
    const std::string& reason() const { return reason_; }
    const std::string& body() const { return body_; }
    const std::string& error() const { return error_; }  // transport error during the handshake
    std::optional<std::string> responseHeader(const std::string& name) const;

    void sendText(const std::string& text);
    void sendBinary(const std::string& data);
    void sendPing(const std::string& data);
    void sendPong(const std::string& data);
    void sendClose(int code, const std::string& reason);
    void sendRaw(int flags, const std::string& payload);  // flags byte exactly as given

    // One frame, or Closed (peer closed TCP), Timeout (nothing within timeoutMs) or Error.
    Received receive(int timeoutMs = 10000);
    // Receives until a frame with this opcode arrives (others are kept in skipped), or the end.
    Received receiveOpcode(int opcode, int timeoutMs = 10000, std::vector<WsFrame>* skipped = nullptr);
    // Shuts the TCP connection down without a close frame.
    void drop();

    // A plain HTTP GET (no Upgrade), or any raw bytes, to the listen port.
    static HttpResult httpGet(uint16_t port, const std::string& target, int timeoutMs = 10000);
    static HttpResult rawRequest(uint16_t port, const std::string& bytes, int timeoutMs = 10000);

private:
    void handshake(const ClientRoute& route, const std::string& target, const HeaderPairs& headers,
                   const std::vector<std::string>& protocols, int timeoutMs);

    std::unique_ptr<Poco::Net::WebSocket> ws_;
    int status_ = 0;
    std::string reason_, body_, error_;
    HeaderPairs responseHeaders_;
};

}  // namespace rtmtap::test
