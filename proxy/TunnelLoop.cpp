#include "TunnelLoop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace rtmtap {
namespace {

constexpr uint64_t kWakeKey = EpollSet::kWakeData;
constexpr size_t kChunk = 64 * 1024;

uint64_t keyOf(uint64_t id, int side) {
    return id * 2 + static_cast<uint64_t>(side);
}

}  // namespace

TunnelLoop::TunnelLoop() = default;

TunnelLoop::~TunnelLoop() {
    stop();
}

void TunnelLoop::start() {
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "rtmtap-tunnel");
        run();
    });
}

void TunnelLoop::stop() {
    stopping_ = true;
    epoll_.wake();
    if (thread_.joinable()) {
        thread_.join();
    }
    std::lock_guard<std::mutex> lock(mutex_);
    adoptions_.clear();
}

void TunnelLoop::adopt(std::unique_ptr<Transport> client, std::unique_ptr<Transport> origin, std::string clientEarly,
                       ConnectionLimits::Ticket ticket) {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (stopping_) {
            return;  // closes both
        }
        adoptions_.push_back(Adoption{std::move(client), std::move(origin), std::move(clientEarly), std::move(ticket)});
    }
    epoll_.wake();
}

void TunnelLoop::run() {
    constexpr int kMaxEvents = 128;
    epoll_event events[kMaxEvents];
    while (!stopping_) {
        const int n = ::epoll_wait(epoll_.fd(), events, kMaxEvents, -1);
        if (n < 0 && errno != EINTR) {
            std::cerr << "rtmtap: the tunnel loop failed: " << std::strerror(errno) << std::endl;
            break;
        }
        for (int i = 0; i < n && !stopping_; ++i) {
            if (events[i].data.u64 == kWakeKey) {
                epoll_.drain();
                takeAdoptions();
            } else {
                onEvent(events[i].data.u64, events[i].events);
            }
        }
    }
    tunnels_.clear();  // closes every side
    count_ = 0;
}

void TunnelLoop::takeAdoptions() {
    std::deque<Adoption> taken;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        taken.swap(adoptions_);
    }
    for (Adoption& a : taken) {
        const uint64_t id = nextId_++;
        Tunnel& t = tunnels_[id];
        t.side[0] = std::move(a.client);
        t.side[1] = std::move(a.origin);
        t.half[0].buffer = std::move(a.early);
        t.ticket = std::move(a.ticket);
        for (auto& side : t.side) {
            side->setBlocking(false, 0);
        }
        ++count_;
        onEvent(keyOf(id, 0), 0);
    }
}

// Whatever woke a side, both directions are pumped: a write that was waiting and a read that
// can go on are decided from the buffers, not from the event bits. A side epoll reports gone
// (EPOLLERR: reset; EPOLLHUP: nothing more either way) ends the tunnel once what it sent has
// been passed on: a half-closed side is only silent, and is never reported so.
void TunnelLoop::onEvent(uint64_t key, uint32_t events) {
    const uint64_t id = key / 2;
    auto it = tunnels_.find(id);
    if (it == tunnels_.end()) {
        return;
    }
    Tunnel& t = it->second;
    const int side = static_cast<int>(key % 2);
    if (events & (EPOLLERR | EPOLLHUP)) {
        t.hungUp[side] = true;
    }
    if (!pump(t) || (events & EPOLLERR)) {
        end(it);
        return;
    }
    for (int s = 0; s < 2; ++s) {
        if (t.hungUp[s] && t.half[s].buffer.empty()) {
            end(it);
            return;
        }
    }
    rewatch(t, id);
}

void TunnelLoop::end(std::unordered_map<uint64_t, Tunnel>::iterator it) {
    for (auto& side : it->second.side) {
        ::epoll_ctl(epoll_.fd(), EPOLL_CTL_DEL, side->fd(), nullptr);
    }
    tunnels_.erase(it);
    --count_;
}

bool TunnelLoop::pump(Tunnel& t) {
    if (!pumpHalf(t, 0) || !pumpHalf(t, 1)) {
        return false;
    }
    return !(t.half[0].done && t.half[1].done);
}

bool TunnelLoop::pumpHalf(Tunnel& t, int from) {
    Half& h = t.half[from];
    Transport& in = *t.side[from];
    Transport& out = *t.side[1 - from];
    for (;;) {
        while (h.offset < h.buffer.size()) {
            const ssize_t n = out.write(h.buffer.data() + h.offset, h.buffer.size() - h.offset);
            if (n == Transport::WouldBlock) {
                return true;
            }
            if (n < 0) {
                return false;  // that side is gone: so is the tunnel
            }
            h.offset += static_cast<size_t>(n);
            bytes_ += static_cast<uint64_t>(n);
        }
        h.buffer.clear();
        h.offset = 0;
        if (h.eof) {
            if (!h.done) {
                out.shutdownWrite();
                h.done = true;
            }
            return true;
        }
        h.buffer.resize(kChunk);
        const ssize_t n = in.read(h.buffer.data(), kChunk);
        if (n > 0) {
            h.buffer.resize(static_cast<size_t>(n));
            continue;
        }
        h.buffer.clear();
        if (n == Transport::WouldBlock) {
            return true;
        }
        if (n < 0) {
            return false;
        }
        h.eof = true;
    }
}

// Both sides stay in the epoll set (with no events wanted, if need be) until a side hangs up, so
// that a reset is heard even while nothing is read from or written to that side. A side that hung
// up leaves the set (epoll would report it again and again) while its last bytes drain.
void TunnelLoop::rewatch(Tunnel& t, uint64_t id) {
    for (int s = 0; s < 2; ++s) {
        if (t.hungUp[s]) {
            if (t.watched[s] != kUnwatched) {
                ::epoll_ctl(epoll_.fd(), EPOLL_CTL_DEL, t.side[s]->fd(), nullptr);
                t.watched[s] = kUnwatched;
            }
            continue;
        }
        uint32_t want = 0;
        if (!t.half[s].eof && t.half[s].buffer.empty()) {
            want |= EPOLLIN;  // side s may send more
        }
        if (!t.half[1 - s].buffer.empty()) {
            want |= EPOLLOUT;  // side s has bytes waiting for it
        }
        if (want == t.watched[s]) {
            continue;
        }
        epoll_event ev{};
        ev.events = want;
        ev.data.u64 = keyOf(id, s);
        ::epoll_ctl(epoll_.fd(), t.watched[s] == kUnwatched ? EPOLL_CTL_ADD : EPOLL_CTL_MOD, t.side[s]->fd(), &ev);
        t.watched[s] = want;
    }
}

}  // namespace rtmtap
