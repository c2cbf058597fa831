#include "InflightSockets.h"

#include <sys/socket.h>

namespace rtmtap {

bool InflightSockets::add(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    if (stopping_) {
        return false;
    }
    fds_.insert(fd);
    return true;
}

void InflightSockets::remove(int fd) {
    std::lock_guard<std::mutex> lock(mutex_);
    fds_.erase(fd);
}

void InflightSockets::abortAll() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopping_ = true;
    for (int fd : fds_) {
        ::shutdown(fd, SHUT_RDWR);
    }
}

}  // namespace rtmtap
