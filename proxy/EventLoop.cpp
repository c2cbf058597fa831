#include "EventLoop.h"

#include <pthread.h>
#include <sys/epoll.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <stdexcept>

namespace rtmtap {

EventLoop::EventLoop(const std::vector<Tap*>& taps, const Clock& clock, RelaySettings settings)
    : taps_(taps), clock_(clock), settings_(settings) {
    for (Tap* tap : taps_) {
        if (Backpressure* gate = tap->backpressure()) {
            gates_.emplace_back(gate, gate->subscribe([this] {
                tapsOpened_.store(true);
                wake();
            }));
        }
    }
    if (settings_.budget) {
        settings_.budget->onFreed([this] {
            budgetFreed_.store(true);
            wake();
        });
    }
}

EventLoop::~EventLoop() {
    for (auto& [gate, id] : gates_) {
        gate->unsubscribe(id);
    }
    shutdown();
    join();
}

void EventLoop::start() {
    thread_ = std::thread([this] {
        pthread_setname_np(pthread_self(), "rtmtap-relay");
        run();
    });
}

void EventLoop::adopt(std::unique_ptr<Relay> relay, std::string clientEarly, std::string upstreamEarly) {
    Relay* raw = relay.release();
    std::lock_guard<std::mutex> lock(mutex_);
    posted_.push_back([this, raw, c = std::move(clientEarly), u = std::move(upstreamEarly)] {
        owned_.emplace_back(raw);
        relays_.insert(raw);
        ++count_;
        raw->start(c, u);
        touched_.push_back(raw);
        if (stopping_) {
            raw->closeBoth(1001, "rtmtap is shutting down", "");
        }
    });
    wake();
}

std::future<bool> EventLoop::toSession(int64_t session, std::function<bool(Relay&)> task) {
    SessionTask t{session, std::move(task), std::promise<bool>()};
    std::future<bool> done = t.done.get_future();
    {
        std::lock_guard<std::mutex> lock(mutex_);
        if (exited_) {
            t.done.set_value(false);
            return done;
        }
        sessionTasks_.push_back(std::move(t));
    }
    wake();
    return done;
}

void EventLoop::runSessionTasks() {
    std::vector<SessionTask> tasks;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks.swap(sessionTasks_);
    }
    for (SessionTask& t : tasks) {
        // A linear search: these tasks are rare, and an id map would cost every session.
        auto it = std::find_if(relays_.begin(), relays_.end(),
                               [&](Relay* r) { return r->sessionId() == t.session && !r->finished(); });
        bool answer = false;
        if (it != relays_.end()) {
            answer = t.task(**it);
            touched_.push_back(*it);
        }
        t.done.set_value(answer);
    }
}

void EventLoop::shutdown() {
    {
        std::lock_guard<std::mutex> lock(mutex_);
        posted_.push_back([this] {
            stopping_ = true;
            for (Relay* r : relays_) {
                r->closeBoth(1001, "rtmtap is shutting down", "");
                touched_.push_back(r);
            }
        });
    }
    wake();
}

void EventLoop::join() {
    if (thread_.joinable()) {
        thread_.join();
    }
}

void EventLoop::wake() {
    epoll_.wake();
}

void EventLoop::watch(int fd, uint32_t events, void* side) {
    epoll_event ev{};
    ev.events = events;
    ev.data.ptr = side;
    if (events == 0) {
        ::epoll_ctl(epoll_.fd(), EPOLL_CTL_DEL, fd, &ev);
        return;
    }
    if (::epoll_ctl(epoll_.fd(), EPOLL_CTL_MOD, fd, &ev) != 0 && errno == ENOENT) {
        ::epoll_ctl(epoll_.fd(), EPOLL_CTL_ADD, fd, &ev);
    }
}

bool EventLoop::tapsOpen() const {
    for (const auto& gate : gates_) {
        if (!gate.first->open()) {
            return false;
        }
    }
    return true;
}

void EventLoop::resumeWhenTapsOpen(Relay& relay) {
    tapWaiters_.insert(&relay);
}

// Every relay that paused reads again, one round each, even if another loop's relays have
// filled the taps again meanwhile: each then pauses anew, which is what bounds the taps' memory.
void EventLoop::resumeTapWaiters() {
    std::unordered_set<Relay*> waiters;
    waiters.swap(tapWaiters_);
    for (Relay* r : waiters) {
        r->resumeReading();
        touched_.push_back(r);  // a TLS side may hold decrypted bytes epoll cannot report
    }
}

void EventLoop::runPosted() {
    std::vector<std::function<void()>> tasks;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        tasks.swap(posted_);
    }
    for (auto& task : tasks) {
        task();
    }
}

void EventLoop::reap() {
    uint64_t relayed = 0;
    for (auto it = owned_.begin(); it != owned_.end();) {
        if ((*it)->finished()) {
            relayed += (*it)->messagesRelayed();
            relays_.erase(it->get());
            timed_.erase(it->get());
            tapWaiters_.erase(it->get());
            budgetWaiters_.erase(it->get());
            it = owned_.erase(it);
            --count_;
        } else {
            ++it;
        }
    }
    relayed_ += relayed;
}

void EventLoop::run() {
    constexpr int kMaxEvents = 256;
    epoll_event events[kMaxEvents];
    std::vector<Relay*> buffered;
    for (;;) {
        int timeoutMs = !buffered.empty() ? 0 : nextTimeoutMs();
        int n = ::epoll_wait(epoll_.fd(), events, kMaxEvents, timeoutMs);
        if (n < 0 && errno != EINTR) {
            break;
        }
        for (int i = 0; i < n; ++i) {
            if (events[i].data.ptr == nullptr) {  // EpollSet's wake-up descriptor
                epoll_.drain();
                runPosted();
                runSessionTasks();
                if (tapsOpened_.exchange(false)) {
                    resumeTapWaiters();
                }
                resumeBudgetWaiters();
                continue;
            }
            auto* side = static_cast<RelaySide*>(events[i].data.ptr);
            side->relay->onEvent(*side, events[i].events);
            touched_.push_back(side->relay);
        }
        for (Relay* r : buffered) {
            r->pumpBuffered();
            touched_.push_back(r);
        }
        buffered.clear();
        afterRound(buffered);
        if (stopping_ && relays_.empty()) {
            break;
        }
    }
    std::vector<SessionTask> late;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        exited_ = true;
        late.swap(sessionTasks_);
    }
    for (SessionTask& t : late) {
        t.done.set_value(false);
    }
}

// Until the earliest deadline, at most 50 ms: the relays' clock may be a test's fake clock, which
// epoll knows nothing of, so the timers are also polled.
int EventLoop::nextTimeoutMs() const {
    if (timed_.empty()) {
        return -1;
    }
    const int64_t now = clock_.monotonicUs();
    int64_t waitUs = 50000;
    for (Relay* r : timed_) {
        const int64_t d = r->deadlineUs();
        if (d != 0) {
            waitUs = std::min(waitUs, std::max<int64_t>(0, d - now));
        }
    }
    return static_cast<int>((waitUs + 999) / 1000);
}

// Only relays that did something this round are looked at, so an idle session costs nothing.
void EventLoop::afterRound(std::vector<Relay*>& buffered) {
    bool finishedAny = false;
    for (Relay* r : touched_) {
        if (r->finished()) {
            finishedAny = true;
            continue;
        }
        if (r->deadlineUs() != 0) {
            timed_.insert(r);
        }
        noteBudgetWait(r);
        if (r->hasBufferedInput() && std::find(buffered.begin(), buffered.end(), r) == buffered.end()) {
            buffered.push_back(r);
        }
    }
    touched_.clear();
    if (!timed_.empty()) {
        const int64_t now = clock_.monotonicUs();
        for (auto it = timed_.begin(); it != timed_.end();) {
            Relay* r = *it;
            r->onTimer(now);
            finishedAny = finishedAny || r->finished();
            noteBudgetWait(r);
            // A relay whose held messages are all out has nothing to wait for (until it holds again).
            it = (!r->finished() && r->deadlineUs() == 0) ? timed_.erase(it) : std::next(it);
        }
    }
    if (finishedAny) {
        buffered.erase(std::remove_if(buffered.begin(), buffered.end(), [](Relay* r) { return r->finished(); }),
                       buffered.end());
        reap();
    }
}

void EventLoop::noteBudgetWait(Relay* r) {
    if (!r->finished() && r->waitsForBudget()) {
        budgetWaiters_.insert(r);
    }
}

// The budget has room again: every relay that waited asks again; those still refused wait on
// (afterRound notes them anew), and the budget calls again when more drains.
void EventLoop::resumeBudgetWaiters() {
    if (!budgetFreed_.exchange(false) || budgetWaiters_.empty()) {
        return;
    }
    std::unordered_set<Relay*> waiters;
    waiters.swap(budgetWaiters_);
    for (Relay* r : waiters) {
        r->retryBudget();
        touched_.push_back(r);
    }
}

}  // namespace rtmtap
