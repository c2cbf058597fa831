#pragma once
// Observe-only hooks (mitmproxy's addon pattern): the relay announces, features listen.
// Calls come from relay threads: an implementation must be quick and thread-safe, and may block
// only to apply backpressure (the recorder does when its queue is full, so nothing is dropped).
#include "Message.h"
#include "Session.h"

#include <cstddef>

namespace rtmtap {

class Tap {
public:
    virtual ~Tap() = default;
    virtual void onSessionStart(const SessionInfo& info) = 0;
    virtual void onMessage(const Message& message) = 0;
    // The messages one relay round produced, in order. Taps that pay per call (a lock, a wake-up)
    // override this to take them at once.
    virtual void onMessages(const Message* messages, size_t count) {
        for (size_t i = 0; i < count; ++i) {
            onMessage(messages[i]);
        }
    }
    virtual void onSessionEnd(const SessionEnd& end) = 0;
};

}  // namespace rtmtap
