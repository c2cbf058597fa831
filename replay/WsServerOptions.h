#pragma once
// How a WsServer listens, what it answers by itself and whom it tells (the tap).
#include "protocol/Tap.h"

#include <cstddef>
#include <cstdint>
#include <functional>
#include <string>

namespace rtmtap {

struct WsServerOptions {
    std::string host = "127.0.0.1";
    uint16_t port = 0;               // 0: any free port (see WsServer::port())
    int maxConnections = 1000;       // handshakes and open connections; more get 503
    size_t maxMessage = 16u << 20;   // a bigger message (fragments joined) closes with 1009
    bool autoPong = true;            // answer each ping with a pong of the same payload
    bool echoClose = true;           // answer a close frame with the same payload, then end
    int handshakeTimeoutMs = 10000;  // for the request head; then the socket is closed
    int closeTimeoutMs = 2000;       // after the first close frame either way, TCP ends within this
    int sendTimeoutMs = 10000;       // a client that takes no bytes for this long is dropped
    // Optional observer (not owned, must outlive the server): each upgraded connection is a
    // session, each frame received (c2s) or sent (s2c) a Message, then its end.
    Tap* tap = nullptr;
    // Session ids for the tap (e.g. Recorder::nextSessionId); without it 1, 2, 3 ...
    std::function<int64_t()> sessionId;
};

}  // namespace rtmtap
