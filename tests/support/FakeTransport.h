#pragma once
// An in-memory peer for driving proxy/Relay without sockets (unit tests, the Relay fuzz target):
// reads return the peer's bytes in exactly the chunks it queued, writes land in `written` and
// can be cut short or refused (WouldBlock), and the peer can hang up or fail.
// The Transport base holds an unconnected StreamSocket, which has no descriptor: fd() is -1, and
// the base's setsockopt and setBlocking fail harmlessly on it. The relay only hands fd() to its
// Poller (a FakePoller here), so Transport needed no seam for this.
#include "proxy/Transport.h"

#include <cstddef>
#include <cstdint>
#include <deque>
#include <string>

namespace rtmtap::test {

struct FakePeer {
    std::deque<std::string> chunks;  // what the peer sends: a read returns at most one chunk
    bool closed = false;             // once the chunks are read, the end of the stream
    bool resets = false;             // once the chunks are read, reads fail (as on a reset)
    bool blocked = false;            // writes return WouldBlock (its receive buffer is full)
    size_t room = SIZE_MAX;          // bytes it takes before writes would block; then blocked
    size_t maxWrite = SIZE_MAX;      // one write takes at most this many bytes
    std::string written;             // what the relay wrote to it
    bool finReceived = false;        // the relay shut its sending half down (shutdownWrite)

    void send(std::string bytes) { chunks.push_back(std::move(bytes)); }
    bool hasInput() const { return !chunks.empty() || closed || resets; }
    bool takesWrites() const { return !blocked && room > 0; }
};

class FakeTransport : public Transport {
public:
    explicit FakeTransport(FakePeer& peer);

    ssize_t read(char* buf, size_t len) override;
    ssize_t write(const char* buf, size_t len) override;
    void shutdownWrite() override;

private:
    FakePeer& peer_;
};

}  // namespace rtmtap::test
