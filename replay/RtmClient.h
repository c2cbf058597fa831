#pragma once
// A scripted AirSend RTM client: the login flow of the real web client (user.login, rtm.connect,
// WebSocket to ws_endpoint, ws_auth first), protocol pings answered with pongs, every received
// frame handed to a callback, a send for every opcode (frames masked, as RFC 6455 asks of a
// client). `rtmtap client`, the demo, the replay and the tests drive sessions with it.
#include "protocol/Message.h"

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>

namespace Poco::Net {
class HTTPClientSession;
class WebSocket;
}  // namespace Poco::Net

namespace rtmtap {

// Every failure of the client, with a one-line message ("login failed: 401 Unauthorized: ...").
class RtmClientError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

// rtm.connect answered 429: try again after retryAfterSeconds (its RetryAfter header; 0 when
// it had none that made sense).
class RtmRateLimited : public RtmClientError {
public:
    RtmRateLimited(const std::string& what, int retryAfterSeconds)
        : RtmClientError(what), retryAfterSeconds_(retryAfterSeconds) {}
    int retryAfterSeconds() const { return retryAfterSeconds_; }

private:
    int retryAfterSeconds_;
};

struct RtmClientOptions {
    int timeoutMs = 10000;      // connect, HTTP answers, the WebSocket handshake, close
    std::string caFile;         // https/wss: trust these CA certificates (default: the system's)
    bool insecure = false;      // https/wss: do not verify the server's certificate
    std::string userAgent = "rtmtap-client/0.1";
    // Answer each protocol ping with a pong carrying its payload. Off: the caller sends pongs
    // itself (a replay sends the recorded ones, when they were recorded).
    bool autoPong = true;
    // Hand ping and pong frames to the frame handler too (after the automatic pong, if any;
    // Message::t_us is when the frame arrived).
    bool deliverPingPong = false;
};

// What rtm.connect returned.
struct RtmEndpoint {
    std::string wsEndpoint;
    std::string wsToken;
};

class RtmClient {
public:
    // Called on the client's reader thread for each text, binary and close frame received, and
    // ping and pong frames with deliverPingPong. Message::t_us (arrival) counts from connect().
    using FrameHandler = std::function<void(const Message&)>;

    explicit RtmClient(RtmClientOptions options = {});
    ~RtmClient();  // close()
    RtmClient(const RtmClient&) = delete;
    RtmClient& operator=(const RtmClient&) = delete;

    // AirSendApi::login and ::rtmConnect with this client's options.
    std::string login(const std::string& api, const std::string& user, const std::string& password);
    RtmEndpoint rtmConnect(const std::string& api, const std::string& token);

    // Opens the WebSocket to wsUrl (ws:// or wss://), sends ws_auth carrying wsToken as the first
    // frame, then starts the reader thread that feeds onFrame. Once only.
    void connect(const std::string& wsUrl, const std::string& wsToken, FrameHandler onFrame);

    // Sends one frame (FIN set, masked): Text, Binary, Ping, Pong, or Close with the payload as
    // it goes on the wire (empty, or a 2-byte code then the reason). Thread-safe. Throws
    // RtmClientError when the connection is not open, after our close frame, for Continuation,
    // and for a control frame over 125 bytes (RFC 6455 5.5).
    void send(Opcode op, const std::string& payload);
    void sendText(const std::string& text) { send(Opcode::Text, text); }
    // Starts the closing handshake with this code (1000 to 4999) and reason (at most 123 bytes);
    // the server's answer ends the connection, and endReason() stays "" as after close().
    void sendClose(int code, const std::string& reason);

    // Sends a close frame (1000) unless the connection already ended, waits (timeoutMs) for the
    // server's answer, then ends the connection. Idempotent.
    void close();

    // True once the connection ended (closed either way, dropped, or close() called).
    bool ended() const;
    // Waits up to timeoutMs for the connection to end; returns ended().
    bool waitEnded(int timeoutMs) const;
    // How it ended, one line ("closed by the server: 1000 bye", "connection dropped by the
    // server (no close frame)"); "" while open, or when the client closed (close(), sendClose()).
    std::string endReason() const;
    // Protocol pings answered so far (by autoPong).
    uint64_t pingsAnswered() const { return pingsAnswered_.load(); }

private:
    void readLoop();
    bool receiveOne();
    bool joinFragments(int& op, bool fin, std::string& payload);
    void onPing(const std::string& payload, int64_t arrivedUs);
    void onClose(const std::string& payload, int64_t arrivedUs);
    void deliver(Opcode op, const std::string& payload, int64_t arrivedUs);
    void checkOpen() const;
    bool sendFrame(int flags, const std::string& payload);
    void finish(const std::string& reason);

    RtmClientOptions options_;
    std::unique_ptr<Poco::Net::HTTPClientSession> wsSession_;  // owns the socket behind ws_
    std::unique_ptr<Poco::Net::WebSocket> ws_;
    bool tls_ = false;
    FrameHandler onFrame_;
    int64_t startUs_ = 0;
    std::thread reader_;
    std::atomic<bool> stop_{false};
    std::atomic<uint64_t> pingsAnswered_{0};
    std::string pending_;  // reader thread only: a fragmented message so far
    int pendingOp_ = 1;

    // Serialises senders; over TLS it also covers receives (OpenSSL: no concurrent read/write).
    mutable std::mutex ioMutex_;
    bool closeSent_ = false;  // guarded by ioMutex_

    mutable std::mutex stateMutex_;
    mutable std::condition_variable stateChanged_;
    bool ended_ = false;
    bool closing_ = false;
    std::string endReason_;
};

}  // namespace rtmtap
