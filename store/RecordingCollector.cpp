#include "RecordingCollector.h"

#include <utility>

namespace rtmtap {

int64_t RecordingCollector::beginSession(const ImportedSession& session) {
    ++sessions_;
    if (keeping()) {
        kept_.emplace();
        kept_->info = session.info;
        kept_->info.id = 0;
        kept_->end = session.end;
        kept_->label = session.label;
    }
    return sessions_;
}

void RecordingCollector::addFrame(Message&& frame) {
    if (!keeping()) {
        return;
    }
    frame.session = 0;
    frame.seq = static_cast<int64_t>(kept_->frames.size()) + 1;
    kept_->frames.push_back(std::move(frame));
}

void RecordingCollector::addApiCall(RecordedApiCall&& call) {
    if (keeping()) {
        kept_->apiCalls.push_back(std::move(call));
    }
}

std::optional<Recording> RecordingCollector::take() {
    return std::move(kept_);
}

}  // namespace rtmtap
