#include "TcpRelay.h"

#include "../src/Net.h"

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rtmtap::bench {

namespace {

constexpr size_t kHighWater = 1u << 20;  // stop reading a side while its peer has this much queued
constexpr size_t kReadChunk = 128 * 1024;

}  // namespace

TcpRelay::TcpRelay(int listenFd, std::string upstreamHost, int upstreamPort, const std::atomic<bool>& stopping)
    : listenFd_(listenFd), epollFd_(epoll_create1(EPOLL_CLOEXEC)), upstreamHost_(std::move(upstreamHost)),
      upstreamPort_(upstreamPort), stopping_(stopping) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &ev);
}

TcpRelay::~TcpRelay() { close(epollFd_); }

void TcpRelay::run(int64_t deadlineUs) {
    epoll_event events[256];
    while (!stopping_ && nowUs() < deadlineUs) {
        int n = epoll_wait(epollFd_, events, 256, 200);
        for (int i = 0; i < n; ++i) {
            auto* s = static_cast<Side*>(events[i].data.ptr);
            if (s == nullptr) {
                acceptAll();
                continue;
            }
            if (s->fd < 0) {
                continue;  // its pair was closed earlier in this batch
            }
            if (events[i].events & EPOLLOUT) {
                onWritable(s);
            }
            if (s->fd >= 0 && (events[i].events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
                onReadable(s);
            }
        }
        for (Side* pair : closed_) {
            delete[] pair;
        }
        closed_.clear();
    }
}

void TcpRelay::acceptAll() {
    for (int i = 0; i < 1024; ++i) {
        int fd = accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            return;
        }
        setNoDelay(fd);
        std::string error;
        int up = connectTcp(upstreamHost_, upstreamPort_, error);
        if (up < 0) {
            std::fprintf(stderr, "bench_relay: %s\n", error.c_str());
            close(fd);
            continue;
        }
        // Both sides live in one allocation; side a is the client, side b the upstream.
        auto* pair = new Side[2];
        pair[0].fd = fd;
        pair[1].fd = up;
        pair[0].peer = &pair[1];
        pair[1].peer = &pair[0];
        for (int k = 0; k < 2; ++k) {
            pair[k].mask = EPOLLIN;
            epoll_event ev{};
            ev.events = EPOLLIN;
            ev.data.ptr = &pair[k];
            epoll_ctl(epollFd_, EPOLL_CTL_ADD, pair[k].fd, &ev);
        }
    }
}

void TcpRelay::onReadable(Side* s) {
    Side* p = s->peer;
    while (s->reading && p->pending.size() < kHighWater) {
        char* tail = p->pending.reserveTail(kReadChunk);
        ssize_t n = read(s->fd, tail, kReadChunk);
        if (n > 0) {
            p->pending.commit(size_t(n));
            if (size_t(n) < kReadChunk) {
                break;  // drained for now; level-triggered epoll reports what comes next
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        s->eof = true;
        s->reading = false;
        break;
    }
    if (!flush(p)) {
        closePair(s);
        return;
    }
    if (s->eof && p->pending.empty()) {
        closePair(s);  // a WebSocket session is over when either side has left
        return;
    }
    if (p->pending.size() >= kHighWater) {
        s->reading = false;
    }
    update(s);
    update(p);
}

void TcpRelay::onWritable(Side* s) {
    if (!flush(s)) {
        closePair(s);
        return;
    }
    Side* p = s->peer;
    if (s->pending.empty() && p->eof) {
        closePair(s);
        return;
    }
    if (s->pending.size() < kHighWater / 2 && !p->eof) {
        p->reading = true;
    }
    update(s);
    update(p);
}

bool TcpRelay::flush(Side* s) {
    while (!s->pending.empty()) {
        ssize_t n = send(s->fd, s->pending.data(), s->pending.size(), MSG_NOSIGNAL);
        if (n > 0) {
            s->pending.consume(size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        return n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK);
    }
    return true;
}

void TcpRelay::update(Side* s) {
    uint32_t mask = (s->reading ? uint32_t(EPOLLIN) : 0u) | (s->pending.empty() ? 0u : uint32_t(EPOLLOUT));
    if (mask == s->mask) {
        return;
    }
    s->mask = mask;
    epoll_event ev{};
    ev.events = mask;
    ev.data.ptr = s;
    epoll_ctl(epollFd_, EPOLL_CTL_MOD, s->fd, &ev);
}

void TcpRelay::closePair(Side* s) {
    Side* pair = s < s->peer ? s : s->peer;
    for (int k = 0; k < 2; ++k) {
        epoll_ctl(epollFd_, EPOLL_CTL_DEL, pair[k].fd, nullptr);
        close(pair[k].fd);
        pair[k].fd = -1;
    }
    // Events later in this batch may still point at these sides: free them after the batch.
    closed_.push_back(pair);
}

}  // namespace rtmtap::bench
