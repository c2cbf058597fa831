#include "AttachedFilters.h"

#include <algorithm>

namespace rtmtap {

// Copy on write: a loop that took the list keeps using its copy while it is replaced.
void AttachedFilters::attach(std::shared_ptr<Filter> filter) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto next = std::make_shared<List>(*list_);
    next->push_back(std::move(filter));
    count_.store(next->size());
    list_ = std::move(next);
}

void AttachedFilters::detach(const std::shared_ptr<Filter>& filter) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto next = std::make_shared<List>(*list_);
    next->erase(std::remove(next->begin(), next->end(), filter), next->end());
    count_.store(next->size());
    list_ = std::move(next);
}

std::shared_ptr<const AttachedFilters::List> AttachedFilters::current() const {
    std::lock_guard<std::mutex> lock(mutex_);
    return list_;
}

}  // namespace rtmtap
