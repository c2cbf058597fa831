#include "GapLedger.h"

#include <algorithm>

namespace rtmtap {

void GapLedger::add(const Message& m, const std::string& reason) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto [it, opened] = bySession_.try_emplace(m.session);
    GapRow& gap = it->second;
    if (opened) {
        gap.session = m.session;
        gap.first_seq = m.seq;
        gap.first_us = m.wall_us;
        gap.reason = reason.empty() ? "the disk was slower than the traffic" : reason;
        open_.store(bySession_.size(), std::memory_order_relaxed);
        ++gaps_;
    }
    gap.last_seq = m.seq;
    gap.last_us = m.wall_us;
    gap.frames += 1;
    gap.bytes += static_cast<int64_t>(m.size);
    ++frames_;
    bytes_ += m.size;
}

std::vector<GapRow> GapLedger::takeAll() {
    std::vector<GapRow> rows;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (auto& entry : bySession_) {
            rows.push_back(std::move(entry.second));
        }
        bySession_.clear();
        open_.store(0, std::memory_order_relaxed);
    }
    std::sort(rows.begin(), rows.end(), [](const GapRow& a, const GapRow& b) { return a.session < b.session; });
    return rows;
}

std::optional<GapRow> GapLedger::take(int64_t session) {
    std::lock_guard<std::mutex> lock(mutex_);
    auto it = bySession_.find(session);
    if (it == bySession_.end()) {
        return std::nullopt;
    }
    GapRow gap = std::move(it->second);
    bySession_.erase(it);
    open_.store(bySession_.size(), std::memory_order_relaxed);
    return gap;
}

}  // namespace rtmtap
