#pragma once
// A SessionSink that keeps one session of a file in memory, as a Recording: what replay plays
// when its source is a JSONL or HAR file (no database involved). It counts every session it is
// given but keeps only the one asked for, so a long file of many sessions costs one session.
#include "Recording.h"
#include "SessionSink.h"

#include <optional>

namespace rtmtap {

class RecordingCollector : public SessionSink {
public:
    // keep: the 1-based position of the session to keep.
    explicit RecordingCollector(int keep) : keep_(keep) {}

    // Returns the session's position in the file.
    int64_t beginSession(const ImportedSession& session) override;
    // seq counts from 1 in each session; session is set to 0 (not a database's).
    void addFrame(Message&& frame) override;
    void addApiCall(RecordedApiCall&& call) override;

    int sessions() const { return sessions_; }
    // The kept session (describe and dbSessionId left to the caller); nullopt when the file
    // held fewer sessions than keep.
    std::optional<Recording> take();

private:
    bool keeping() const { return sessions_ == keep_; }

    int keep_;
    int sessions_ = 0;
    std::optional<Recording> kept_;
};

}  // namespace rtmtap
