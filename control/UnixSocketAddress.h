#pragma once
// A Unix domain socket address for a path of any length. sockaddr_un holds at most 107 bytes of
// path (108 with its NUL); a database deep in a tree easily passes that. A longer path is reached
// through its directory: the directory is opened (O_PATH) and the socket is named
// /proc/self/fd/N/NAME, which bind and connect resolve like the real path (Linux). The
// descriptor stays open while this object lives, so bind or connect while holding it.
#include <Poco/Net/SocketAddress.h>

#include <string>

namespace rtmtap {

class UnixSocketAddress {
public:
    // Throws std::runtime_error with one line when the path cannot be addressed (its directory
    // does not open, or its file name alone is too long).
    explicit UnixSocketAddress(const std::string& path);
    ~UnixSocketAddress();
    UnixSocketAddress(const UnixSocketAddress&) = delete;
    UnixSocketAddress& operator=(const UnixSocketAddress&) = delete;

    const Poco::Net::SocketAddress& address() const { return address_; }
    // Whether the path went through /proc/self/fd (for tests and messages).
    bool viaDirectory() const { return dirFd_ >= 0; }

    static constexpr size_t kMaxPath = 107;  // sizeof(sockaddr_un::sun_path) - 1

private:
    static Poco::Net::SocketAddress shortAddress(const std::string& path, int& dirFd);

    int dirFd_ = -1;
    Poco::Net::SocketAddress address_;
};

}  // namespace rtmtap
