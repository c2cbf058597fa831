#pragma once
// Filters attached to a running proxy from outside (a breakpoint set by `rtmtap intercept`):
// they run in every session, live or new, after the session's own filters, until detached.
// While none is attached, this costs a session one relaxed atomic load a message.
#include "Filter.h"

#include <atomic>
#include <memory>
#include <mutex>
#include <vector>

namespace rtmtap {

class AttachedFilters {
public:
    using List = std::vector<std::shared_ptr<Filter>>;

    // Thread-safe. An attached filter runs on every loop thread at once: it must be thread-safe.
    void attach(std::shared_ptr<Filter> filter);
    // Thread-safe. A call already running in a loop may still finish after this returns (the
    // filter object stays alive until it has).
    void detach(const std::shared_ptr<Filter>& filter);
    bool any() const { return count_.load(std::memory_order_relaxed) != 0; }
    std::shared_ptr<const List> current() const;

private:
    mutable std::mutex mutex_;
    std::shared_ptr<const List> list_ = std::make_shared<const List>();
    std::atomic<size_t> count_{0};
};

}  // namespace rtmtap
