#pragma once
// The application keepalive of `rtmtap stats` (SessionStats::keepalive): takes a session's frames
// in seq order, as SessionStats' pass reads them, and pairs each ws_ping with the next pong event
// and each system.ping API call with the session's system.ping event that carries its ping_token.
#include "Reader.h"
#include "SessionStats.h"
#include "SystemPingCalls.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

namespace rtmtap {

class KeepaliveCounter {
public:
    // calls: the system.ping calls of the sessions the pass covers (Reader::systemPingCalls).
    explicit KeepaliveCounter(std::vector<SystemPingCall> calls);

    void startSession(int64_t session);
    void add(const FrameSummary& f);
    void endSession();
    // Also lists each ws_ping, answered or not, into marks (the viewer's timeline).
    void recordMarks(std::vector<KeepaliveMark>* marks) { marks_ = marks; }
    // Calls of sessions that had no frame count as unanswered; reconnects come from rows.
    KeepaliveStats finish(const std::map<int64_t, SessionRow>& rows);

private:
    void noteSystemPingEvent(const FrameSummary& f);
    bool matchCall(const SystemPingCall& call);  // false: no event answered it
    void markWsPing(std::optional<int64_t> rtt);   // the waiting ws_ping, into marks_

    KeepaliveStats stats_;
    std::unordered_map<int64_t, std::vector<SystemPingCall>> callsBySession_;
    std::optional<int64_t> session_;
    std::optional<int64_t> wsPingAt_;                // t_us of the ws_ping still waiting
    int64_t wsPingSeq_ = 0;                          // and its seq
    std::vector<KeepaliveMark>* marks_ = nullptr;
    std::unordered_map<std::string, int64_t> events_;  // ping_token -> wall_us of its first event
    std::set<int64_t> endedUnanswered_;             // sessions whose last keepalive got no answer
    std::vector<int64_t> wsRtts_, systemRtts_;
};

}  // namespace rtmtap
