#include "BurstWindow.h"

#include "protocol/TimeSpan.h"

#include <algorithm>

namespace rtmtap {

void BurstWindow::reset() {
    window_.clear();
    burst_.reset();
    names_.clear();
}

std::optional<Burst> BurstWindow::advance(int64_t t_us) {
    while (!window_.empty() && spanUs(window_.front().message.t_us, t_us) >= kWindowUs) {
        window_.pop_front();
    }
    if (burst_ && window_.size() <= limit_ / 2) {
        return close();
    }
    return std::nullopt;
}

void BurstWindow::add(const LintFrame& frame) {
    window_.emplace_back(frame);
    if (burst_) {
        count(window_.back());
        burst_->peak = std::max(burst_->peak, window_.size());
        return;
    }
    if (window_.size() <= limit_) {
        return;
    }
    burst_ = Burst{};
    burst_->first = window_.front();
    burst_->peak = window_.size();
    for (const FrameMark& mark : window_) {
        count(mark);
    }
}

void BurstWindow::count(const FrameMark& mark) {
    burst_->last = mark;
    ++burst_->frames;
    if (!mark.name.empty()) {
        ++names_[mark.name];
    }
}

std::optional<Burst> BurstWindow::finish() {
    return burst_ ? close() : std::nullopt;
}

std::optional<Burst> BurstWindow::close() {
    Burst burst = std::move(*burst_);
    for (const auto& [name, n] : names_) {
        if (n > burst.commonestCount) {
            burst.commonest = name;
            burst.commonestCount = n;
        }
    }
    burst_.reset();
    names_.clear();
    return burst;
}

}  // namespace rtmtap
