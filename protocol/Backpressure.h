#pragma once
// The signal a tap that can fall behind (the recorder, whose one writer waits on the disk) offers
// to whoever produces what it hears. The tap itself never blocks its callers: it takes what it is
// given and says, through open(), whether it would rather not be given more. What waiting means is
// the producer's choice: the relay stops reading from the senders whose messages it could not hand
// over without growing the backlog, and reads again once a listener says the signal is open.
#include <cstdint>
#include <functional>

namespace rtmtap {

class Backpressure {
public:
    virtual ~Backpressure() = default;
    // Any thread, cheap (an atomic load): false while the tap holds as much as it should.
    virtual bool open() const = 0;
    // listener runs, on whatever thread opened the signal, each time open() turns from false to
    // true (and when the tap closes for good). It must be quick and must not call into the tap.
    // Returns an id for unsubscribe.
    virtual uint64_t subscribe(std::function<void()> listener) = 0;
    // Once it returns, the listener is not running and is never called again.
    virtual void unsubscribe(uint64_t id) = 0;
};

}  // namespace rtmtap
