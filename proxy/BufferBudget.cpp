#include "BufferBudget.h"

#include <algorithm>
#include <cstdio>
#include <tuple>

namespace rtmtap {

namespace {

size_t slackBelow(size_t bound) {
    return std::min<size_t>(64 * 1024, bound / 16);
}

}  // namespace

BufferBudget::BufferBudget(size_t limit, size_t overdraft)
    : limit_(limit), overdraft_(overdraft), smallSession_(std::clamp<size_t>(limit / 512, 4096, 64 * 1024)) {
    for (auto [waiting, counter, bound] : {std::tuple<Waiting*, std::atomic<size_t>*, size_t>{&large_, &used_, limit - limit / 8},
                                           {&small_, &used_, limit},
                                           {&holding_, &extraUsed_, overdraft}}) {
        waiting->counter = counter;
        waiting->bound = bound;
        waiting->slack = slackBelow(bound);
    }
}

void BufferBudget::onFreed(std::function<void()> listener) {
    listeners_.push_back(std::move(listener));
}

void BufferBudget::settle(BudgetCharge& charge, size_t now, bool holder) {
    const size_t before = charge.total();
    if (now > before) {
        const size_t grow = now - before;
        (holder ? charge.extra : charge.shared) += grow;
        (holder ? extraUsed_ : used_).fetch_add(grow);
        notePeak();
        return;
    }
    if (now == before) {
        return;
    }
    const size_t fromExtra = std::min(before - now, charge.extra);
    const size_t fromShared = before - now - fromExtra;
    if (fromExtra > 0) {
        charge.extra -= fromExtra;
        extraUsed_.fetch_sub(fromExtra);
        wakeBelow(holding_);
    }
    if (fromShared > 0) {
        charge.shared -= fromShared;
        used_.fetch_sub(fromShared);
        wakeBelow(large_);
        wakeBelow(small_);
    }
}

void BufferBudget::notePeak() {
    const size_t now = used();
    size_t peak = peak_.load(std::memory_order_relaxed);
    while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
    }
}

size_t BufferBudget::allowance(const void* owner, size_t holds, bool finishing) {
    if (!finishing) {
        release(owner);
    }
    const size_t now = room(owner, holds, finishing);
    if (now > 0) {
        return now;
    }
    // Mark the reader as waiting, then look again: bytes freed between the first look and the
    // mark found nobody waiting, so this reader must not sleep on them.
    Waiting& waiting = holder_.load() == owner ? holding_ : holds < smallSession_ ? small_ : large_;
    waiting.flag.store(true);
    return room(owner, holds, finishing);
}

size_t BufferBudget::room(const void* owner, size_t holds, bool finishing) {
    if (holder_.load() != owner) {
        const size_t used = used_.load();
        size_t room = used < large_.bound ? large_.bound - used : 0;
        if (holds < smallSession_ && used < small_.bound) {
            room = std::max(room, std::min(small_.bound - used, smallSession_ - holds));
        }
        const void* none = nullptr;
        if (room > 0 || !finishing || !holder_.compare_exchange_strong(none, owner)) {
            return room;
        }
    }
    const size_t extra = extraUsed_.load();
    return extra < overdraft_ ? overdraft_ - extra : 0;
}

void BufferBudget::release(const void* owner) {
    const void* expected = owner;
    if (holder_.load() == owner && holder_.compare_exchange_strong(expected, nullptr)) {
        // A session refused mid-message may take the overdraft now.
        wake(large_);
        wake(small_);
    }
}

void BufferBudget::wakeBelow(Waiting& waiting) {
    if (waiting.flag.load() && waiting.counter->load() + waiting.slack < waiting.bound) {
        wake(waiting);
    }
}

void BufferBudget::wake(Waiting& waiting) {
    if (waiting.flag.exchange(false)) {
        for (const auto& listener : listeners_) {
            listener();
        }
    }
}

}  // namespace rtmtap
