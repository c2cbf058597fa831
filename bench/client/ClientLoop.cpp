#include "ClientLoop.h"

#include "../src/WsFrame.h"

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rtmtap::bench {

namespace {

constexpr size_t kMaxHead = 16384;
constexpr size_t kMaxPayload = 64u << 20;
constexpr size_t kReadBudget = 8u << 20;

}  // namespace

ClientLoop::ClientLoop(WsUrl url, ClientHandler& handler)
    : url_(std::move(url)), handler_(handler), epollFd_(epoll_create1(EPOLL_CLOEXEC)), rng_(uint64_t(nowUs())) {}

ClientLoop::~ClientLoop() {
    for (auto& c : conns_) {
        if (c->fd >= 0) {
            close(c->fd);
        }
    }
    close(epollFd_);
}

void ClientLoop::open(int count, int maxPending) {
    target_ += count;
    maxPending_ = maxPending > 0 ? maxPending : count;
    while (int(conns_.size()) < target_ && pending_ < maxPending_) {
        startOne();
    }
}

void ClientLoop::startOne() {
    auto c = std::make_unique<ClientConn>();
    c->index = int(conns_.size());
    c->startUs = nowUs();
    std::string error;
    c->fd = connectTcp(url_.host, url_.port, error);
    ClientConn& ref = *c;
    conns_.push_back(std::move(c));
    if (ref.fd < 0) {
        ref.state = ClientConn::State::Closed;
        ++counters_.failed;
        noteError(error);
        return;
    }
    if (stampArrivals_ && !enableRxStamps(ref.fd)) {
        noteError("SO_TIMESTAMPING is not available: arrivals are read times");
    }
    ++pending_;
    ref.key = base64(randomBytes(rng_, 16));
    std::string req = upgradeRequest(url_, ref.key);
    ref.out.append(req.data(), req.size());
    epoll_event ev{};
    ev.events = EPOLLIN | EPOLLOUT;  // EPOLLOUT reports the end of the non-blocking connect
    ev.data.ptr = &ref;
    ref.writeArmed = true;
    epoll_ctl(epollFd_, EPOLL_CTL_ADD, ref.fd, &ev);
}

bool ClientLoop::runUntil(const std::function<bool()>& done, int64_t deadlineUs) {
    epoll_event events[512];
    flushDirty();
    while (!done()) {
        int64_t left = deadlineUs - nowUs();
        if (left <= 0) {
            return false;
        }
        int n = epoll_wait(epollFd_, events, 512, int(std::min<int64_t>(left / 1000 + 1, 100)));
        for (int i = 0; i < n; ++i) {
            onEvent(*static_cast<ClientConn*>(events[i].data.ptr), events[i].events);
        }
        flushDirty();
        while (int(conns_.size()) < target_ && pending_ < maxPending_) {
            startOne();
        }
    }
    return true;
}

void ClientLoop::onEvent(ClientConn& c, uint32_t events) {
    if (c.state == ClientConn::State::Closed) {
        return;
    }
    if (events & EPOLLOUT) {
        flush(c);
    }
    if (c.state != ClientConn::State::Closed && (events & (EPOLLIN | EPOLLERR | EPOLLHUP))) {
        if (!readAll(c)) {
            return;
        }
        if (c.state == ClientConn::State::Handshaking) {
            handshake(c);
        }
        if (c.state == ClientConn::State::Open || c.state == ClientConn::State::Closing) {
            frames(c);
        }
    }
}

bool ClientLoop::readAll(ClientConn& c) {
    size_t total = 0;
    while (total < kReadBudget) {
        size_t chunk = c.in.readChunk();
        char* tail = c.in.reserveTail(chunk);
        int64_t arrived = 0;
        ssize_t n = stampArrivals_ ? recvStamped(c.fd, tail, chunk, arrived) : read(c.fd, tail, chunk);
        if (n > 0) {
            c.readUs = nowUs();
            c.arrivedUs = arrived != 0 ? arrived : c.readUs;
            c.in.commit(size_t(n));
            c.in.noteRead(size_t(n));
            total += size_t(n);
            if (size_t(n) < chunk) {
                return true;  // drained for now; level-triggered epoll reports what comes next
            }
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            return true;
        }
        // EOF or error: parse what arrived first (a close frame may precede the FIN).
        if (c.state == ClientConn::State::Handshaking && total > 0) {
            handshake(c);
        }
        if (c.state == ClientConn::State::Open || c.state == ClientConn::State::Closing) {
            frames(c);
        }
        if (c.state != ClientConn::State::Closed) {
            finish(c, n == 0 ? "connection closed by peer" : std::string("read: ") + std::strerror(errno));
        }
        return false;
    }
    return true;
}

void ClientLoop::handshake(ClientConn& c) {
    size_t end = headEnd(c.in.data(), c.in.size());
    if (end == 0) {
        if (c.in.size() > kMaxHead) {
            finish(c, "response head too large");
        }
        return;
    }
    std::string head(c.in.data(), end);
    c.in.consume(end);
    std::string error;
    if (!checkUpgradeResponse(head, c.key, error)) {
        finish(c, error);
        return;
    }
    c.state = ClientConn::State::Open;
    c.openUs = nowUs();
    --pending_;
    ++openNow_;
    ++counters_.opened;
    handler_.onOpen(c);
}

void ClientLoop::frames(ClientConn& c) {
    while (c.state != ClientConn::State::Closed) {
        Frame f;
        size_t used = 0;
        std::string error;
        ParseStatus st = parseFrame(c.in.data(), c.in.size(), false, kMaxPayload, f, used, error);
        if (st == ParseStatus::NeedMore) {
            return;
        }
        if (st == ParseStatus::Error) {
            ++counters_.protocolErrors;
            finish(c, error);
            return;
        }
        ++counters_.framesReceived;
        if (f.opcode == OpClose) {
            if (c.state == ClientConn::State::Open) {
                send(c, OpClose, f.payload, std::min<size_t>(f.size, 125));
                flush(c);
            }
            c.in.clear();
            finish(c, "");
            return;
        }
        if (f.opcode == OpPing || f.opcode == OpPong) {
            if (f.opcode == OpPing) {
                send(c, OpPong, f.payload, f.size);
            }
            if (c.state == ClientConn::State::Open) {
                handler_.onControl(c, f.opcode, f.payload, f.size);
            }
        } else if (f.opcode == OpCont || !f.fin || c.inFragment) {
            if (f.opcode != OpCont) {
                c.fragmentOp = f.opcode;
                c.fragment.clear();
            }
            c.fragment.append(f.payload, f.size);
            c.inFragment = !f.fin;
            if (f.fin && c.state == ClientConn::State::Open) {
                handler_.onMessage(c, c.fragmentOp, c.fragment.data(), c.fragment.size());
            }
        } else if (c.state == ClientConn::State::Open) {
            handler_.onMessage(c, f.opcode, f.payload, f.size);
        }
        c.in.consume(used);
    }
}

void ClientLoop::send(ClientConn& c, uint8_t op, const char* data, size_t size) {
    if (c.state == ClientConn::State::Closed) {
        return;
    }
    appendFrame(c.out, op, data, size, true, uint32_t(rng_.next()));
    ++counters_.framesSent;
    if (!c.dirty) {
        c.dirty = true;
        dirty_.push_back(&c);
    }
}

void ClientLoop::sendNow(ClientConn& c, uint8_t op, const char* data, size_t size) {
    send(c, op, data, size);
    flush(c);  // it stays on the dirty list: flushing it again there finds nothing to write
}

void ClientLoop::flushDirty() {
    // flush() may finish() a connection but never frees one, so the pointers stay valid.
    for (size_t i = 0; i < dirty_.size(); ++i) {
        ClientConn* c = dirty_[i];
        c->dirty = false;
        flush(*c);
    }
    dirty_.clear();
}

void ClientLoop::flush(ClientConn& c) {
    while (c.state != ClientConn::State::Closed && !c.out.empty()) {
        ssize_t n = ::send(c.fd, c.out.data(), c.out.size(), MSG_NOSIGNAL);
        if (n > 0) {
            c.out.consume(size_t(n));
            continue;
        }
        if (n < 0 && errno == EINTR) {
            continue;
        }
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
            setWriteArmed(c, true);
            return;
        }
        int err = 0;
        socklen_t len = sizeof err;
        getsockopt(c.fd, SOL_SOCKET, SO_ERROR, &err, &len);
        finish(c, std::string("send: ") + std::strerror(err != 0 ? err : errno));
        return;
    }
    if (c.state != ClientConn::State::Closed) {
        setWriteArmed(c, false);
    }
}

void ClientLoop::setWriteArmed(ClientConn& c, bool armed) {
    if (c.writeArmed == armed) {
        return;
    }
    c.writeArmed = armed;
    epoll_event ev{};
    ev.events = uint32_t(EPOLLIN) | (armed ? uint32_t(EPOLLOUT) : 0u);
    ev.data.ptr = &c;
    epoll_ctl(epollFd_, EPOLL_CTL_MOD, c.fd, &ev);
}

void ClientLoop::closeAll(int64_t deadlineUs) {
    target_ = int(conns_.size());  // start nothing new
    std::string payload = closePayload(1000, "bench done");
    for (auto& c : conns_) {
        if (c->state == ClientConn::State::Open) {
            send(*c, OpClose, payload.data(), payload.size());
            c->state = ClientConn::State::Closing;
        } else if (c->state == ClientConn::State::Handshaking) {
            finish(*c, "");
        }
    }
    runUntil([this] { return openNow_ == 0; }, deadlineUs);
    for (auto& c : conns_) {
        if (c->state != ClientConn::State::Closed) {
            finish(*c, "");
        }
    }
}

void ClientLoop::finish(ClientConn& c, const std::string& why) {
    if (c.state == ClientConn::State::Handshaking) {
        --pending_;
        if (!why.empty()) {
            ++counters_.failed;
        }
    } else {
        --openNow_;
        if (c.state == ClientConn::State::Open && !why.empty()) {
            ++counters_.droppedOpen;
        }
    }
    if (!why.empty() && c.state != ClientConn::State::Closing) {
        noteError(why);
    }
    c.state = ClientConn::State::Closed;
    epoll_ctl(epollFd_, EPOLL_CTL_DEL, c.fd, nullptr);
    close(c.fd);
    c.fd = -1;
}

void ClientLoop::noteError(const std::string& error) {
    if (firstError_.empty()) {
        firstError_ = error;
    }
}

}  // namespace rtmtap::bench
