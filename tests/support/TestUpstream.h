#pragma once
// A WebSocket server on 127.0.0.1 (port 0) that plays the upstream in proxy tests: it records
// every request and frame it receives, echoes if asked, sends arbitrary frames on demand, drops
// TCP, refuses upgrades, or never answers. Everything the test waits on has a timed wait.
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace Poco::Net {
class HTTPServer;
class HTTPServerRequest;
class HTTPServerResponse;
class WebSocket;
}  // namespace Poco::Net
namespace Poco {
class ThreadPool;
}

namespace rtmtap::test {

// One WebSocket frame as seen on the wire: the raw first byte (FIN, RSV, opcode) and the payload.
struct WsFrame {
    int flags = 0;
    std::string payload;
    int opcode() const { return flags & 0x0f; }
    bool fin() const { return (flags & 0x80) != 0; }
    int closeCode() const;           // close frame: the code, -1 when the payload has none
    std::string closeReason() const; // close frame: the reason text
};

std::string closePayload(int code, const std::string& reason);

struct UpstreamRequest {
    std::string method;
    std::string uri;  // request target as received: path and query
    std::vector<std::pair<std::string, std::string>> headers;
    // First value of a header (case-insensitive name), nullopt when absent.
    std::optional<std::string> header(const std::string& name) const;
    size_t count(const std::string& name) const;
};

// How one upstream connection ended, as seen by the upstream.
struct UpstreamEnd {
    bool ended = false;      // the receive loop is over
    bool eof = false;        // the peer closed TCP (0 bytes, flags 0) rather than an error
    bool droppedByUs = false;
    bool closeHandshake = false;  // close frames went both ways, then the upstream closed TCP
    std::string error;       // exception text when the loop ended with an error
};

class TestUpstream {
public:
    enum class Mode { WebSocket, Refuse, NeverAnswer };

    struct Options {
        Mode mode = Mode::WebSocket;
        bool echo = true;           // echo text/binary/continuation frames with the same flags
        bool answerPings = false;   // a real RTM server pongs; the default lets tests see the raw ping
        bool replyToClose = true;   // answer a close frame with the same code and reason
                                    // (after close frames both ways the upstream closes TCP)
        std::string subprotocol;    // Sec-WebSocket-Protocol to choose ("" = none)
        int refuseStatus = 403;     // Mode::Refuse
        std::string refuseReason;   // "" = the standard reason
        std::string refuseBody = "go away";
        std::string refuseContentType = "text/plain";
        int threads = 80;           // handler threads: one per live connection
    };

    TestUpstream();
    explicit TestUpstream(Options options);
    ~TestUpstream();  // stop()
    TestUpstream(const TestUpstream&) = delete;
    TestUpstream& operator=(const TestUpstream&) = delete;

    uint16_t port() const { return port_; }
    std::string url(const std::string& path = "") const;  // ws://127.0.0.1:PORT + path

    // Ends every connection (TCP shutdown, no close frame), stops the server, joins its threads.
    void stop();

    // --- what arrived ---
    size_t requestCount() const;
    std::vector<UpstreamRequest> requests() const;
    bool waitForRequests(size_t n, int timeoutMs = 10000) const;
    size_t connectionCount() const;  // accepted WebSocket connections
    bool waitForConnections(size_t n, int timeoutMs = 10000) const;
    std::vector<WsFrame> frames(size_t conn = 0) const;
    bool waitForFrames(size_t n, size_t conn = 0, int timeoutMs = 10000) const;
    // Waits for a frame with this opcode; returns it, or nullopt on timeout.
    std::optional<WsFrame> waitForOpcode(int opcode, size_t conn = 0, int timeoutMs = 10000) const;
    UpstreamEnd end(size_t conn = 0) const;
    bool waitForEnd(size_t conn = 0, int timeoutMs = 10000) const;

    // --- send to a live connection (thread-safe; one sender at a time per connection) ---
    void sendText(const std::string& text, size_t conn = 0);
    void sendBinary(const std::string& data, size_t conn = 0);
    void sendPing(const std::string& data, size_t conn = 0);
    void sendPong(const std::string& data, size_t conn = 0);
    void sendClose(int code, const std::string& reason, size_t conn = 0);
    void sendRaw(int flags, const std::string& payload, size_t conn = 0);
    // Shuts the TCP connection down without a close frame.
    void drop(size_t conn = 0);

private:
    struct Connection;
    class Handler;
    class Factory;
    friend class Handler;
    friend class Factory;

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void record(const Poco::Net::HTTPServerRequest& request);
    void serveWebSocket(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void refuse(Poco::Net::HTTPServerResponse& response);
    void neverAnswer();
    std::shared_ptr<Connection> connection(size_t conn) const;
    std::shared_ptr<Connection> addConnection(std::shared_ptr<Poco::Net::WebSocket> ws);
    void receiveLoop(Connection& c);
    void onFrame(Connection& c, int flags, const std::string& payload);
    void send(Connection& c, int flags, const std::string& payload);
    bool closeSent(Connection& c);
    void finish(Connection& c, bool eof, const std::string& error);
    template <class Pred>
    bool waitUntil(int timeoutMs, Pred pred) const;

    Options options_;
    uint16_t port_ = 0;
    std::unique_ptr<Poco::ThreadPool> pool_;  // declared before server_: outlives it
    std::unique_ptr<Poco::Net::HTTPServer> server_;

    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<UpstreamRequest> requests_;
    std::vector<std::shared_ptr<Connection>> connections_;
    int activeHandlers_ = 0;
    bool stopping_ = false;
};

}  // namespace rtmtap::test
