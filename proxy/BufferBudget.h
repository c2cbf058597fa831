#pragma once
// The process-wide bound on the bytes the relays buffer (--max-buffered). Every relay reports what
// it holds (frames not yet complete, fragments of a message, bytes waiting for a slow reader,
// messages a filter holds) and asks before each read. Once the budget is spent, no session reads
// more from its sender until bytes drain: senders wait on TCP, nothing fails.
//
// A message already begun must be able to end, or sessions that each hold part of one could wait
// for each other forever. So one session at a time (the holder of the overdraft) may go on reading
// a message it has begun past the budget, up to maxMessage more. The bound of the whole process
// is therefore limit + maxMessage, plus one read (64 KiB) per relay loop in flight.
//
// Thread-safe: relays on every loop share one budget (atomic counters, no lock).
#include <atomic>
#include <cstddef>
#include <cstdint>
#include <functional>
#include <vector>

namespace rtmtap {

class BufferBudget {
public:
    BufferBudget(size_t limit, size_t overdraft);

    // Bytes buffered went up (delta > 0) or down. Going down may call the listeners.
    void adjust(int64_t delta);
    // May owner (a relay's side) read more now? midMessage: it holds part of a message, so it may
    // take the overdraft when the budget is spent. A false answer is remembered: the listeners are
    // called once the bytes drain (or the overdraft is free again), and owner should ask again then.
    bool mayRead(const void* owner, bool midMessage);
    // owner needs the overdraft no longer (its message is complete, or its session ended).
    void release(const void* owner);
    // Registers a call made, on whichever thread frees bytes, when reading refused earlier may go on.
    // Register before any relay uses the budget; listeners must outlive those relays.
    void onFreed(std::function<void()> listener);

    size_t used() const { return used_.load(std::memory_order_relaxed); }
    size_t peak() const { return peak_.load(std::memory_order_relaxed); }
    size_t limit() const { return limit_; }
    size_t overdraft() const { return overdraft_; }

private:
    bool refuse(std::atomic<bool>& waiting, size_t bound);
    void wake(std::atomic<bool>& waiting);

    const size_t limit_;
    const size_t overdraft_;
    const size_t slack_;  // refused readers are woken this far below their bound, not at each byte
    std::atomic<size_t> used_{0};
    std::atomic<size_t> peak_{0};
    std::atomic<const void*> holder_{nullptr};  // who has the overdraft
    std::atomic<bool> waitingBelowLimit_{false};
    std::atomic<bool> waitingHolder_{false};
    std::vector<std::function<void()>> listeners_;
};

}  // namespace rtmtap
