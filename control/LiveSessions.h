#pragma once
// The sessions a running proxy holds, kept by listening as a tap (the relay knows no feature):
// added at their start, gone at their end, with the user of the client's ws_auth and frames
// each way. Read by the control socket for `rtmtap sessions --live` and `rtmtap inject --user`.
// Thread-safe: taps are called from relay threads, readers from control connections.
#include "LiveSession.h"

#include "protocol/Tap.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <vector>

namespace rtmtap {

class LiveSessions : public Tap {
public:
    void onSessionStart(const SessionInfo& info) override;
    void onMessage(const Message& message) override;
    void onMessages(const MessageBatch& batch) override;  // one lock a batch
    void onSessionEnd(const SessionEnd& end) override;

    std::vector<LiveSession> list() const;  // by id
    std::optional<LiveSession> find(int64_t id) const;
    // The highest session id this proxy has started, 0 before the first: an id at or below it
    // that is not live has ended.
    int64_t highestId() const;

private:
    void count(const Message& message);  // mutex_ held

    mutable std::mutex mutex_;
    std::map<int64_t, LiveSession> sessions_;
    int64_t highestId_ = 0;
};

}  // namespace rtmtap
