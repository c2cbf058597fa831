#pragma once
// An epoll set with an eventfd in it, so that other threads can wake the loop waiting on it: what
// the proxy's loops (the relays' EventLoop, the HandshakeLoop, the TunnelLoop) are built on. The
// wake-up descriptor reports the event data 0 (u64 0, ptr nullptr): loops keep 0 for it.
#include <cstdint>
#include <string>

namespace rtmtap {

class EpollSet {
public:
    static constexpr uint64_t kWakeData = 0;

    // what names the loop in the error: "cannot create <what>: <reason>" (std::runtime_error).
    explicit EpollSet(const std::string& what);
    ~EpollSet();
    EpollSet(const EpollSet&) = delete;
    EpollSet& operator=(const EpollSet&) = delete;

    int fd() const { return epoll_; }
    void wake();   // thread-safe
    void drain();  // by the loop, when the wake-up descriptor reported

private:
    int epoll_ = -1;
    int wakeFd_ = -1;
};

}  // namespace rtmtap
