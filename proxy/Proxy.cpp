#include "Proxy.h"
#include "HostName.h"

#include "ConnectionLimits.h"
#include "EventLoop.h"
#include "ForwardProxy.h"
#include "FrameCodec.h"
#include "Handshake.h"
#include "HandshakeLoop.h"
#include "HttpHead.h"
#include "InflightSockets.h"
#include "TlsContext.h"
#include "UpgradePool.h"
#include "UpstreamUrl.h"

#include <Poco/Exception.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <csignal>
#include <iostream>
#include <mutex>
#include <stdexcept>
#include <thread>

namespace rtmtap {
namespace {

constexpr size_t kMinBuffered = 64 * 1024;

}  // namespace

struct Upgrade;

class Proxy::Impl {
public:
    Impl(ProxyConfig config, std::vector<Tap*> taps, int64_t firstSessionId, Clock& clock)
        : config_(std::move(config)), taps_(std::move(taps)), clock_(clock), nextId_(firstSessionId),
          limits_(config_.maxSessions, config_.maxPerAddress), upgrades_(kUpgradeThreads) {
        const bool regular = config_.mode == ProxyMode::Regular;
        if (regular) {
            checkRegular();
        } else if (!config_.upstream.empty() || !config_.routes) {
            upstream_ = UpstreamUrl::parse(config_.upstream);
        }
        // A route may name a wss:// origin whatever --upstream is; so may any request in regular mode.
        if (upstream_.tls || config_.routes || regular) {
            upstreamTls_ = TlsContext::client(config_.caFile, config_.insecure);
        }
        if (config_.tlsCert.empty() != config_.tlsKey.empty()) {
            throw std::invalid_argument("--tls-cert and --tls-key go together");
        }
        if (!config_.tlsCert.empty()) {
            serverTls_ = TlsContext::server(config_.tlsCert, config_.tlsKey);
        }
        if (config_.maxMessage == 0) {
            throw std::invalid_argument("--max-message must be at least 1 byte");
        }
        // The limits first: they give a session's place back before anyone else hears of its end.
        loopTaps_.push_back(&limits_);
        loopTaps_.insert(loopTaps_.end(), taps_.begin(), taps_.end());
        if (config_.maxBuffered < kMinBuffered) {
            throw std::invalid_argument("--max-buffered must be at least 64K (one read)");
        }
        budget_ = std::make_shared<BufferBudget>(config_.maxBuffered, config_.maxMessage);
        if (regular) {
            ForwardProxy::Hooks hooks;
            hooks.upgrade = [this](ClientHead&& head, const UpstreamUrl& upstream) {
                beginUpgrade(std::move(head), upstream);
            };
            hooks.resume = [this](ClientHead&& head, std::shared_ptr<TlsContext> tls) {
                front_->resume(std::move(head), std::move(tls));
            };
            hooks.recordFailure = [this](HandshakeResult& r, int64_t startMono, int64_t startWall) {
                recordFailure(r, startMono, startWall);
            };
            forward_ = std::make_unique<ForwardProxy>(config_, taps_, clock_, upgrades_, std::move(hooks));
        }
    }

    // --mode regular takes its upstreams from the requests: the reverse mode's options do not apply.
    void checkRegular() const {
        if (!config_.upstream.empty() || config_.routes) {
            throw std::invalid_argument("--mode regular takes no --upstream or --api-upstream: clients name their "
                                        "servers, rtmtap is their HTTP proxy");
        }
        if (!config_.tlsCert.empty() || !config_.tlsKey.empty()) {
            throw std::invalid_argument("--mode regular serves TLS with its own CA (rtmtap ca): --tls-cert and "
                                        "--tls-key are for the reverse mode");
        }
    }

    // Upgrades whose upstream half runs at once; more wait in the pool's queue. A thread is held
    // only by a client whose request was complete and valid, for as long as the upstream takes.
    static constexpr size_t kUpgradeThreads = 128;

    void start();
    void stop();
    void onHead(ClientHead&& head);
    void beginUpgrade(ClientHead&& head, const UpstreamUrl& upstream);
    void upgrade(Upgrade& u);
    void startSession(HandshakeResult& r, int64_t startMono, int64_t startWall, ConnectionLimits::Ticket ticket);
    void recordFailure(HandshakeResult& r, int64_t startMono, int64_t startWall);
    void announceStart(const SessionInfo& info);
    void announceEnd(const SessionEnd& end);
    FilterChain makeFilters(const SessionInfo& info);
    bool onSession(int64_t session, const std::function<bool(Relay&)>& task);

    AttachedFilters attached_;  // before the loops: their relays point at it

    ProxyConfig config_;
    std::vector<Tap*> taps_;
    std::vector<Tap*> loopTaps_;  // limits_, then taps_: what the relays announce to
    Clock& clock_;
    std::atomic<int64_t> nextId_;
    UpstreamUrl upstream_;
    std::shared_ptr<TlsContext> upstreamTls_, serverTls_;
    Poco::Net::ServerSocket server_;
    uint16_t port_ = 0;
    bool started_ = false;
    bool stopped_ = false;
    std::mutex stopMutex_;
    ConnectionLimits limits_;
    InflightSockets inflight_;
    UpgradePool upgrades_;
    std::unique_ptr<HandshakeLoop> front_;  // accepts, admits, reads request heads
    std::unique_ptr<ForwardProxy> forward_;  // --mode regular only
    std::shared_ptr<BufferBudget> budget_;  // before the loops: they register with it
    std::vector<std::unique_ptr<EventLoop>> loops_;
    std::atomic<size_t> nextLoop_{0};
    std::atomic<uint64_t> failures_{0};
};

// An upgrade between the request head and the relay: what the pool thread goes on with.
struct Upgrade {
    Handshake handshake;
    HandshakeResult result;
    int64_t startMono = 0, startWall = 0;
    int64_t queuedAtUs = 0;
    ConnectionLimits::Ticket ticket;
};

void Proxy::Impl::start() {
    // Writes to a peer that went away must fail with EPIPE, not kill the process (OpenSSL
    // writes with write(2), which has no MSG_NOSIGNAL).
    std::signal(SIGPIPE, SIG_IGN);
    try {
        Poco::Net::SocketAddress address(config_.listenHost, config_.listenPort);
        // SO_REUSEADDR for quick restarts, but not SO_REUSEPORT (POCO 1.11 sets both when asked for
        // the first): a second rtmtap on the same port must fail with "address in use".
        server_.bind(address, true, false);
        server_.listen(1024);
        port_ = server_.address().port();
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + config_.listenHost + ":" + std::to_string(config_.listenPort) +
                                 ": " + e.displayText() + " (pick another --listen address or port)");
    }
    RelaySettings settings{config_.maxMessage, config_.closeGraceMs, budget_};
    unsigned loops = config_.loops > 0 ? static_cast<unsigned>(config_.loops)
                                       : std::max(1u, std::min(4u, std::thread::hardware_concurrency()));
    for (unsigned i = 0; i < loops; ++i) {
        loops_.push_back(std::make_unique<EventLoop>(loopTaps_, clock_, settings));
        loops_.back()->start();
    }
    front_ = std::make_unique<HandshakeLoop>(server_.impl()->sockfd(), serverTls_, limits_, config_.handshakeTimeoutMs,
                                             clock_, [this](ClientHead&& head) { onHead(std::move(head)); });
    if (forward_) {
        front_->setOnTlsFailed(
            [this](ClientHead&& head, const std::string& error) { forward_->onTlsFailed(std::move(head), error); });
        forward_->start();
    }
    front_->start();
    started_ = true;
}

void Proxy::Impl::onHead(ClientHead&& head) {
    if (forward_) {
        forward_->onHead(std::move(head));
        return;
    }
    beginUpgrade(std::move(head), upstream_);
}

// On the handshake loop: judge the request, then hand the blocking upstream half to the pool.
void Proxy::Impl::beginUpgrade(ClientHead&& head, const UpstreamUrl& upstream) {
    auto u = std::make_shared<Upgrade>(Upgrade{Handshake(config_, upstream, upstreamTls_, inflight_), HandshakeResult(),
                                               head.startMonoUs, head.startWallUs, 0, std::move(head.ticket)});
    if (head.origin && head.origin->connected) {
        u->handshake.useConnected(*head.origin->connected);
        head.origin->connected.reset();
    }
    HandshakeResult& r = u->result;
    r.client = std::move(head.client);
    r.clientEarly = std::move(head.rest);
    r.info.client = head.peer;
    if (!u->handshake.acceptRequest(r, head.head)) {
        recordFailure(r, u->startMono, u->startWall);
        return;
    }
    u->queuedAtUs = monotonicNowUs();
    upgrades_.post([this, u] { upgrade(*u); });
}

// On a pool thread.
void Proxy::Impl::upgrade(Upgrade& u) {
    HandshakeResult& r = u.result;
    if (monotonicNowUs() - u.queuedAtUs > int64_t(config_.handshakeTimeoutMs) * 1000) {
        r.client->setBlocking(true, config_.handshakeTimeoutMs);
        u.handshake.fail(r, 503, "Service Unavailable",
                         "rtmtap: too many upgrades are waiting for the upstream: try again later");
    } else {
        u.handshake.connectUpstream(r);
    }
    if (!r.upgraded) {
        recordFailure(r, u.startMono, u.startWall);
        return;
    }
    startSession(r, u.startMono, u.startWall, std::move(u.ticket));
}

void Proxy::Impl::startSession(HandshakeResult& r, int64_t startMono, int64_t startWall,
                               ConnectionLimits::Ticket ticket) {
    r.info.id = nextId_++;
    r.info.started_wall_us = startWall;
    announceStart(r.info);
    limits_.holdUntilEnd(r.info.id, std::move(ticket));  // before the relay can end
    EventLoop& loop = *loops_[nextLoop_++ % loops_.size()];
    auto relay = std::make_unique<Relay>(r.info, startMono, std::move(r.client), std::move(r.upstream),
                                         loop.settings(), loop.taps(), clock_, loop, makeFilters(r.info));
    loop.adopt(std::move(relay), std::move(r.clientEarly), std::move(r.upstreamEarly));
}

// One failing tap must not take the upgrade or the proxy down (as in the relay).
void Proxy::Impl::announceStart(const SessionInfo& info) {
    for (Tap* tap : taps_) {
        try {
            tap->onSessionStart(info);
        } catch (const std::exception& e) {
            std::cerr << "rtmtap: a tap failed at the start of session " << info.id << ": " << e.what() << std::endl;
        } catch (...) {
            std::cerr << "rtmtap: a tap failed at the start of session " << info.id << std::endl;
        }
    }
}

void Proxy::Impl::announceEnd(const SessionEnd& end) {
    for (Tap* tap : taps_) {
        try {
            tap->onSessionEnd(end);
        } catch (const std::exception& e) {
            std::cerr << "rtmtap: a tap failed at the end of session " << end.id << ": " << e.what() << std::endl;
        } catch (...) {
            std::cerr << "rtmtap: a tap failed at the end of session " << end.id << std::endl;
        }
    }
}

FilterChain Proxy::Impl::makeFilters(const SessionInfo& info) {
    FilterChain chain;
    if (config_.filters) {
        try {
            chain = config_.filters(info);
        } catch (const std::exception& e) {
            // Like a failing filter: the session is relayed, unfiltered.
            std::cerr << "rtmtap: no filters for session " << info.id << ", relayed as is: " << e.what() << std::endl;
        }
    }
    chain.attachBoard(&attached_);
    return chain;
}

void Proxy::Impl::recordFailure(HandshakeResult& r, int64_t startMono, int64_t startWall) {
    ++failures_;
    if (!r.recordable) {
        return;  // not even an HTTP request: nothing a user could look at
    }
    r.info.id = nextId_++;
    r.info.started_wall_us = startWall;
    SessionEnd end;
    end.id = r.info.id;
    end.duration_us = clock_.monotonicUs() - startMono;
    end.ended_wall_us = startWall + end.duration_us;
    end.error = r.error;
    end.http_status = r.httpStatus;
    announceStart(r.info);
    announceEnd(end);
}

void Proxy::Impl::stop() {
    std::lock_guard<std::mutex> lock(stopMutex_);
    if (!started_ || stopped_) {
        return;
    }
    stopped_ = true;
    front_->stop();
    server_.close();
    inflight_.abortAll();
    upgrades_.join();
    if (forward_) {
        forward_->stop();
    }
    for (auto& loop : loops_) {
        loop->shutdown();
    }
    for (auto& loop : loops_) {
        loop->join();
    }
}

Proxy::Proxy(ProxyConfig config, std::vector<Tap*> taps, int64_t firstSessionId, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(taps), firstSessionId, clock)) {}

Proxy::~Proxy() {
    stop();
}

void Proxy::start() {
    impl_->start();
}

uint16_t Proxy::port() const {
    return impl_->port_;
}

std::string Proxy::listenUrl() const {
    const std::string& host = impl_->config_.listenHost;
    const std::string h = urlHost(host);
    if (impl_->forward_) {
        return "http://" + h + ":" + std::to_string(impl_->port_);
    }
    return std::string(impl_->serverTls_ ? "wss://" : "ws://") + h + ":" + std::to_string(impl_->port_);
}

void Proxy::stop() {
    impl_->stop();
}

bool Proxy::inject(int64_t session, Direction dir, Opcode op, std::string payload) {
    if (!injectable(op, payload.size())) {
        const bool control = op == Opcode::Ping || op == Opcode::Pong;
        throw std::invalid_argument(control ? "cannot inject a " + std::string(toString(op)) + " of " +
                                                  std::to_string(payload.size()) + " bytes (at most 125)"
                                            : std::string("cannot inject a ") + toString(op) +
                                                  " frame (text, binary, ping or pong)");
    }
    return impl_->onSession(session, [&](Relay& relay) {
        relay.inject(dir, op, payload);
        return true;
    });
}

void Proxy::attach(std::shared_ptr<Filter> filter) {
    impl_->attached_.attach(std::move(filter));
}

void Proxy::detach(const std::shared_ptr<Filter>& filter) {
    impl_->attached_.detach(filter);
}

bool Proxy::release(int64_t session, uint64_t token, FilterResult decision) {
    return impl_->onSession(session, [&](Relay& relay) { return relay.release(token, decision); });
}

// The session lives in one loop; asking each costs a wake-up per loop, and these calls are rare.
// The task runs in at most one loop, while this thread waits: it may use the caller's references.
bool Proxy::Impl::onSession(int64_t session, const std::function<bool(Relay&)>& task) {
    std::vector<std::future<bool>> answers;
    for (auto& loop : loops_) {
        answers.push_back(loop->toSession(session, task));
    }
    bool taken = false;
    for (auto& answer : answers) {
        taken = answer.get() || taken;
    }
    return taken;
}

ProxyStats Proxy::stats() const {
    ProxyStats s;
    const HandshakeLoopStats front = impl_->front_ ? impl_->front_->stats() : HandshakeLoopStats();
    s.sessionsAccepted = front.accepted;
    s.handshakeFailures = impl_->failures_ + front.failed;
    s.handshakesPending = front.pending;
    s.acceptCalls = front.acceptCalls;
    s.acceptPauses = front.acceptPauses;
    s.refusedFull = front.refusedFull;
    s.refusedPerAddress = front.refusedAddress;
    s.refusedNoDescriptors = front.refusedNoDescriptors;
    s.openConnections = impl_->limits_.open();
    for (auto& loop : impl_->loops_) {
        s.sessionsActive += loop->sessions();
        s.messagesRelayed += loop->messagesRelayed();
    }
    if (impl_->budget_) {
        s.bufferedBytes = impl_->budget_->used();
        s.bufferedPeak = impl_->budget_->peak();
    }
    return s;
}

}  // namespace rtmtap
