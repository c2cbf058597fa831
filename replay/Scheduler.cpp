#include "Scheduler.h"

#include <algorithm>
#include <chrono>
#include <cmath>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>

namespace rtmtap {
namespace {

// Longest single sleep: a huge wait would overflow the condition variable's deadline, and a
// FakeClock moved by a test is seen within this time even without an add().
constexpr int64_t kMaxSleepUs = 1'000'000;

// Sets the calling thread's timer slack for its lifetime, then puts the old one back.
class TimerSlack {
public:
    explicit TimerSlack(unsigned long ns) : saved_(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0)) {
        ::prctl(PR_SET_TIMERSLACK, ns, 0, 0, 0);
    }
    ~TimerSlack() {
        if (saved_ > 0) {
            ::prctl(PR_SET_TIMERSLACK, static_cast<unsigned long>(saved_), 0, 0, 0);
        }
    }
    TimerSlack(const TimerSlack&) = delete;
    TimerSlack& operator=(const TimerSlack&) = delete;

private:
    const int saved_;
};

int64_t percentile(const std::vector<int64_t>& sorted, double p) {
    if (sorted.empty()) {
        return 0;
    }
    auto rank = static_cast<size_t>(std::ceil(p * static_cast<double>(sorted.size())));
    return sorted[std::clamp<size_t>(rank, 1, sorted.size()) - 1];
}

}  // namespace

Scheduler::Scheduler(const Clock& clock, LatePolicy policy)
    : clock_(clock), policy_(policy), originUs_(clock.monotonicUs()) {}

void Scheduler::addAction(int64_t offsetUs, Action action) {
    std::lock_guard<std::mutex> lock(mutex_);
    items_.emplace(offsetUs, std::move(action));
    changedLocked();
}

void Scheduler::rebase(int64_t originUs) {
    std::lock_guard<std::mutex> lock(mutex_);
    originUs_ = originUs;
    if (paused_) {
        pausedAtUs_ = clock_.monotonicUs();  // the origin given holds from now: only the rest of the pause moves it
    }
    changedLocked();
}

void Scheduler::setSpeed(double speed) {
    if (!(speed >= kMinSpeed && speed <= kMaxSpeed)) {
        throw std::invalid_argument("speed must be from 0.1 to 100, not " + std::to_string(speed));
    }
    std::lock_guard<std::mutex> lock(mutex_);
    const int64_t now = nowLocked();
    const double position = static_cast<double>(now - originUs_) * speed_;
    speed_ = speed;
    originUs_ = now - std::llround(position / speed);
    changedLocked();
}

int64_t Scheduler::originUs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return originUs_;
}

double Scheduler::speed() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return speed_;
}

int64_t Scheduler::positionUs() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return std::llround(static_cast<double>(nowLocked() - originUs_) * speed_);
}

void Scheduler::pause() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (!paused_) {
        paused_ = true;
        pausedAtUs_ = clock_.monotonicUs();
        changedLocked();
    }
}

void Scheduler::resume() {
    std::lock_guard<std::mutex> lock(mutex_);
    if (paused_) {
        paused_ = false;
        originUs_ += clock_.monotonicUs() - pausedAtUs_;
        changedLocked();
    }
}

void Scheduler::setMoreMayCome(bool more) {
    std::lock_guard<std::mutex> lock(mutex_);
    moreMayCome_ = more;
    changedLocked();
}

void Scheduler::stop() {
    std::lock_guard<std::mutex> lock(mutex_);
    stopped_ = true;
    changedLocked();
}

bool Scheduler::stopped() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return stopped_;
}

Scheduler::End Scheduler::run() {
    const TimerSlack precise(kTimerSlackNs);
    std::unique_lock<std::mutex> lock(mutex_);
    for (;;) {
        if (stopped_) {
            return End::Stopped;
        }
        if (items_.empty() && !moreMayCome_) {
            return End::Done;
        }
        if (paused_ || items_.empty()) {
            wake_.wait(lock);
            continue;
        }
        const int64_t due = dueLocked(items_.begin()->first);
        const int64_t left = due - clock_.monotonicUs();
        if (left > 0) {
            wake_.wait_for(lock, std::chrono::microseconds(std::min(left, kMaxSleepUs)));
            continue;
        }
        Firing firing;
        Action action = popLocked(firing);
        lock.unlock();
        action(firing);  // an exception leaves with the lock released, as unique_lock knows
        lock.lock();
    }
}

size_t Scheduler::runDue() {
    size_t ran = 0;
    for (;;) {
        Firing firing;
        Action action;
        {
            std::lock_guard<std::mutex> lock(mutex_);
            if (stopped_ || paused_ || items_.empty() || dueLocked(items_.begin()->first) > clock_.monotonicUs()) {
                return ran;
            }
            action = popLocked(firing);
        }
        action(firing);
        ++ran;
    }
}

size_t Scheduler::pending() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return items_.size();
}

std::vector<int64_t> Scheduler::lateness() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return lateness_;
}

SchedulerStats Scheduler::stats() const {
    std::vector<int64_t> sorted = lateness();
    std::sort(sorted.begin(), sorted.end());
    SchedulerStats s;
    s.ran = sorted.size();
    s.p50Us = percentile(sorted, 0.50);
    s.p99Us = percentile(sorted, 0.99);
    s.maxUs = sorted.empty() ? 0 : sorted.back();
    return s;
}

int64_t Scheduler::nowLocked() const {
    return paused_ ? pausedAtUs_ : clock_.monotonicUs();
}

int64_t Scheduler::dueLocked(int64_t offsetUs) const {
    if (speed_ == 1.0) {
        return originUs_ + offsetUs;  // exact, the common case
    }
    return originUs_ + std::llround(static_cast<double>(offsetUs) / speed_);
}

void Scheduler::changedLocked() {
    wake_.notify_all();
}

// Takes the first item, which is due, and notes when it ran.
Scheduler::Action Scheduler::popLocked(Firing& firing) {
    auto first = items_.begin();
    firing.offsetUs = first->first;
    firing.dueUs = dueLocked(first->first);
    firing.ranUs = clock_.monotonicUs();
    Action action = std::move(first->second);
    items_.erase(first);
    const int64_t late = firing.latenessUs();
    lateness_.push_back(late);
    if (policy_ == LatePolicy::Shift && late > 0) {
        originUs_ += late;  // later items keep their spacing from this one
    }
    return action;
}

}  // namespace rtmtap
