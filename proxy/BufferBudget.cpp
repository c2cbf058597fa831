#include "BufferBudget.h"

#include <algorithm>

namespace rtmtap {

BufferBudget::BufferBudget(size_t limit, size_t overdraft)
    : limit_(limit), overdraft_(overdraft), slack_(std::min<size_t>(64 * 1024, limit / 4)) {}

void BufferBudget::onFreed(std::function<void()> listener) {
    listeners_.push_back(std::move(listener));
}

void BufferBudget::adjust(int64_t delta) {
    if (delta > 0) {
        const size_t now = used_.fetch_add(static_cast<size_t>(delta)) + static_cast<size_t>(delta);
        size_t peak = peak_.load(std::memory_order_relaxed);
        while (now > peak && !peak_.compare_exchange_weak(peak, now, std::memory_order_relaxed)) {
        }
        return;
    }
    if (delta == 0) {
        return;
    }
    const size_t now = used_.fetch_sub(static_cast<size_t>(-delta)) - static_cast<size_t>(-delta);
    if (waitingBelowLimit_.load() && now + slack_ < limit_) {
        wake(waitingBelowLimit_);
    }
    if (waitingHolder_.load() && now + slack_ < limit_ + overdraft_) {
        wake(waitingHolder_);
    }
}

bool BufferBudget::mayRead(const void* owner, bool midMessage) {
    if (holder_.load() == owner) {
        if (midMessage) {
            return used_.load() < limit_ + overdraft_ || !refuse(waitingHolder_, limit_ + overdraft_);
        }
        release(owner);
    }
    if (used_.load() < limit_) {
        return true;
    }
    const void* none = nullptr;
    if (midMessage && holder_.compare_exchange_strong(none, owner)) {
        return used_.load() < limit_ + overdraft_ || !refuse(waitingHolder_, limit_ + overdraft_);
    }
    return !refuse(waitingBelowLimit_, limit_);
}

// Marks a reader as waiting, then looks again: bytes freed between the first look and the mark
// found nobody waiting, so this reader must not sleep on them. True: refused after all.
bool BufferBudget::refuse(std::atomic<bool>& waiting, size_t bound) {
    waiting.store(true);
    return used_.load() >= bound;
}

void BufferBudget::release(const void* owner) {
    const void* expected = owner;
    if (holder_.compare_exchange_strong(expected, nullptr) && waitingBelowLimit_.load()) {
        wake(waitingBelowLimit_);  // a session refused mid-message may take the overdraft now
    }
}

void BufferBudget::wake(std::atomic<bool>& waiting) {
    if (waiting.exchange(false)) {
        for (const auto& listener : listeners_) {
            listener();
        }
    }
}

}  // namespace rtmtap
