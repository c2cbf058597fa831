#pragma once
// What `rtmtap replay FILE` will send each client after its ws_auth, and when: the recording is
// read and planned by rtmtap's own code (store/RecordingLoader, replay/ReplayPlan), so the
// benchmark's expectations cannot drift from the replay's. Frames are in the order the replay's
// Scheduler sends them (offset order; equal offsets in recorded order).
#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap::bench {

struct TimelineFrame {
    uint8_t op = 0;        // RFC 6455 opcode
    size_t size = 0;       // payload bytes
    int64_t offsetUs = 0;  // from ws_auth, at speed 1
};

class ReplayTimeline {
public:
    // Throws std::runtime_error with one line (the loader's and the planner's messages).
    static ReplayTimeline load(const std::string& file);

    const std::vector<TimelineFrame>& frames() const { return frames_; }
    int64_t spanUs() const { return frames_.empty() ? 0 : frames_.back().offsetUs; }
    const std::string& describe() const { return describe_; }

private:
    std::vector<TimelineFrame> frames_;
    std::string describe_;
};

}  // namespace rtmtap::bench
