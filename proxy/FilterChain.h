#pragma once
// The filters of one session, in order. The first answer other than Continue ends the chain and
// is the chain's answer (Envoy's StopIteration): a held message is not filtered again when it is
// released, and replacements are not filtered at all (a filter cannot loop on its own output).
#include "AttachedFilters.h"
#include "Filter.h"

#include <functional>
#include <memory>
#include <vector>

namespace rtmtap {

class FilterChain {
public:
    FilterChain() = default;
    explicit FilterChain(std::vector<std::unique_ptr<Filter>> filters) : filters_(std::move(filters)) {}

    bool empty() const { return filters_.empty(); }
    void add(std::unique_ptr<Filter> filter) { filters_.push_back(std::move(filter)); }
    // Filters attached to the proxy run after the chain's own (not owned; outlives the chain).
    void attachBoard(const AttachedFilters* board) { board_ = board; }
    // Whether a message must pass the chain: the relay takes its unfiltered path when not.
    bool active() const { return !filters_.empty() || (board_ != nullptr && board_->any()); }
    // Runs the filters in order. A filter that throws is reported on stderr and skipped.
    FilterResult run(FilterContext& context, const Message& message);
    // How many times a filter threw (for tests and stats).
    uint64_t failures() const { return failures_; }

private:
    bool runOne(Filter& filter, FilterContext& context, const Message& message, std::vector<FilterInsert>& inserts,
                FilterResult& answer);

    std::vector<std::unique_ptr<Filter>> filters_;
    const AttachedFilters* board_ = nullptr;
    uint64_t failures_ = 0;
};

// Makes the chain of a new session (called on a handshake thread, before the session starts).
// An empty std::function, or an empty chain, means no filtering: the relay's unfiltered path.
using FilterChainFactory = std::function<FilterChain(const SessionInfo&)>;

}  // namespace rtmtap
