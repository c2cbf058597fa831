#pragma once
// A filter sees each whole message of a session before the relay forwards it, and answers what
// becomes of it (Envoy's network read filter: the relay itself is the last filter). Rules, edits,
// delays, drops and breakpoints are filters; the relay knows none of them.
//
// A filter runs in its session's loop thread only (one chain per session, made by the
// FilterChainFactory), so it needs no lock for per-session state; state shared between sessions
// must be thread-safe. A filter must be quick: it holds up every session of its loop.
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <cstdint>
#include <utility>
#include <vector>

namespace rtmtap {

struct FilterContext {
    const SessionInfo& session;
    Direction dir;     // the direction of the message: c2s goes to the server
    int64_t nowUs;     // µs since the session began (monotonic), as in Message::t_us
};

struct FilterResult {
    enum class Action { Continue, Drop, Hold, Replace };
    Action action = Action::Continue;
    int holdMs = 0;                      // Hold
    std::vector<Message> replacements;   // Replace: op and payload of each message sent instead

    // Default-constructed: Continue (the message goes on to the next filter, then out).
    static FilterResult drop() { return FilterResult{Action::Drop, 0, {}}; }
    static FilterResult hold(int ms) { return FilterResult{Action::Hold, ms, {}}; }
    static FilterResult replace(std::vector<Message> messages) {
        return FilterResult{Action::Replace, 0, std::move(messages)};
    }
};

class Filter {
public:
    virtual ~Filter() = default;
    // message.seq is 0 here (a seq is given when the message is recorded). Throwing is logged
    // and counts as Continue: a failing filter never stops relaying.
    virtual FilterResult onMessage(FilterContext& context, const Message& message) = 0;
};

}  // namespace rtmtap
