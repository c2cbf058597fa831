#pragma once
// One relay thread: an epoll loop over the sockets of the sessions it owns. A handful of these
// serve every session (one per core): a session costs buffers, not a thread. The loop never
// blocks on a tap: it listens to the taps' backpressure signals (protocol/Backpressure.h) and
// wakes the relays that paused for them once they open.
#include "EpollSet.h"
#include "Relay.h"

#include <atomic>
#include <functional>
#include <future>
#include <memory>
#include <mutex>
#include <thread>
#include <unordered_set>
#include <vector>

namespace rtmtap {

class EventLoop : public Poller {
public:
    EventLoop(const std::vector<Tap*>& taps, const Clock& clock, RelaySettings settings);
    ~EventLoop() override;

    void start();
    // Thread-safe: hands over a session whose upgrade succeeded.
    void adopt(std::unique_ptr<Relay> relay, std::string clientEarly, std::string upstreamEarly);
    // Thread-safe: runs task in the loop thread on session, if this loop holds it live (an
    // injection, a release: see Relay::inject, Relay::release). The future is the task's answer;
    // false when the loop does not hold the session or has ended.
    std::future<bool> toSession(int64_t session, std::function<bool(Relay&)> task);
    // Thread-safe: closes every session with 1001 and ends the thread once they have all ended.
    void shutdown();
    void join();

    size_t sessions() const { return count_.load(); }
    uint64_t messagesRelayed() const { return relayed_.load(); }
    const std::vector<Tap*>& taps() const { return taps_; }
    const Clock& clock() const { return clock_; }
    const RelaySettings& settings() const { return settings_; }

    void watch(int fd, uint32_t events, void* side) override;
    bool tapsOpen() const override;
    void resumeWhenTapsOpen(Relay& relay) override;

private:
    void run();
    void runPosted();
    void runSessionTasks();
    int nextTimeoutMs() const;
    void reap();
    void afterRound(std::vector<Relay*>& buffered);
    void noteBudgetWait(Relay* r);
    void resumeBudgetWaiters();
    void wake();
    void resumeTapWaiters();

    const std::vector<Tap*>& taps_;
    const Clock& clock_;
    RelaySettings settings_;
    EpollSet epoll_{"a relay loop"};
    std::thread thread_;
    std::mutex mutex_;
    std::vector<std::function<void()>> posted_;
    struct SessionTask {
        int64_t session;
        std::function<bool(Relay&)> task;
        std::promise<bool> done;
    };
    std::vector<SessionTask> sessionTasks_;  // under mutex_
    bool exited_ = false;                // under mutex_: the loop thread has ended
    std::unordered_set<Relay*> relays_;
    std::unordered_set<Relay*> timed_;   // relays with a deadline (close grace, held messages)
    std::vector<Relay*> touched_;        // relays that had work this round
    std::unordered_set<Relay*> budgetWaiters_;  // relays that stopped reading on the process-wide budget
    std::atomic<bool> budgetFreed_{false};      // set by BufferBudget (any thread), then a wake-up
    std::vector<std::unique_ptr<Relay>> owned_;
    std::vector<std::pair<Backpressure*, uint64_t>> gates_;  // the taps' signals, subscribed
    std::atomic<bool> tapsOpened_{false};  // set by a signal's listener, on any thread
    std::unordered_set<Relay*> tapWaiters_;  // relays with sides paused for the taps
    bool stopping_ = false;  // loop thread only
    std::atomic<size_t> count_{0};
    std::atomic<uint64_t> relayed_{0};
};

}  // namespace rtmtap
