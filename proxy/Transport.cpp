#include "Transport.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <sys/time.h>

namespace rtmtap {

Transport::Transport(Poco::Net::StreamSocket socket) : socket_(std::move(socket)), fd_(socket_.impl()->sockfd()) {
    int one = 1;
    // Frames are small and latency matters more than segment count.
    ::setsockopt(fd_, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
}

std::string Transport::error() const {
    std::lock_guard<std::mutex> lock(errorMutex_);
    return error_;
}

void Transport::setError(const std::string& text) {
    std::lock_guard<std::mutex> lock(errorMutex_);
    error_ = text;
}

// recv/send results as the relay wants them: retried on EINTR, EAGAIN as WouldBlock.
template <typename Call>
ssize_t Transport::retry(Call call) {
    for (;;) {
        ssize_t n = call();
        if (n >= 0) {
            return n;
        }
        if (errno == EINTR) {
            continue;
        }
        if (errno == EAGAIN || errno == EWOULDBLOCK) {
            return WouldBlock;
        }
        setError(std::strerror(errno));
        return Failed;
    }
}

ssize_t Transport::read(char* buf, size_t len) {
    return retry([&] { return ::recv(fd_, buf, len, 0); });
}

ssize_t Transport::write(const char* buf, size_t len) {
    return retry([&] { return ::send(fd_, buf, len, MSG_NOSIGNAL); });
}

void Transport::shutdownWrite() {
    ::shutdown(fd_, SHUT_WR);
}

void Transport::setBlocking(bool blocking, int timeoutMs) {
    int flags = ::fcntl(fd_, F_GETFL, 0);
    flags = blocking ? (flags & ~O_NONBLOCK) : (flags | O_NONBLOCK);
    ::fcntl(fd_, F_SETFL, flags);
    timeval tv{};
    if (blocking) {
        tv.tv_sec = timeoutMs / 1000;
        tv.tv_usec = (timeoutMs % 1000) * 1000;
    }
    ::setsockopt(fd_, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof(tv));
    ::setsockopt(fd_, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof(tv));
}

std::string Transport::peerAddress() const {
    try {
        return socket_.peerAddress().toString();
    } catch (...) {
        return "?";
    }
}

}  // namespace rtmtap
