#pragma once
// One client WebSocket of the simulator. Its handler thread receives; deliveries and the ping
// timer send from other threads, one at a time (POCO: one sender and one receiver at once is
// safe over plain TCP, two senders are not).
#include <Poco/Net/WebSocket.h>

#include <atomic>
#include <cstdint>
#include <mutex>
#include <string>

namespace rtmtap {

class SimConnection {
public:
    explicit SimConnection(const Poco::Net::WebSocket& ws) : ws_(ws) {}

    Poco::Net::WebSocket& socket() { return ws_; }
    // Sends one frame; on failure drops the connection and returns false.
    bool send(const std::string& payload, int flags = Poco::Net::WebSocket::FRAME_TEXT);
    // Ends the TCP connection without a close frame, as the real server does; the handler
    // thread's receive then sees EOF and cleans up.
    void drop();

    std::atomic<int64_t> userId{0};  // 0 until ws_auth succeeds
    std::atomic<int64_t> expiry{0};  // the token's expiry, unix seconds
    std::atomic<bool> awaitingPong{false};

private:
    std::mutex sendMutex_;
    Poco::Net::WebSocket ws_;
    bool dropped_ = false;
};

}  // namespace rtmtap
