#include "HandshakeLoop.h"

#include "HostName.h"
#include "HttpHead.h"

#include <Poco/Net/StreamSocketImpl.h>

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <iostream>
#include <stdexcept>

namespace rtmtap {
namespace {

constexpr uint64_t kWakeId = EpollSet::kWakeData;
constexpr uint64_t kListenId = 1;
// Refused clients whose request is being read before their 503 (see PendingHandshake); beyond
// this many, a refused client gets its 503 at once.
constexpr size_t kMaxRefusing = 1024;
constexpr int64_t kAcceptPauseUs = 200'000;
constexpr int kAcceptsPerRound = 64;  // then the pending handshakes get their turn

std::string addressOf(const sockaddr_storage& peer) {
    char text[INET6_ADDRSTRLEN] = "?";
    if (peer.ss_family == AF_INET) {
        ::inet_ntop(AF_INET, &reinterpret_cast<const sockaddr_in&>(peer).sin_addr, text, sizeof text);
    } else if (peer.ss_family == AF_INET6) {
        ::inet_ntop(AF_INET6, &reinterpret_cast<const sockaddr_in6&>(peer).sin6_addr, text, sizeof text);
    }
    return text;
}

// "127.0.0.1:53122", "[::1]:53122": what accept(2) said, as POCO's SocketAddress prints it.
std::string peerText(const sockaddr_storage& peer, const std::string& address) {
    uint16_t port = 0;
    if (peer.ss_family == AF_INET) {
        port = ntohs(reinterpret_cast<const sockaddr_in&>(peer).sin_port);
    } else if (peer.ss_family == AF_INET6) {
        port = ntohs(reinterpret_cast<const sockaddr_in6&>(peer).sin6_port);
    }
    return urlHost(address) + ":" + std::to_string(port);
}

std::string openFileLimit() {
    rlimit limit{};
    if (::getrlimit(RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY) {
        return "unlimited";
    }
    return std::to_string(limit.rlim_cur);
}

}  // namespace

HandshakeLoop::HandshakeLoop(int listenFd, std::shared_ptr<TlsContext> serverTls, ConnectionLimits& limits,
                             int handshakeTimeoutMs, const Clock& clock, OnHead onHead)
    : listenFd_(listenFd), serverTls_(std::move(serverTls)), limits_(limits), timeoutMs_(handshakeTimeoutMs),
      clock_(clock), onHead_(std::move(onHead)) {
    ::fcntl(listenFd_, F_SETFL, ::fcntl(listenFd_, F_GETFL, 0) | O_NONBLOCK);
    spareFd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    watch(EPOLL_CTL_ADD, listenFd_, EPOLLIN, kListenId);
}

HandshakeLoop::~HandshakeLoop() {
    stop();
    pending_.clear();
    ::close(spareFd_);
}

void HandshakeLoop::start() {
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "rtmtap-accept");
        run();
    });
}

void HandshakeLoop::stop() {
    stopping_ = true;
    epoll_.wake();
    if (thread_.joinable()) {
        thread_.join();
    }
}

HandshakeLoopStats HandshakeLoop::stats() const {
    HandshakeLoopStats s;
    s.acceptCalls = acceptCalls_;
    s.accepted = accepted_;
    s.refusedFull = refusedFull_;
    s.refusedAddress = refusedAddress_;
    s.refusedNoDescriptors = refusedNoDescriptors_;
    s.acceptPauses = acceptPauses_;
    s.failed = failed_;
    s.pending = pendingCount_;
    return s;
}

void HandshakeLoop::watch(int op, int fd, uint32_t events, uint64_t id) {
    epoll_event ev{};
    ev.events = events;
    ev.data.u64 = id;
    ::epoll_ctl(epoll_.fd(), op, fd, &ev);
}

void HandshakeLoop::run() {
    constexpr int kMaxEvents = 256;
    epoll_event events[kMaxEvents];
    while (!stopping_) {
        const int n = ::epoll_wait(epoll_.fd(), events, kMaxEvents, waitMs(monotonicNowUs()));
        if (n < 0 && errno != EINTR) {
            std::cerr << "rtmtap: the accept loop failed: " << std::strerror(errno) << std::endl;
            break;
        }
        for (int i = 0; i < n && !stopping_; ++i) {
            const uint64_t id = events[i].data.u64;
            if (id == kWakeId) {
                epoll_.drain();
                takeResumed();
            } else if (id == kListenId) {
                acceptSome();
            } else {
                onPending(id);
            }
        }
        const int64_t now = monotonicNowUs();
        expireDue(now);
        if (resumeAtUs_ != 0 && now >= resumeAtUs_) {
            resumeAccepting();
        }
    }
    pending_.clear();  // closes them: the proxy is stopping
    {
        std::lock_guard<std::mutex> lock(resumeMutex_);
        resumed_.clear();
    }
    refusing_ = 0;
    pendingCount_ = 0;
}

// Until the earliest deadline or the end of an accept pause; -1: nothing timed.
int HandshakeLoop::waitMs(int64_t nowUs) const {
    int64_t until = resumeAtUs_;
    if (!deadlines_.empty() && (until == 0 || deadlines_.front().first < until)) {
        until = deadlines_.front().first;
    }
    if (until == 0) {
        return -1;
    }
    return static_cast<int>(std::max<int64_t>(0, until - nowUs + 999) / 1000);
}

void HandshakeLoop::acceptSome() {
    for (int i = 0; i < kAcceptsPerRound && resumeAtUs_ == 0; ++i) {
        sockaddr_storage peer{};
        socklen_t length = sizeof peer;
        ++acceptCalls_;
        const int fd = ::accept4(listenFd_, reinterpret_cast<sockaddr*>(&peer), &length, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            onAccepted(fd, peer);
            continue;
        }
        const int error = errno;
        if (error == EINTR || error == ECONNABORTED || error == EPROTO) {
            continue;  // that client is gone; others may wait
        }
        if (error == EAGAIN || error == EWOULDBLOCK) {
            return;
        }
        outOfDescriptors(error);  // EMFILE, ENFILE, ENOBUFS, ENOMEM, or worse: no spinning either way
        return;
    }
}

void HandshakeLoop::onAccepted(int fd, const sockaddr_storage& peer) {
    const int64_t now = monotonicNowUs();
    const std::string address = addressOf(peer);
    ClientHead start;
    std::string refused;
    switch (limits_.admit(address, start.ticket)) {
        case ConnectionLimits::Verdict::Admitted:
            ++accepted_;
            break;
        case ConnectionLimits::Verdict::Full:
            ++refusedFull_;
            refused = "rtmtap: the proxy holds its limit of " + std::to_string(limits_.maxOpen()) +
                      " sessions and upgrades in progress (--max-sessions): try again later";
            fullLog_.note(now, "rtmtap: " + std::to_string(limits_.maxOpen()) +
                                   " sessions and upgrades in progress (--max-sessions): new clients get 503 "
                                   "until some end");
            break;
        case ConnectionLimits::Verdict::AddressFull:
            ++refusedAddress_;
            refused = "rtmtap: " + address + " holds its limit of " + std::to_string(limits_.maxPerAddress()) +
                      " connections (--max-per-address): try again later";
            addressLog_.note(now, "rtmtap: client addresses at --max-per-address " +
                                      std::to_string(limits_.maxPerAddress()) + " (" + address +
                                      " first): their new connections get 503 until some end");
            break;
    }
    if (!refused.empty() && refusing_ >= kMaxRefusing) {
        refuseNow(fd, refused);
        return;
    }
    start.startMonoUs = clock_.monotonicUs();
    start.startWallUs = clock_.wallUs();
    start.peer = peerText(peer, address);
    Poco::Net::StreamSocket socket(new Poco::Net::StreamSocketImpl(fd));
    addPending(std::make_unique<PendingHandshake>(std::move(socket), serverTls_, now + int64_t(timeoutMs_) * 1000,
                                                  timeoutMs_, std::move(start), refused));
}

uint64_t HandshakeLoop::addPending(std::unique_ptr<PendingHandshake> handshake) {
    const uint64_t id = nextId_++;
    watch(EPOLL_CTL_ADD, handshake->fd(), handshake->events(), id);
    deadlines_.emplace_back(handshake->deadlineUs(), id);
    refusing_ += handshake->refusing() ? 1 : 0;
    pending_.emplace(id, Entry{std::move(handshake), EPOLLIN});
    ++pendingCount_;
    return id;
}

void HandshakeLoop::resume(ClientHead&& head, std::shared_ptr<TlsContext> interceptTls) {
    {
        std::lock_guard<std::mutex> lock(resumeMutex_);
        if (stopping_) {
            return;  // closes it
        }
        resumed_.emplace_back(std::move(head), std::move(interceptTls));
    }
    epoll_.wake();
}

// Every deadline is still its start plus the same timeout, so the deadline queue stays in order.
// A resumed connection whose bytes came already is advanced at once: epoll would not tell.
void HandshakeLoop::takeResumed() {
    std::deque<std::pair<ClientHead, std::shared_ptr<TlsContext>>> taken;
    {
        std::lock_guard<std::mutex> lock(resumeMutex_);
        taken.swap(resumed_);
    }
    for (auto& [head, tls] : taken) {
        const bool ready = !head.rest.empty() || head.client->hasBuffered();  // TLS may hold decrypted bytes
        head.client->setBlocking(false, 0);
        const uint64_t id = addPending(std::make_unique<PendingHandshake>(
            std::move(head), tls, monotonicNowUs() + int64_t(timeoutMs_) * 1000, timeoutMs_));
        if (ready) {
            onPending(id);
        }
    }
}

// Without reading the request first: the answer may be lost to a reset, but it is tried.
void HandshakeLoop::refuseNow(int fd, const std::string& line) {
    char drain[4096];
    while (::recv(fd, drain, sizeof drain, MSG_DONTWAIT) > 0) {
    }
    const std::string response = simpleResponse(503, "Service Unavailable", line);
    ssize_t ignored = ::send(fd, response.data(), response.size(), MSG_NOSIGNAL | MSG_DONTWAIT);
    (void)ignored;
    ::shutdown(fd, SHUT_WR);
    ::close(fd);
}

void HandshakeLoop::outOfDescriptors(int error) {
    const bool descriptors = error == EMFILE || error == ENFILE || error == ENOBUFS || error == ENOMEM;
    const int64_t now = monotonicNowUs();
    if (!descriptors) {
        descriptorLog_.note(now, std::string("rtmtap: accepting clients failed: ") + std::strerror(error) +
                                     "; retrying a few times a second");
        pauseAccepting();
        return;
    }
    descriptorLog_.note(now, std::string("rtmtap: out of file descriptors (") + std::strerror(error) +
                                 ", open-file limit " + openFileLimit() +
                                 "): new clients get 503 until connections close (raise ulimit -n, or lower "
                                 "--max-sessions)");
    int fd = -1;
    if (spareFd_ >= 0) {
        // Give the spare up for one client, answer it, and take the spare back.
        ::close(spareFd_);
        ++acceptCalls_;
        fd = ::accept4(listenFd_, nullptr, nullptr, SOCK_NONBLOCK | SOCK_CLOEXEC);
        if (fd >= 0) {
            ++refusedNoDescriptors_;
            refuseNow(fd, "rtmtap: the proxy is out of file descriptors: try again later");
        }
        spareFd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    if (fd < 0 || spareFd_ < 0) {
        pauseAccepting();  // even the spare is gone: wait for descriptors to free
    }
}

void HandshakeLoop::pauseAccepting() {
    ++acceptPauses_;
    watch(EPOLL_CTL_DEL, listenFd_, 0, kListenId);
    resumeAtUs_ = monotonicNowUs() + kAcceptPauseUs;
}

void HandshakeLoop::resumeAccepting() {
    resumeAtUs_ = 0;
    if (spareFd_ < 0) {
        spareFd_ = ::open("/dev/null", O_RDONLY | O_CLOEXEC);
    }
    watch(EPOLL_CTL_ADD, listenFd_, EPOLLIN, kListenId);
}

void HandshakeLoop::onPending(uint64_t id) {
    auto it = pending_.find(id);
    if (it == pending_.end()) {
        return;  // it ended earlier in this round
    }
    PendingHandshake& handshake = *it->second.handshake;
    switch (handshake.advance()) {
        case PendingHandshake::Step::Wait:
            if (handshake.events() != it->second.watched) {
                it->second.watched = handshake.events();
                watch(EPOLL_CTL_MOD, handshake.fd(), handshake.events(), id);
            }
            return;
        case PendingHandshake::Step::Closed:
            failed_ += handshake.refusing() ? 0 : 1;
            if (!handshake.tlsFailure().empty() && onTlsFailed_) {
                const std::string why = handshake.tlsFailure();
                ClientHead head = handshake.take();
                close(it);
                onTlsFailed_(std::move(head), why);
                return;
            }
            close(it);
            return;
        case PendingHandshake::Step::Complete:
            break;
    }
    watch(EPOLL_CTL_DEL, handshake.fd(), 0, id);  // the descriptor lives on: epoll must forget it now
    ClientHead head = handshake.take();
    close(it);
    try {
        onHead_(std::move(head));
    } catch (const std::exception& e) {
        std::cerr << "rtmtap: an upgrade failed: " << e.what() << std::endl;
    }
}

void HandshakeLoop::close(Entries::iterator it) {
    PendingHandshake& handshake = *it->second.handshake;
    if (handshake.refusing()) {
        --refusing_;
    }
    pending_.erase(it);  // closes its descriptor, which leaves the epoll set with it
    --pendingCount_;
}

void HandshakeLoop::expireDue(int64_t nowUs) {
    while (!deadlines_.empty()) {
        const auto [deadline, id] = deadlines_.front();
        auto it = pending_.find(id);
        if (it != pending_.end() && deadline > nowUs) {
            return;
        }
        deadlines_.pop_front();
        if (it != pending_.end()) {
            it->second.handshake->expire();
            failed_ += it->second.handshake->refusing() ? 0 : 1;
            close(it);
        }
    }
}

}  // namespace rtmtap
