#include "ReplayTimeline.h"

#include "replay/ReplayPlan.h"
#include "replay/RecordingLoader.h"

#include <algorithm>
#include <optional>

namespace rtmtap::bench {

ReplayTimeline ReplayTimeline::load(const std::string& file) {
    std::string notice;
    Recording rec = loadRecording(file, "", std::nullopt, &notice);
    ReplayPlan plan = buildReplayPlan(rec.frames, rec.end, PlanOptions{});
    ReplayTimeline t;
    t.describe_ = rec.describe;
    for (const PlannedFrame& f : plan.frames) {
        if (f.frame->op == Opcode::Close) {
            break;  // the connection ends there: nothing after it arrives
        }
        t.frames_.push_back({static_cast<uint8_t>(f.frame->op), f.frame->payload.size(), f.offsetUs});
    }
    std::stable_sort(t.frames_.begin(), t.frames_.end(),
                     [](const TimelineFrame& a, const TimelineFrame& b) { return a.offsetUs < b.offsetUs; });
    return t;
}

}  // namespace rtmtap::bench
