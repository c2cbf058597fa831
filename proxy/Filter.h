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
#include <string>
#include <utility>
#include <vector>

namespace rtmtap {

struct FilterContext {
    const SessionInfo& session;
    Direction dir;     // the direction of the message: c2s goes to the server
    int64_t nowUs;     // µs since the session began (monotonic), as in Message::t_us
};

// A message a filter adds around the one it answers (a rule's insert_before / insert_after /
// duplicate). It is not filtered again and is recorded with the injected flag.
struct FilterInsert {
    Direction dir = Direction::ServerToClient;  // the way it travels (may differ from the answered one)
    Opcode op = Opcode::Text;                   // text, binary, or ping/pong up to 125 bytes
    std::string payload;
    bool before = false;  // out just before the answered message, else after it
    int afterMs = 0;      // after only: this long after the answer; other messages do not wait for it
};

// Ends the session as if one side had closed it (a rule's close).
struct FilterClose {
    Direction by = Direction::ServerToClient;  // ServerToClient: the server closes, the client sees it
    uint16_t code = 1000;  // 1006: that side's TCP connection drops, no close frame
    std::string reason;
};

struct FilterResult {
    enum class Action { Continue, Drop, Hold, Replace, Close };
    Action action = Action::Continue;
    int holdMs = 0;                      // Hold
    std::vector<Message> replacements;   // Replace: op and payload of each message sent instead
    std::vector<FilterInsert> inserts;   // any action: messages added before or after this one
    FilterClose close;                   // Close: the message is not forwarded, inserts go out, the session ends
    // Hold: when not 0, Relay::release(token, decision) may end the hold before holdMs with a
    // decision (Continue, Drop or Replace); at holdMs the message goes on unchanged.
    uint64_t holdToken = 0;

    // Default-constructed: Continue (the message goes on to the next filter, then out).
    static FilterResult drop() { return make(Action::Drop); }
    static FilterResult hold(int ms, uint64_t token = 0) {
        FilterResult r = make(Action::Hold);
        r.holdMs = ms;
        r.holdToken = token;
        return r;
    }
    static FilterResult replace(std::vector<Message> messages) {
        FilterResult r = make(Action::Replace);
        r.replacements = std::move(messages);
        return r;
    }
    static FilterResult closeAs(Direction by, uint16_t code, std::string reason = "") {
        FilterResult r = make(Action::Close);
        r.close = FilterClose{by, code, std::move(reason)};
        return r;
    }

private:
    static FilterResult make(Action action) {
        FilterResult r;
        r.action = action;
        return r;
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
