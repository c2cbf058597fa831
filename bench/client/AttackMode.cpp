// attack: hostile peers for bench/attack.sh. Keeps -c connections of one --kind going against the
// proxy on one epoll loop, until -d seconds have passed or SIGTERM, then says what it saw:
//   idle       connects and sends nothing; reconnects when the proxy closes
//   slowloris  sends an upgrade request that never ends, one byte a second; reconnects
//   garbage    connects, sends 64 bytes of junk, closes, again and again
//   noread     upgrades (the URL picks the upstream's mode, e.g. /burst) and never reads a byte
//   blackhole  asks for an upgrade the upstream never answers (/blackhole); counts the answers
//   fragments  upgrades, then sends --size byte messages as 1-byte fragments, one after another
// "ATTACK_READY" is printed once every connection has been made or has failed once (fragments: once
// upgraded), or after 30 s.
#include "../src/Buffer.h"
#include "../src/Handshake.h"
#include "../src/Net.h"
#include "../src/WsFrame.h"
#include "Modes.h"

#include <algorithm>
#include <cerrno>
#include <csignal>
#include <cstdio>
#include <cstring>
#include <map>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <vector>

namespace rtmtap::bench {

namespace {

volatile std::sig_atomic_t gStop = 0;

void onStopSignal(int) {
    gStop = 1;
}

enum class Kind { Idle, Slowloris, Garbage, NoRead, BlackHole, Fragments };

bool parseKind(const std::string& name, Kind& kind) {
    static const std::map<std::string, Kind> kinds = {
        {"idle", Kind::Idle},       {"slowloris", Kind::Slowloris}, {"garbage", Kind::Garbage},
        {"noread", Kind::NoRead},   {"blackhole", Kind::BlackHole}, {"fragments", Kind::Fragments}};
    auto it = kinds.find(name);
    if (it == kinds.end()) {
        return false;
    }
    kind = it->second;
    return true;
}

constexpr size_t kFrameBatch = 1u << 20;  // fragments: frames made ahead, per write round
constexpr int64_t kRetryUs = 100000;      // after a failed connect

struct Peer {
    int fd = -1;
    bool connected = false;
    bool counted = false;      // its answer (a status line) has been counted
    bool upgraded = false;
    int64_t retryAtUs = 0;     // closed: open again at this time
    int64_t nextByteUs = 0;    // slowloris
    size_t position = 0;       // slowloris: bytes of the request sent
    std::string in;            // the answer so far
    std::string key;
    Buffer out;                // fragments: frames not yet written
    size_t messageDone = 0;    // fragments: bytes of the current message framed
};

class Attack {
public:
    Attack(const ClientOptions& o, Kind kind) : o_(o), kind_(kind), rng_(uint64_t(nowUs())) {
        epoll_ = epoll_create1(EPOLL_CLOEXEC);
        peers_.resize(size_t(std::max(1L, o.connections)));
        junk_ = randomBytes(rng_, 64);
        junk_[0] = '\x16';  // a TLS record type: not HTTP at all
    }
    ~Attack() {
        for (Peer& p : peers_) {
            if (p.fd >= 0) {
                close(p.fd);
            }
        }
        close(epoll_);
    }

    int run() {
        const int64_t start = nowUs();
        const int64_t end = start + int64_t(o_.seconds * 1e6);
        for (Peer& p : peers_) {
            open(p);
        }
        epoll_event events[512];
        while (!gStop && nowUs() < end) {
            int n = epoll_wait(epoll_, events, 512, 50);
            for (int i = 0; i < n; ++i) {
                onEvent(*static_cast<Peer*>(events[i].data.ptr), events[i].events);
            }
            tick(nowUs());
            if (!ready_ && (isReady() || nowUs() - start > 30000000)) {
                ready_ = true;
                std::printf("ATTACK_READY kind=%s open=%zu\n", o_.kind.c_str(), openCount());
                std::fflush(stdout);
            }
        }
        report(double(nowUs() - start) / 1e6);
        return 0;
    }

private:
    void open(Peer& p) {
        p = Peer();
        std::string error;
        p.fd = connectTcp(o_.target.host, o_.target.port, error);
        if (p.fd < 0) {
            ++connectErrors_;
            p.retryAtUs = nowUs() + kRetryUs;
            return;
        }
        ++connects_;
        watch(p, EPOLLOUT | EPOLLIN, EPOLL_CTL_ADD);
    }

    void watch(Peer& p, uint32_t events, int op = EPOLL_CTL_MOD) {
        epoll_event ev{};
        ev.events = events;
        ev.data.ptr = &p;
        epoll_ctl(epoll_, op, p.fd, &ev);
    }

    // The peer is done with: counted, closed, and opened again at once or after a pause.
    void again(Peer& p, bool byPeer, bool cycle) {
        closedByPeer_ += byPeer ? 1 : 0;
        cycles_ += cycle ? 1 : 0;
        epoll_ctl(epoll_, EPOLL_CTL_DEL, p.fd, nullptr);
        close(p.fd);
        p.fd = -1;
        if (!gStop) {
            open(p);
        }
    }

    void onEvent(Peer& p, uint32_t events) {
        if (p.fd < 0) {
            return;
        }
        if (!p.connected && (events & (EPOLLOUT | EPOLLERR | EPOLLHUP))) {
            int err = 0;
            socklen_t len = sizeof err;
            getsockopt(p.fd, SOL_SOCKET, SO_ERROR, &err, &len);
            if (err != 0) {
                ++connectErrors_;
                --connects_;
                epoll_ctl(epoll_, EPOLL_CTL_DEL, p.fd, nullptr);
                close(p.fd);
                p.fd = -1;
                p.retryAtUs = nowUs() + kRetryUs;
                return;
            }
            p.connected = true;
            ++established_;
            onConnected(p);
            if (p.fd < 0) {
                return;
            }
        }
        if (events & EPOLLIN) {
            onReadable(p);
        }
        if (p.fd >= 0 && p.upgraded && (events & EPOLLOUT)) {
            writeFragments(p);
        }
    }

    void onConnected(Peer& p) {
        switch (kind_) {
        case Kind::Idle:
            watch(p, EPOLLIN);
            break;
        case Kind::Slowloris:
            watch(p, EPOLLIN);
            p.nextByteUs = nowUs() + int64_t(rng_.next() % 1000000);
            break;
        case Kind::Garbage:
            bytesSent_ += std::max<ssize_t>(0, ::send(p.fd, junk_.data(), junk_.size(), MSG_NOSIGNAL));
            again(p, false, true);
            break;
        case Kind::NoRead:
            sendRequest(p);
            epoll_ctl(epoll_, EPOLL_CTL_DEL, p.fd, nullptr);  // and never a read
            break;
        case Kind::BlackHole:
        case Kind::Fragments:
            sendRequest(p);
            watch(p, EPOLLIN);
            break;
        }
    }

    void sendRequest(Peer& p) {
        p.key = base64(randomBytes(rng_, 16));
        const std::string request = upgradeRequest(o_.target, p.key);
        bytesSent_ += std::max<ssize_t>(0, ::send(p.fd, request.data(), request.size(), MSG_NOSIGNAL));
    }

    void onReadable(Peer& p) {
        char buf[16384];
        for (;;) {
            ssize_t n = ::read(p.fd, buf, sizeof buf);
            if (n > 0) {
                if (!p.upgraded && p.in.size() < 16384) {
                    p.in.append(buf, size_t(n));
                }
                continue;
            }
            if (n < 0 && errno == EINTR) {
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK)) {
                break;
            }
            countAnswer(p);
            again(p, true, kind_ == Kind::BlackHole);
            return;
        }
        countAnswer(p);
        if (kind_ == Kind::Fragments && !p.upgraded && p.counted) {
            std::string error;
            const size_t end = headEnd(p.in.data(), p.in.size());
            if (!checkUpgradeResponse(p.in.substr(0, end), p.key, error)) {
                again(p, false, false);
                return;
            }
            p.upgraded = true;
            ++upgrades_;
            watch(p, EPOLLIN | EPOLLOUT);
        } else if (kind_ == Kind::BlackHole && p.counted) {
            again(p, false, true);  // answered: ask again
        }
    }

    // Counts the status of an HTTP answer once its status line is in.
    void countAnswer(Peer& p) {
        if (p.counted || p.in.find("\r\n") == std::string::npos || (kind_ == Kind::Fragments && headEnd(p.in.data(), p.in.size()) == 0)) {
            return;
        }
        p.counted = true;
        int status = 0;
        if (p.in.compare(0, 9, "HTTP/1.1 ") == 0) {
            status = std::atoi(p.in.c_str() + 9);
        }
        ++statuses_[status];
    }

    // Slowloris bytes that are due, and connections that wait to be opened again.
    void tick(int64_t now) {
        static const std::string endless = "GET /idle HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Slow: ";
        for (Peer& p : peers_) {
            if (p.fd < 0) {
                if (p.retryAtUs != 0 && now >= p.retryAtUs && !gStop) {
                    open(p);
                }
                continue;
            }
            if (kind_ != Kind::Slowloris || !p.connected || now < p.nextByteUs) {
                continue;
            }
            const char byte = p.position < endless.size() ? endless[p.position] : 'a';
            if (::send(p.fd, &byte, 1, MSG_NOSIGNAL) == 1) {
                ++p.position;
                ++bytesSent_;
            }
            p.nextByteUs += 1000000;
        }
    }

    // Frames the current message ahead, a batch at a time, and writes what the socket takes.
    void writeFragments(Peer& p) {
        const size_t size = size_t(std::max(1L, o_.size));
        for (;;) {
            while (p.out.size() < kFrameBatch && p.messageDone < size) {
                const char byte = char('a' + p.messageDone % 26);
                const bool first = p.messageDone == 0;
                const bool last = p.messageDone + 1 == size;
                appendFrame(p.out, first ? OpText : OpCont, &byte, 1, true, uint32_t(rng_.next()), last);
                ++p.messageDone;
            }
            if (p.out.empty()) {
                ++messages_;
                p.messageDone = 0;
                continue;
            }
            ssize_t n = ::send(p.fd, p.out.data(), p.out.size(), MSG_NOSIGNAL);
            if (n > 0) {
                p.out.consume(size_t(n));
                bytesSent_ += uint64_t(n);
                if (gStop) {
                    return;
                }
                continue;
            }
            if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
                return;  // EPOLLOUT stays armed
            }
            again(p, true, false);
            return;
        }
    }

    bool isReady() const {
        if (kind_ == Kind::Fragments) {
            return upgrades_ > 0;
        }
        return established_ + connectErrors_ >= uint64_t(peers_.size());
    }

    size_t openCount() const {
        return size_t(std::count_if(peers_.begin(), peers_.end(), [](const Peer& p) { return p.fd >= 0; }));
    }

    void report(double seconds) {
        uint64_t other = 0;
        for (const auto& [status, count] : statuses_) {
            if (status != 503 && status != 504 && status != 400 && status != 101) {
                other += count;
            }
        }
        auto status = [&](int code) { return (unsigned long long)(statuses_.count(code) ? statuses_.at(code) : 0); };
        std::printf("attack %s: %zu connections for %.1f s\n", o_.kind.c_str(), peers_.size(), seconds);
        std::printf("RESULT mode=attack kind=%s ok=1 target=%zu open_at_end=%zu seconds=%.1f connects=%llu "
                    "connect_errors=%llu closed_by_peer=%llu cycles=%llu status_101=%llu status_400=%llu "
                    "status_503=%llu status_504=%llu status_other=%llu messages=%llu bytes_sent=%llu\n",
                    o_.kind.c_str(), peers_.size(), openCount(), seconds, (unsigned long long)connects_,
                    (unsigned long long)connectErrors_, (unsigned long long)closedByPeer_, (unsigned long long)cycles_,
                    status(101), status(400), status(503), status(504), (unsigned long long)other,
                    (unsigned long long)messages_, (unsigned long long)bytesSent_);
    }

    const ClientOptions& o_;
    Kind kind_;
    Rng rng_;
    int epoll_ = -1;
    std::vector<Peer> peers_;  // never resized after the start: epoll holds pointers into it
    std::string junk_;
    bool ready_ = false;
    uint64_t connects_ = 0, established_ = 0, connectErrors_ = 0, closedByPeer_ = 0, cycles_ = 0, upgrades_ = 0;
    uint64_t messages_ = 0, bytesSent_ = 0;
    std::map<int, uint64_t> statuses_;  // status code of each answer (0: not HTTP)
};

}  // namespace

int runAttack(const ClientOptions& options) {
    Kind kind;
    if (!parseKind(options.kind, kind)) {
        std::fprintf(stderr, "bench_client: --kind must be idle, slowloris, garbage, noread, blackhole or fragments\n");
        return 2;
    }
    std::signal(SIGTERM, onStopSignal);
    std::signal(SIGINT, onStopSignal);
    Attack attack(options, kind);
    return attack.run();
}

}  // namespace rtmtap::bench
