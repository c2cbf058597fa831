#pragma once
// Observe-only hooks (mitmproxy's addon pattern): the relay announces, features listen.
// Calls come from relay threads: an implementation must be quick and thread-safe and must never
// block (an event loop serves many sessions). A tap that can fall behind says so through
// backpressure() instead, and the relay slows the senders (protocol/Backpressure.h).
#include "ApiExchange.h"
#include "Backpressure.h"
#include "Message.h"
#include "Session.h"

#include <cstddef>
#include <memory>
#include <vector>

namespace rtmtap {

using MessageBatch = std::shared_ptr<const std::vector<Message>>;

class Tap {
public:
    virtual ~Tap() = default;
    virtual void onSessionStart(const SessionInfo& info) = 0;
    virtual void onMessage(const Message& message) = 0;
    // The messages one relay round produced, in order, shared and immutable: a tap that keeps
    // them (the recorder's queue) holds the batch instead of copying every payload, and pays its
    // per-call costs (a lock, a wake-up) once a round.
    virtual void onMessages(const MessageBatch& batch) {
        for (const Message& m : *batch) {
            onMessage(m);
        }
    }
    virtual void onSessionEnd(const SessionEnd& end) = 0;
    // An HTTP API call forwarded by the API side of the proxy (proxy/ApiProxy), announced after
    // the upstream's answer is complete and just before it goes to the client (so it comes before
    // any WebSocket session that the answer leads to). Most taps ignore it.
    virtual void onApiExchange(const ApiExchange& /*exchange*/) {}
    // The tap's signal that it is behind, or nullptr when it never is (most taps).
    virtual Backpressure* backpressure() { return nullptr; }
};

}  // namespace rtmtap
