#pragma once
// Timed actions on a Clock: each item has an offset (µs) and is due at origin + offset / speed.
// It drives `rtmtap client --script` (and the replay: recorded frames at their recorded offsets),
// and runs on a FakeClock in tests.
//
// Items may be added in any order and from any thread; they run in offset order, items with
// equal offsets in the order they were added. One thread runs them, with run() (blocking: waits
// for each item, until all are done) or runDue() (runs what is due now and returns). Actions run
// outside the scheduler's lock, so an action may add items, rebase, change the speed or stop.
//
// Precision: run() sleeps on a condition variable until an item is due, with its thread's timer
// slack lowered to kTimerSlackNs while it runs (Linux pads each timed sleep by the thread's slack,
// 50 µs by default). It does not spin: a replay runs one scheduler per client, and 100 threads
// spinning (they yielded in a loop for the last 200 µs before each item) took the CPUs that the
// sends needed (bench/replay.sh, bench/README.md).
#include "protocol/Clock.h"

#include <condition_variable>
#include <cstdint>
#include <functional>
#include <map>
#include <mutex>
#include <type_traits>
#include <utility>
#include <vector>

namespace rtmtap {

// When an action runs: handed to it, so it can stamp what it does with the time it ran.
struct Firing {
    int64_t offsetUs = 0;  // the item's offset
    int64_t dueUs = 0;     // monotonic µs it was due (with the origin and speed of that moment)
    int64_t ranUs = 0;     // monotonic µs it ran (read just before the action was called)
    int64_t latenessUs() const { return ranUs - dueUs; }
};

// Lateness of the items run so far, in µs (nearest-rank percentiles; 0 when none ran).
struct SchedulerStats {
    size_t ran = 0;
    int64_t p50Us = 0;
    int64_t p99Us = 0;
    int64_t maxUs = 0;
};

class Scheduler {
public:
    using Action = std::function<void(const Firing&)>;

    // What a late item does to the ones after it.
    enum class LatePolicy {
        CatchUp,  // nothing: every item keeps its due time (a replay at recorded offsets)
        Shift,    // the origin moves by the lateness: later items keep their spacing from this one
                  // (a script whose delays count from the previous step as it was sent)
    };

    enum class End { Done, Stopped };

    static constexpr double kMinSpeed = 0.1;
    static constexpr double kMaxSpeed = 100.0;
    static constexpr unsigned long kTimerSlackNs = 1;

    // The origin is clock.monotonicUs() now; rebase() moves it.
    explicit Scheduler(const Clock& clock, LatePolicy policy = LatePolicy::CatchUp);
    Scheduler(const Scheduler&) = delete;
    Scheduler& operator=(const Scheduler&) = delete;

    // Adds an item; f is callable as f(const Firing&) or f(). Thread-safe; wakes run().
    template <class F>
    void add(int64_t offsetUs, F&& f) {
        if constexpr (std::is_invocable_v<F&, const Firing&>) {
            addAction(offsetUs, Action(std::forward<F>(f)));
        } else {
            addAction(offsetUs, [g = std::forward<F>(f)](const Firing&) mutable { g(); });
        }
    }

    // Items are due at origin + offset / speed.
    void rebase(int64_t originUs);
    // 0.1 to 100 (else std::invalid_argument). Keeps the current position: the offset due now
    // stays due now, so what was due stays due and nothing not yet due becomes due.
    void setSpeed(double speed);
    int64_t originUs() const;
    double speed() const;
    // The offset that is due now: (now - origin) * speed.
    int64_t positionUs() const;

    // Nothing runs while paused; resume() moves the origin by the pause, so the rest continues
    // on time from where it stopped.
    void pause();
    void resume();

    // While true, run() waits for more items when it has run them all; false (the default): run()
    // returns Done once there are none left. Thread-safe; wakes run().
    void setMoreMayCome(bool more);

    // Runs items as they fall due until none are left (and no more may come), or stop().
    // An exception from an action ends run() and reaches its caller (the item is consumed).
    // The calling thread's timer slack is kTimerSlackNs while run() runs, then what it was.
    End run();
    // Runs the items due at clock.now(), in order, and returns how many ran. Never waits.
    size_t runDue();
    // Ends run() promptly, from any thread; afterwards run() and runDue() run nothing.
    void stop();
    bool stopped() const;

    size_t pending() const;
    SchedulerStats stats() const;
    std::vector<int64_t> lateness() const;  // µs, one per item run, in the order they ran

private:
    void addAction(int64_t offsetUs, Action action);
    int64_t nowLocked() const;
    int64_t dueLocked(int64_t offsetUs) const;
    void changedLocked();
    Action popLocked(Firing& firing);

    const Clock& clock_;
    const LatePolicy policy_;
    mutable std::mutex mutex_;
    std::condition_variable wake_;
    // Keyed by offset; a multimap keeps equal keys in insertion order.
    std::multimap<int64_t, Action> items_;
    int64_t originUs_;
    double speed_ = 1.0;
    bool paused_ = false;
    int64_t pausedAtUs_ = 0;
    bool moreMayCome_ = false;
    bool stopped_ = false;
    std::vector<int64_t> lateness_;
};

}  // namespace rtmtap
