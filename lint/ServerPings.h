#pragma once
// The server's protocol ping clock as one session's frames show it, for pong-missing and
// pong-slow. The real server pings every socket every 25 s from one timer and drops, at the next
// tick, a client that has sent no pong since the previous ping (protocol-notes.md). It counts any
// pong (Node ws sets isAlive on each), so "kept" means any pong came; which ping a pong answers is
// told by its payload (RFC 6455 5.5.3: a pong echoes its ping's application data), which also
// pairs them in order when both are empty. The interval is the gap between the last two pings
// when the recording shows one (a simulator run with --ping-interval is judged by its own clock),
// else the real server's 25 s. After a close frame in either direction nothing is judged: the
// closing handshake has begun and no more pongs are due.
#include "LintFrame.h"

#include <cstdint>
#include <optional>

namespace rtmtap {

class ServerPings {
public:
    static constexpr int64_t kRealIntervalUs = 25'000'000;
    // Pings closer together than this are not ticks of a ping timer: RFC 6455 5.5.3 lets a client
    // answer only the latest of several, so the earlier one is not judged.
    static constexpr int64_t kMinIntervalUs = 1'000'000;

    struct Step {
        const Message* missed = nullptr;    // a server ping: the one before it, which no pong followed
        const Message* answered = nullptr;  // a client pong: the ping it answers
    };

    void reset();
    // What the frame did to the clock; the pointers are valid until the next call.
    Step onFrame(const LintFrame& frame);
    int64_t intervalUs() const { return intervalUs_; }
    // The last ping, when no pong came after it and no close frame: what a session's end leaves
    // unanswered. nullptr otherwise.
    const Message* unanswered() const;

private:
    Step onServerPing(const Message& ping);
    Step onClientPong(const Message& pong);

    std::optional<Message> last_;      // the latest server ping
    std::optional<Message> previous_;  // the one before it, kept for Step::missed
    bool kept_ = false;                // a pong of any payload came since last_
    bool answered_ = false;            // last_'s own pong came
    bool closing_ = false;
    int64_t intervalUs_ = kRealIntervalUs;
};

}  // namespace rtmtap
