#include "EpollSet.h"

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rtmtap {

EpollSet::EpollSet(const std::string& what) {
    epoll_ = ::epoll_create1(EPOLL_CLOEXEC);
    wakeFd_ = ::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeData;
    if (epoll_ < 0 || wakeFd_ < 0 || ::epoll_ctl(epoll_, EPOLL_CTL_ADD, wakeFd_, &ev) != 0) {
        const std::string why = std::strerror(errno);
        ::close(epoll_);
        ::close(wakeFd_);
        throw std::runtime_error("cannot create " + what + ": " + why);
    }
}

EpollSet::~EpollSet() {
    ::close(wakeFd_);
    ::close(epoll_);
}

void EpollSet::wake() {
    uint64_t one = 1;
    ssize_t ignored = ::write(wakeFd_, &one, sizeof one);
    (void)ignored;
}

void EpollSet::drain() {
    uint64_t drained;
    ssize_t ignored = ::read(wakeFd_, &drained, sizeof drained);
    (void)ignored;
}

}  // namespace rtmtap
