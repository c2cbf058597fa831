#pragma once
// Frames of one kind (a client's commands, a server's events) in a sliding one-second window, and
// the burst they form once the window holds more than a limit. A burst ends when the window has
// come down to half the limit, not merely to the limit: a steady rate just above the limit would
// otherwise be reported as a new burst every few frames. Each burst is handed back once, whole.
#include "FrameMark.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <map>
#include <optional>
#include <string>

namespace rtmtap {

struct Burst {
    FrameMark first;   // the oldest frame in the window when the limit was passed
    FrameMark last;
    size_t frames = 0;  // in the whole burst
    size_t peak = 0;    // the most frames within one second
    std::string commonest;  // the name most of its frames had, "" when none had one
    size_t commonestCount = 0;

    int64_t durationUs() const { return last.message.t_us - first.message.t_us; }
};

class BurstWindow {
public:
    static constexpr int64_t kWindowUs = 1'000'000;

    explicit BurstWindow(size_t limit) : limit_(limit) {}

    void reset();
    // Time moved on to t_us (any frame's time): the burst that has ended by then, if any.
    std::optional<Burst> advance(int64_t t_us);
    // A frame of this kind, after advance() to its time: joins the window and any burst.
    void add(const LintFrame& frame);
    // The session ended: the burst still going, if any.
    std::optional<Burst> finish();

private:
    void count(const FrameMark& mark);
    std::optional<Burst> close();

    size_t limit_;
    std::deque<FrameMark> window_;
    std::optional<Burst> burst_;
    std::map<std::string, size_t> names_;  // of the burst's frames
};

}  // namespace rtmtap
