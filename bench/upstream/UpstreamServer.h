#pragma once
// The benchmark's WebSocket upstream: one epoll loop per thread, each with its own SO_REUSEPORT
// listener. The request path picks the mode of a connection:
//   /burst?n=N&size=S  sends N chat.postMessage events of about S bytes, then a bench.burstEnd event
//   /idle              reads and ignores every message (ws_auth is answered silently, like RTM)
//   /blackhole         never answers the upgrade (a black-hole upstream); reads and drops the rest
//   anything else      echoes every text and binary message (fragments are joined first)
// Pings and pongs are ignored; a close frame is answered with the same code and the socket closed.
#include <atomic>
#include <string>
#include <vector>

namespace rtmtap::bench {

struct UpstreamOptions {
    std::string host = "127.0.0.1";
    int port = 0;
    int threads = 1;
    int lifetimeSec = 3600;  // exits after this long even if nobody stops it
};

class UpstreamServer {
public:
    explicit UpstreamServer(const UpstreamOptions& options) : options_(options) {}
    ~UpstreamServer();
    // Binds every listener, so port() is known; false with error when it cannot listen.
    bool bind(std::string& error);
    // Runs the loops until stop() (safe from a signal handler) or the lifetime ends.
    void run();
    void stop() { stopping_ = true; }
    int port() const { return port_; }

private:
    UpstreamOptions options_;
    std::atomic<bool> stopping_{false};
    int port_ = 0;
    std::vector<int> listeners_;
};

}  // namespace rtmtap::bench
