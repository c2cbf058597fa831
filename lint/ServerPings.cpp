#include "ServerPings.h"

#include "protocol/TimeSpan.h"

namespace rtmtap {

void ServerPings::reset() {
    *this = ServerPings();
}

ServerPings::Step ServerPings::onFrame(const LintFrame& frame) {
    if (closing_) {
        return {};
    }
    if (frame.is(Opcode::Close)) {
        closing_ = true;
        return {};
    }
    if (frame.fromServer() && frame.is(Opcode::Ping)) {
        return onServerPing(frame.message);
    }
    if (frame.fromClient() && frame.is(Opcode::Pong)) {
        return onClientPong(frame.message);
    }
    return {};
}

ServerPings::Step ServerPings::onServerPing(const Message& ping) {
    Step step;
    if (last_) {
        const int64_t gap = spanUs(last_->t_us, ping.t_us);
        if (gap >= kMinIntervalUs) {
            intervalUs_ = gap;
            if (!kept_) {
                previous_ = std::move(last_);
                step.missed = &*previous_;
            }
        }
    }
    last_ = ping;
    kept_ = false;
    answered_ = false;
    return step;
}

ServerPings::Step ServerPings::onClientPong(const Message& pong) {
    Step step;
    if (!last_) {
        return step;  // unsolicited (RFC 6455 allows it as a heartbeat)
    }
    kept_ = true;
    if (!answered_ && pong.payload == last_->payload) {
        answered_ = true;
        step.answered = &*last_;
    }
    return step;
}

const Message* ServerPings::unanswered() const {
    return last_ && !kept_ && !closing_ ? &*last_ : nullptr;
}

}  // namespace rtmtap
