#pragma once
// A bare TCP connection to 127.0.0.1 for tests of what a client does before (or instead of) an
// upgrade: nothing at all, one byte a second, garbage. Blocking connect, reads with poll.
#include <cstdint>
#include <string>

namespace rtmtap::test {

class RawSocket {
public:
    // Connects to 127.0.0.1:port, from sourceIp when given (any 127.x.y.z works on Linux).
    // ok() is false when it could not (error() says why).
    explicit RawSocket(uint16_t port, const std::string& sourceIp = "");
    ~RawSocket();
    RawSocket(RawSocket&& other) noexcept;
    RawSocket& operator=(RawSocket&&) = delete;
    RawSocket(const RawSocket&) = delete;
    RawSocket& operator=(const RawSocket&) = delete;

    bool ok() const { return fd_ >= 0; }
    const std::string& error() const { return error_; }
    int fd() const { return fd_; }
    // False when the peer is gone.
    bool send(const std::string& bytes);

    struct Read {
        std::string bytes;
        bool closed = false;  // EOF or reset: the proxy closed the connection
    };
    // Whatever arrives within timeoutMs, until the peer closes.
    Read readUntilClosed(int timeoutMs);
    // Whatever has arrived already (waits at most waitMs for the first byte).
    std::string readAvailable(int waitMs);

    // The status of an HTTP response in bytes ("HTTP/1.1 503 ..."), 0 when none.
    static int statusOf(const std::string& bytes);
    // Its body (after the blank line).
    static std::string bodyOf(const std::string& bytes);

private:
    int fd_ = -1;
    std::string error_;
};

}  // namespace rtmtap::test
