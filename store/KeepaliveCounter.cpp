#include "KeepaliveCounter.h"

#include "protocol/JsonStrings.h"

namespace rtmtap {

KeepaliveCounter::KeepaliveCounter(std::vector<SystemPingCall> calls) {
    for (SystemPingCall& call : calls) {
        callsBySession_[call.session].push_back(std::move(call));
    }
}

void KeepaliveCounter::startSession(int64_t session) {
    session_ = session;
    wsPingAt_.reset();
    events_.clear();
}

void KeepaliveCounter::add(const FrameSummary& f) {
    if (f.dir == Direction::ClientToServer && f.kind == Kind::Command && f.name == "ws_ping") {
        ++stats_.wsPing.sent;
        // The previous one got no pong before this one: the web client would have reconnected.
        if (wsPingAt_) {
            ++stats_.wsPing.unanswered;
            markWsPing(std::nullopt);
        }
        wsPingAt_ = f.t_us;
        wsPingSeq_ = f.seq;
    } else if (f.dir == Direction::ServerToClient && f.kind == Kind::Event) {
        if (f.name == "pong" && wsPingAt_) {
            wsRtts_.push_back(f.t_us - *wsPingAt_);
            markWsPing(f.t_us - *wsPingAt_);
            wsPingAt_.reset();
        } else if (f.name == "system.ping") {
            noteSystemPingEvent(f);
        }
    }
}

// {"event":"system.ping","payload":{"ping_token":"..."}}; a token seen twice keeps its first time.
void KeepaliveCounter::noteSystemPingEvent(const FrameSummary& f) {
    for (const JsonStringMember& member : scanJsonStrings(f.payload).members) {
        if (member.path == "payload.ping_token") {
            events_.emplace(member.value, f.wall_us);
            return;
        }
    }
}

void KeepaliveCounter::endSession() {
    if (!session_) {
        return;
    }
    bool lastUnanswered = wsPingAt_.has_value();
    if (lastUnanswered) {
        ++stats_.wsPing.unanswered;
        markWsPing(std::nullopt);
    }
    wsPingAt_.reset();
    auto calls = callsBySession_.find(*session_);
    if (calls != callsBySession_.end()) {
        bool answered = true;
        for (const SystemPingCall& call : calls->second) {  // in time order: the last one decides
            answered = matchCall(call);
        }
        lastUnanswered = lastUnanswered || !answered;
        callsBySession_.erase(calls);
    }
    if (lastUnanswered) {
        endedUnanswered_.insert(*session_);
    }
    events_.clear();
    session_.reset();
}

void KeepaliveCounter::markWsPing(std::optional<int64_t> rtt) {
    if (marks_) {
        marks_->push_back({"ws_ping", *wsPingAt_, wsPingSeq_, rtt});
    }
}

bool KeepaliveCounter::matchCall(const SystemPingCall& call) {
    ++stats_.systemPing.sent;
    auto event = events_.find(call.ping_token);
    if (event == events_.end()) {
        ++stats_.systemPing.unanswered;
        return false;
    }
    systemRtts_.push_back(event->second - call.started_wall_us);
    return true;
}

KeepaliveStats KeepaliveCounter::finish(const std::map<int64_t, SessionRow>& rows) {
    endSession();
    for (const auto& [session, calls] : callsBySession_) {
        stats_.systemPing.sent += static_cast<int64_t>(calls.size());
        stats_.systemPing.unanswered += static_cast<int64_t>(calls.size());
        endedUnanswered_.insert(session);
    }
    callsBySession_.clear();
    stats_.wsPing.roundTrip = percentilesOf(wsRtts_);
    stats_.systemPing.roundTrip = percentilesOf(systemRtts_);
    for (const auto& [id, row] : rows) {
        if (row.close_code == 3000 && row.closed_by == "client") {
            ++stats_.reconnects;
            stats_.reconnectsAfterUnanswered += endedUnanswered_.count(id) ? 1 : 0;
        }
    }
    return stats_;
}

}  // namespace rtmtap
