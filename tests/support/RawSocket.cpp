#include "RawSocket.h"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <cstring>

namespace rtmtap::test {
namespace {

sockaddr_in loopback(const std::string& ip, uint16_t port) {
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_port = htons(port);
    ::inet_pton(AF_INET, ip.c_str(), &a.sin_addr);
    return a;
}

}  // namespace

RawSocket::RawSocket(uint16_t port, const std::string& sourceIp) {
    fd_ = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd_ < 0) {
        error_ = std::string("socket: ") + std::strerror(errno);
        return;
    }
    if (!sourceIp.empty()) {
        sockaddr_in source = loopback(sourceIp, 0);
        if (::bind(fd_, reinterpret_cast<sockaddr*>(&source), sizeof source) != 0) {
            error_ = "bind " + sourceIp + ": " + std::strerror(errno);
            ::close(fd_);
            fd_ = -1;
            return;
        }
    }
    sockaddr_in to = loopback("127.0.0.1", port);
    if (::connect(fd_, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
        error_ = std::string("connect: ") + std::strerror(errno);
        ::close(fd_);
        fd_ = -1;
    }
}

RawSocket::~RawSocket() {
    if (fd_ >= 0) {
        ::close(fd_);
    }
}

RawSocket::RawSocket(RawSocket&& other) noexcept : fd_(other.fd_), error_(std::move(other.error_)) {
    other.fd_ = -1;
}

bool RawSocket::send(const std::string& bytes) {
    size_t done = 0;
    while (done < bytes.size()) {
        const ssize_t n = ::send(fd_, bytes.data() + done, bytes.size() - done, MSG_NOSIGNAL);
        if (n <= 0) {
            return false;
        }
        done += static_cast<size_t>(n);
    }
    return true;
}

RawSocket::Read RawSocket::readUntilClosed(int timeoutMs) {
    Read out;
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    for (;;) {
        const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(until - std::chrono::steady_clock::now());
        pollfd p{fd_, POLLIN, 0};
        if (left.count() <= 0 || ::poll(&p, 1, static_cast<int>(left.count())) <= 0) {
            return out;
        }
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            out.closed = true;
            return out;
        }
        out.bytes.append(chunk, static_cast<size_t>(n));
    }
}

std::string RawSocket::readAvailable(int waitMs) {
    std::string out;
    pollfd p{fd_, POLLIN, 0};
    while (::poll(&p, 1, out.empty() ? waitMs : 0) > 0) {
        char chunk[4096];
        const ssize_t n = ::recv(fd_, chunk, sizeof chunk, 0);
        if (n <= 0) {
            break;
        }
        out.append(chunk, static_cast<size_t>(n));
    }
    return out;
}

int RawSocket::statusOf(const std::string& bytes) {
    if (bytes.rfind("HTTP/1.1 ", 0) != 0 || bytes.size() < 12) {
        return 0;
    }
    return std::atoi(bytes.substr(9, 3).c_str());
}

std::string RawSocket::bodyOf(const std::string& bytes) {
    const size_t end = bytes.find("\r\n\r\n");
    return end == std::string::npos ? "" : bytes.substr(end + 4);
}

}  // namespace rtmtap::test
