#include "UpstreamLoop.h"

#include "../src/Handshake.h"
#include "../src/Net.h"
#include "../src/WsFrame.h"

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstdio>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/time.h>
#include <unistd.h>

namespace rtmtap::bench {

namespace {

constexpr size_t kMaxHead = 8192;
constexpr size_t kMaxPayload = 64u << 20;
constexpr size_t kReadBudget = 4u << 20;   // per wake-up, so one busy socket cannot starve others
constexpr size_t kWriteBudget = 8u << 20;
constexpr size_t kBurstLowWater = 256 * 1024;

const char kEventHead[] =
    "{\"meta\":{\"api\":\"v1\",\"emitted_on\":%.3f},\"event\":\"chat.postMessage\",\"payload\":{\"message\":"
    "{\"user_id\":91010006,\"channel_id\":11010004,\"display_name\":\"bench@test.com\",\"attachments\":[],"
    "\"message_type\":1,\"is_edited\":false,\"parent_message\":[],\"emoticons\":[],"
    "\"created_on\":\"2019-10-17 16:44:32\",\"id\":";
const char kEventMid[] = ",\"created_on_ts\":1571330672,\"content\":\"";
const char kEventTail[] = "\",\"read_user_count\":\"0\",\"read_users\":[]}}}";

double wallSeconds() {
    timeval tv;
    gettimeofday(&tv, nullptr);
    return double(tv.tv_sec) + double(tv.tv_usec) / 1e6;
}

}  // namespace

UpstreamLoop::UpstreamLoop(int listenFd, const std::atomic<bool>& stopping, int64_t deadlineUs)
    : listenFd_(listenFd), epollFd_(epoll_create1(EPOLL_CLOEXEC)), stopping_(stopping), deadlineUs_(deadlineUs) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.ptr = nullptr;  // nullptr marks the listener
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, listenFd_, &ev);
}

UpstreamLoop::~UpstreamLoop() { close(epollFd_); }

void UpstreamLoop::run() {
    epoll_event events[256];
    while (!stopping_ && nowUs() < deadlineUs_) {
        int n = epoll_wait(epollFd_, events, 256, 200);
        for (int i = 0; i < n; ++i) {
            auto* c = static_cast<Conn*>(events[i].data.ptr);
            if (c == nullptr) {
                acceptAll();
                continue;
            }
            uint32_t e = events[i].events;
            if ((e & (EPOLLIN | EPOLLERR | EPOLLHUP)) && !onReadable(c)) {
                continue;
            }
            if (e & EPOLLOUT) {
                pump(c);
            }
        }
    }
    // Connections still open at exit are left to the kernel: this is a benchmark tool.
}

void UpstreamLoop::acceptAll() {
    for (int i = 0; i < 1024; ++i) {
        int fd = accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd < 0) {
            if (errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR) {
                std::fprintf(stderr, "bench_upstream: accept: %s\n", std::strerror(errno));
            }
            return;
        }
        setNoDelay(fd);
        auto* c = new Conn;
        c->fd = fd;
        epoll_event ev{};
        ev.events = EPOLLIN;
        ev.data.ptr = c;
        epoll_ctl(epollFd_, EPOLL_CTL_ADD, fd, &ev);
    }
}

bool UpstreamLoop::onReadable(Conn* c) {
    size_t total = 0;
    while (total < kReadBudget) {
        size_t chunk = c->in.readChunk();
        char* tail = c->in.reserveTail(chunk);
        ssize_t n = read(c->fd, tail, chunk);
        if (n > 0) {
            c->in.commit(size_t(n));
            c->in.noteRead(size_t(n));
            total += size_t(n);
            if (size_t(n) < chunk) {
                break;  // drained for now; level-triggered epoll reports what comes next
            }
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            break;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        closeConn(c);  // EOF or error: the peer is gone
        return false;
    }
    if (c->mode == Mode::BlackHole) {
        c->in.clear();
        return true;
    }
    if (c->mode == Mode::Handshake) {
        int st = handshake(c);
        if (st <= 0) {
            return st == 0;
        }
    }
    if (!onFrames(c)) {
        return false;
    }
    return pump(c);
}

int UpstreamLoop::handshake(Conn* c) {
    size_t end = headEnd(c->in.data(), c->in.size());
    if (end == 0 && c->in.size() <= kMaxHead) {
        return 0;
    }
    UpgradeRequest req;
    std::string error = "request head too large";
    std::string head(c->in.data(), end);
    if (end == 0 || !parseUpgradeRequest(head, req, error)) {
        std::string bad = "HTTP/1.1 400 Bad Request\r\nContent-Length: " + std::to_string(error.size() + 1) +
                          "\r\nConnection: close\r\n\r\n" + error + "\n";
        c->in.clear();
        c->out.append(bad.data(), bad.size());
        c->mode = Mode::Idle;
        c->closeAfterFlush = true;
        return pump(c) ? 0 : -1;
    }
    c->in.consume(end);
    if (req.target.find("/blackhole") != std::string::npos) {
        c->mode = Mode::BlackHole;  // never answers; what follows is read and dropped
        c->in.clear();
        return 0;
    }
    std::string resp = upgradeResponse(req);
    c->out.append(resp.data(), resp.size());
    std::string path = req.target.substr(0, req.target.find('?'));
    if (path.find("/burst") != std::string::npos) {
        c->mode = Mode::Burst;
        c->burstTotal = c->burstLeft = std::max(0L, queryNumber(req.target, "n", 100000));
        c->burstSize = std::max(0L, std::min(queryNumber(req.target, "size", 500), long(kMaxPayload)));
        c->markerSent = false;
    } else if (path.find("/idle") != std::string::npos) {
        c->mode = Mode::Idle;
    } else {
        c->mode = Mode::Echo;
    }
    return 1;
}

bool UpstreamLoop::onFrames(Conn* c) {
    for (;;) {
        Frame f;
        size_t used = 0;
        std::string error;
        ParseStatus st = parseFrame(c->in.data(), c->in.size(), true, kMaxPayload, f, used, error);
        if (st == ParseStatus::NeedMore) {
            return true;
        }
        if (st == ParseStatus::Error) {
            std::fprintf(stderr, "bench_upstream: dropping connection: %s\n", error.c_str());
            closeConn(c);
            return false;
        }
        if (c->closeAfterFlush) {
            c->in.clear();
            return true;
        }
        if (f.opcode == OpClose) {
            // Answer with the same code; whatever follows a close is ignored.
            appendFrame(c->out, OpClose, f.payload, std::min<size_t>(f.size, 125), false, 0);
            c->closeAfterFlush = true;
            c->burstLeft = 0;
            c->markerSent = true;
            c->in.clear();
            return true;
        }
        if (f.opcode == OpPing || f.opcode == OpPong) {
            c->in.consume(used);
            continue;
        }
        if (f.opcode == OpCont || !f.fin || c->inFragment) {
            if (f.opcode != OpCont) {
                c->fragmentOp = f.opcode;
                c->fragment.clear();
            }
            c->fragment.append(f.payload, f.size);
            c->inFragment = !f.fin;
            if (f.fin) {
                onMessage(c, c->fragmentOp, c->fragment.data(), c->fragment.size());
            }
        } else {
            onMessage(c, f.opcode, f.payload, f.size);
        }
        c->in.consume(used);
    }
}

void UpstreamLoop::onMessage(Conn* c, uint8_t op, const char* data, size_t size) {
    if (c->mode == Mode::Echo && !c->closeAfterFlush) {
        appendFrame(c->out, op, data, size, false, 0);
    }
}

void UpstreamLoop::refillBurst(Conn* c) {
    if (event_.empty()) {
        char head[sizeof kEventHead + 32];
        std::snprintf(head, sizeof head, kEventHead, wallSeconds());
        event_ = head;
    }
    size_t fixed = event_.size() + sizeof kEventMid - 1 + sizeof kEventTail - 1;
    std::string msg;
    while (c->burstLeft > 0 && c->out.size() < kBurstLowWater) {
        char id[24];
        auto res = std::to_chars(id, id + sizeof id, 10000 + c->nextId++);
        size_t idLen = size_t(res.ptr - id);
        size_t pad = size_t(c->burstSize) > fixed + idLen ? size_t(c->burstSize) - fixed - idLen : 0;
        msg.assign(event_);
        msg.append(id, idLen);
        msg.append(kEventMid, sizeof kEventMid - 1);
        msg.append(pad, 'x');
        msg.append(kEventTail, sizeof kEventTail - 1);
        appendFrame(c->out, OpText, msg.data(), msg.size(), false, 0);
        --c->burstLeft;
    }
    if (c->burstLeft == 0 && !c->markerSent) {
        std::string end = "{\"meta\":{\"api\":\"v1\"},\"event\":\"bench.burstEnd\",\"payload\":{\"count\":" +
                          std::to_string(c->burstTotal) + "}}";
        appendFrame(c->out, OpText, end.data(), end.size(), false, 0);
        c->markerSent = true;
    }
}

bool UpstreamLoop::pump(Conn* c) {
    size_t written = 0;
    for (;;) {
        if (c->mode == Mode::Burst && !c->closeAfterFlush) {
            refillBurst(c);
        }
        while (!c->out.empty()) {
            ssize_t n = send(c->fd, c->out.data(), c->out.size(), MSG_NOSIGNAL);
            if (n > 0) {
                c->out.consume(size_t(n));
                written += size_t(n);
                continue;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                setWriteArmed(c, true);
                return true;
            }
            closeConn(c);
            return false;
        }
        bool moreBurst = c->mode == Mode::Burst && !c->markerSent;
        if (!moreBurst) {
            break;
        }
        if (written >= kWriteBudget) {
            setWriteArmed(c, true);  // level-triggered: comes back after other sockets had a turn
            return true;
        }
    }
    if (c->closeAfterFlush) {
        closeConn(c);
        return false;
    }
    setWriteArmed(c, false);
    return true;
}

void UpstreamLoop::setWriteArmed(Conn* c, bool armed) {
    if (c->writeArmed == armed) {
        return;
    }
    c->writeArmed = armed;
    epoll_event ev{};
    ev.events = uint32_t(EPOLLIN) | (armed ? uint32_t(EPOLLOUT) : 0u);
    ev.data.ptr = c;
    epoll_ctl(epollFd_, EPOLL_CTL_MOD, c->fd, &ev);
}

void UpstreamLoop::closeConn(Conn* c) {
    epoll_ctl(epollFd_, EPOLL_CTL_DEL, c->fd, nullptr);
    close(c->fd);
    delete c;
}

}  // namespace rtmtap::bench
