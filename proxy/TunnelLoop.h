#pragma once
// The tunnels of --mode regular for hosts that are not intercepted: after CONNECT, bytes go
// between the client and the origin untouched and unrecorded until both sides have finished.
// One thread with an epoll loop serves every tunnel (a browser opens dozens): a tunnel costs two
// descriptors and two 64 KiB buffers, not threads. Each direction stops reading while its buffer
// waits for the other side to take it, so a slow reader slows its sender instead of filling memory.
// An end of stream is passed on as a half-close (FIN), so protocols that half-close keep working.
#include "ConnectionLimits.h"
#include "EpollSet.h"
#include "Transport.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>

namespace rtmtap {

class TunnelLoop {
public:
    TunnelLoop();
    ~TunnelLoop();  // stop()
    TunnelLoop(const TunnelLoop&) = delete;
    TunnelLoop& operator=(const TunnelLoop&) = delete;

    void start();
    // Thread-safe: joins client and origin (plain sockets, non-blocking from here on). clientEarly:
    // bytes the client sent after its CONNECT head, passed on first. The ticket is held until the
    // tunnel ends.
    void adopt(std::unique_ptr<Transport> client, std::unique_ptr<Transport> origin, std::string clientEarly,
               ConnectionLimits::Ticket ticket);
    // Closes every tunnel and ends the thread. Idempotent.
    void stop();

    size_t tunnels() const { return count_.load(); }
    uint64_t bytes() const { return bytes_.load(); }  // moved both ways, since start

private:
    struct Half {  // one direction: read from `from`, written to `to`
        std::string buffer;
        size_t offset = 0;
        bool eof = false;    // `from` ended: after the buffer, a FIN to `to`
        bool done = false;   // the FIN is passed on
    };
    struct Tunnel {
        std::unique_ptr<Transport> side[2];  // 0 client, 1 origin
        Half half[2];                        // half[i]: from side[i] to side[1 - i]
        uint32_t watched[2] = {kUnwatched, kUnwatched};
        bool hungUp[2] = {false, false};  // epoll said the side is gone (reset, or closed both ways)
        ConnectionLimits::Ticket ticket;
    };
    struct Adoption {
        std::unique_ptr<Transport> client, origin;
        std::string early;
        ConnectionLimits::Ticket ticket;
    };

    static constexpr uint32_t kUnwatched = ~0u;

    void run();
    void takeAdoptions();
    void onEvent(uint64_t key, uint32_t events);
    void end(std::unordered_map<uint64_t, Tunnel>::iterator it);
    // false: the tunnel is over (both halves done, or a side failed).
    bool pump(Tunnel& t);
    bool pumpHalf(Tunnel& t, int from);
    void rewatch(Tunnel& t, uint64_t id);

    EpollSet epoll_{"the tunnel loop"};
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    std::mutex mutex_;
    std::deque<Adoption> adoptions_;  // under mutex_
    std::unordered_map<uint64_t, Tunnel> tunnels_;  // loop thread only
    uint64_t nextId_ = 1;
    std::atomic<size_t> count_{0};
    std::atomic<uint64_t> bytes_{0};
};

}  // namespace rtmtap
