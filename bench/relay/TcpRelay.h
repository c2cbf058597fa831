#pragma once
// bench_relay: a TCP byte relay on one epoll loop, recording nothing. It is the benchmark's
// reference point for "the cost of any proxy at all" on this machine (the issue quotes haproxy
// for the same role): rtmtap's figures are best read against it as well as against direct.
#include "../src/Buffer.h"

#include <atomic>
#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::bench {

class TcpRelay {
public:
    TcpRelay(int listenFd, std::string upstreamHost, int upstreamPort, const std::atomic<bool>& stopping);
    ~TcpRelay();
    void run(int64_t deadlineUs);

private:
    struct Side {
        int fd = -1;
        Side* peer = nullptr;
        Buffer pending;  // bytes read from the peer, waiting to be written to this side
        bool reading = true;
        uint32_t mask = 0;  // the epoll events registered now
        bool eof = false;  // this side sent FIN or failed
    };

    void acceptAll();
    void onReadable(Side* s);
    void onWritable(Side* s);
    bool flush(Side* s);  // false when the socket failed
    void update(Side* s);
    void closePair(Side* s);

    int listenFd_;
    int epollFd_;
    std::string upstreamHost_;
    int upstreamPort_;
    const std::atomic<bool>& stopping_;
    std::vector<Side*> closed_;
};

}  // namespace rtmtap::bench
