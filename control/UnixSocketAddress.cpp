#include "UnixSocketAddress.h"

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <stdexcept>
#include <sys/un.h>
#include <unistd.h>

namespace rtmtap {

static_assert(sizeof(sockaddr_un::sun_path) == UnixSocketAddress::kMaxPath + 1, "sun_path size");

UnixSocketAddress::UnixSocketAddress(const std::string& path) : address_(shortAddress(path, dirFd_)) {}

UnixSocketAddress::~UnixSocketAddress() {
    if (dirFd_ >= 0) {
        ::close(dirFd_);
    }
}

Poco::Net::SocketAddress UnixSocketAddress::shortAddress(const std::string& path, int& dirFd) {
    using Poco::Net::SocketAddress;
    if (path.size() <= kMaxPath) {
        return SocketAddress(SocketAddress::UNIX_LOCAL, path);
    }
    auto slash = path.rfind('/');
    std::string dir = slash == std::string::npos ? "." : (slash == 0 ? "/" : path.substr(0, slash));
    std::string name = slash == std::string::npos ? path : path.substr(slash + 1);
    dirFd = ::open(dir.c_str(), O_PATH | O_DIRECTORY | O_CLOEXEC);
    if (dirFd < 0) {
        throw std::runtime_error("cannot open the directory of '" + path + "': " + std::strerror(errno));
    }
    std::string viaFd = "/proc/self/fd/" + std::to_string(dirFd) + "/" + name;
    if (viaFd.size() > kMaxPath) {
        ::close(dirFd);
        dirFd = -1;
        throw std::runtime_error("the socket name '" + name + "' is too long for a Unix socket (at most " +
                                 std::to_string(kMaxPath - 20) + " bytes: use a shorter database name)");
    }
    return SocketAddress(SocketAddress::UNIX_LOCAL, viaFd);
}

}  // namespace rtmtap
