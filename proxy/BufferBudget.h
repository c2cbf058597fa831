#pragma once
// The process-wide bound on the bytes the relays buffer (--max-buffered). Every relay reports what
// it holds (frames not yet complete, fragments of a message, bytes waiting for a slow reader,
// messages a filter holds) and asks before each read. Once the budget is spent, sessions stop
// reading from their senders until bytes drain: senders wait on TCP, nothing fails.
//
// The last eighth of the budget is kept for sessions that hold almost nothing (1/512 of the budget,
// 4 to 64 KiB): slow readers that each pin a megabyte spend the rest, and ordinary sessions, which
// buffer a message for a moment, go on working beside them. Reads are cut to what the budget
// allows, so the budget is never overrun by a read.
//
// A message already begun must be able to end, or sessions that each hold part of one could wait
// for each other forever. So one session at a time (the holder of the overdraft) may go on reading
// a message it has begun, when its reader keeps up, into a second pool of maxMessage bytes beside
// the budget. What it reads then stays charged to that pool until it drains, so a message finished
// for a reader that then stalls never eats the budget of the others. The bound of the whole process
// is limit + maxMessage (and the few bytes of frames the proxy makes itself: closes, injections).
//
// Thread-safe: relays on every loop share one budget (atomic counters, no lock).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace rtmtap {

// What one session has charged to a BufferBudget: to the budget itself, and to the overdraft.
struct BudgetCharge {
    size_t shared = 0;
    size_t extra = 0;
    size_t total() const { return shared + extra; }
};

class BufferBudget {
public:
    BufferBudget(size_t limit, size_t overdraft);

    // Brings a session's charge to `now` bytes. Growth goes to the overdraft while the session
    // holds it (holder), else to the budget; a decrease pays the overdraft back first. Bytes
    // freed may call the listeners.
    void settle(BudgetCharge& charge, size_t now, bool holder);
    // How many bytes owner (a relay's side) may read now. holds: what its session buffers now.
    // finishing: it holds part of a message and its reader keeps up, so it may take the overdraft
    // when the budget is spent (a holder that is no longer finishing gives it back). A 0 is
    // remembered: the listeners are called once enough bytes drain (or the overdraft is free
    // again), and owner should ask again then.
    size_t allowance(const void* owner, size_t holds, bool finishing);
    bool holds(const void* owner) const { return holder_.load() == owner; }
    // owner needs the overdraft no longer (its message is complete, or its session ended).
    void release(const void* owner);
    // Registers a call made, on whichever thread frees bytes, when reading refused earlier may go on.
    // Register before any relay uses the budget; listeners must outlive those relays.
    void onFreed(std::function<void()> listener);

    size_t used() const { return used_.load(std::memory_order_relaxed) + extraUsed_.load(std::memory_order_relaxed); }
    size_t peak() const { return peak_.load(std::memory_order_relaxed); }
    size_t limit() const { return limit_; }
    size_t smallSession() const { return smallSession_; }  // below this a session is "small"
    size_t overdraft() const { return overdraft_; }

private:
    // Readers refused at one bound of one counter, woken together once it falls below.
    struct Waiting {
        const std::atomic<size_t>* counter;
        size_t bound;
        size_t slack;  // woken this far below the bound, not at each byte freed
        std::atomic<bool> flag{false};
    };
    size_t room(const void* owner, size_t holds, bool finishing);
    void wake(Waiting& waiting);
    void wakeBelow(Waiting& waiting);
    void notePeak();

    const size_t limit_;
    const size_t overdraft_;
    const size_t smallSession_;
    std::atomic<size_t> used_{0};       // charged to the budget
    std::atomic<size_t> extraUsed_{0};  // charged to the overdraft
    std::atomic<size_t> peak_{0};
    std::atomic<const void*> holder_{nullptr};  // who has the overdraft
    Waiting large_;    // sessions holding smallSession_ or more: used_ up to limit - limit / 8
    Waiting small_;    // the others: used_ up to limit
    Waiting holding_;  // the overdraft's holder: extraUsed_ up to overdraft
    std::vector<std::function<void()>> listeners_;
};

}  // namespace rtmtap
