#pragma once
// The proxy's front door, one thread with an epoll loop: accepts clients without blocking, admits
// them (ConnectionLimits: --max-sessions, --max-per-address; else a 503 once their request is
// read), and reads each one's upgrade request head as a PendingHandshake under its deadline
// (--handshake-timeout).
// Only a complete head leaves the loop, through onHead. So an idle, slow (slowloris) or garbage
// client costs a descriptor and a few KiB, never a thread, and tens of thousands of them do not
// keep a new client waiting.
// Out of descriptors, accept would fail again at once on every wake-up: the loop keeps one spare
// descriptor to accept such a client and answer it 503, and when even that fails it stops
// watching the listening socket for a moment (a few retries a second) instead of spinning.
#include "BurstLog.h"
#include "ConnectionLimits.h"
#include "EpollSet.h"
#include "PendingHandshake.h"
#include "TlsContext.h"

#include "protocol/Clock.h"

#include <atomic>
#include <cstdint>
#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <thread>
#include <unordered_map>
#include <utility>

struct sockaddr_storage;

namespace rtmtap {

struct HandshakeLoopStats {
    uint64_t acceptCalls = 0;           // accept(2) calls, failed ones included: a spinning acceptor shows here
    uint64_t accepted = 0;              // connections admitted
    uint64_t refusedFull = 0;           // 503: --max-sessions reached
    uint64_t refusedAddress = 0;        // 503: --max-per-address reached
    uint64_t refusedNoDescriptors = 0;  // 503 through the spare descriptor
    uint64_t acceptPauses = 0;          // times accepting stopped for lack of descriptors
    uint64_t failed = 0;                // admitted handshakes that ended without a complete head
    uint64_t pending = 0;               // handshakes reading their head now
};

class HandshakeLoop {
public:
    using OnHead = std::function<void(ClientHead&&)>;
    // A client whose TLS handshake failed inside a CONNECT tunnel (--mode regular), with why.
    using OnTlsFailed = std::function<void(ClientHead&&, const std::string& error)>;

    // listenFd: a bound, listening socket, owned by the caller (made non-blocking here).
    // onHead runs on the loop thread: it must not block for long.
    HandshakeLoop(int listenFd, std::shared_ptr<TlsContext> serverTls, ConnectionLimits& limits,
                  int handshakeTimeoutMs, const Clock& clock, OnHead onHead);
    ~HandshakeLoop();  // stop()
    HandshakeLoop(const HandshakeLoop&) = delete;
    HandshakeLoop& operator=(const HandshakeLoop&) = delete;

    void setOnTlsFailed(OnTlsFailed onTlsFailed) { onTlsFailed_ = std::move(onTlsFailed); }  // before start()
    void start();
    // Thread-safe (--mode regular): reads the next request head of a connection that has had its
    // answer (a CONNECT's 200, a keep-alive response), under a new deadline. interceptTls: see
    // PendingHandshake.
    void resume(ClientHead&& head, std::shared_ptr<TlsContext> interceptTls);
    // Stops accepting and closes every pending handshake without an answer. Idempotent.
    void stop();
    HandshakeLoopStats stats() const;

private:
    struct Entry {
        std::unique_ptr<PendingHandshake> handshake;
        uint32_t watched = 0;
    };
    using Entries = std::unordered_map<uint64_t, Entry>;

    void run();
    void acceptSome();
    void onAccepted(int fd, const sockaddr_storage& peer);
    void refuseNow(int fd, const std::string& line);
    void outOfDescriptors(int error);
    void pauseAccepting();
    void resumeAccepting();
    void onPending(uint64_t id);
    void takeResumed();
    uint64_t addPending(std::unique_ptr<PendingHandshake> handshake);  // its id
    void close(Entries::iterator it);
    void expireDue(int64_t nowUs);
    int waitMs(int64_t nowUs) const;
    void watch(int op, int fd, uint32_t events, uint64_t id);

    const int listenFd_;
    std::shared_ptr<TlsContext> serverTls_;
    ConnectionLimits& limits_;
    const int timeoutMs_;
    const Clock& clock_;
    OnHead onHead_;
    OnTlsFailed onTlsFailed_;
    std::mutex resumeMutex_;
    std::deque<std::pair<ClientHead, std::shared_ptr<TlsContext>>> resumed_;  // under resumeMutex_
    EpollSet epoll_{"the accept loop"};
    int spareFd_ = -1;        // given up to accept one client when the descriptors run out
    int64_t resumeAtUs_ = 0;  // accepting is paused until then; 0: not paused
    std::thread thread_;
    std::atomic<bool> stopping_{false};
    Entries pending_;
    size_t refusing_ = 0;  // of pending_: clients refused, waiting for their head to be read
    // Every deadline is the accept time plus the same timeout, so accept order is deadline order:
    // a queue, with entries of handshakes that already left skipped when they come up.
    std::deque<std::pair<int64_t, uint64_t>> deadlines_;
    uint64_t nextId_ = 2;  // 0: the wake-up descriptor, 1: the listening socket
    BurstLog fullLog_, addressLog_, descriptorLog_;
    std::atomic<uint64_t> acceptCalls_{0}, accepted_{0}, refusedFull_{0}, refusedAddress_{0},
        refusedNoDescriptors_{0}, acceptPauses_{0}, failed_{0}, pendingCount_{0};
};

}  // namespace rtmtap
