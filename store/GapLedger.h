#pragma once
// `--when-behind relay`: the frames the recorder let pass unrecorded while it was behind, counted
// per session as runs of consecutive frames, until they can be written as gap rows (store/Gaps.h).
// Thread-safe: relay threads add, the writer and the relay threads take.
#include "Gaps.h"
#include "protocol/Message.h"

#include <atomic>
#include <cstdint>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

namespace rtmtap {

class GapLedger {
public:
    // m was not recorded; reason: why the recorder is behind (used when m opens a gap).
    void add(const Message& m, const std::string& reason);
    // Whether any gap waits to be written (cheap: an atomic load).
    bool any() const { return open_.load(std::memory_order_relaxed) > 0; }
    // Every gap so far, ended here; by session.
    std::vector<GapRow> takeAll();
    // The gap of one session, ended here.
    std::optional<GapRow> take(int64_t session);

    uint64_t frames() const { return frames_.load(); }  // frames not recorded, in all
    uint64_t bytes() const { return bytes_.load(); }
    uint64_t gaps() const { return gaps_.load(); }      // runs, in all

private:
    std::mutex mutex_;
    std::unordered_map<int64_t, GapRow> bySession_;
    std::atomic<size_t> open_{0};
    std::atomic<uint64_t> frames_{0}, bytes_{0}, gaps_{0};
};

}  // namespace rtmtap
