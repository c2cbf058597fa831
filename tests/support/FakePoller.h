#pragma once
// Stands in for the EventLoop under a Relay driven by hand: it remembers the events each side
// asked to be woken for, so a test (or the Relay fuzz target) delivers them itself with
// Relay::onEvent, as a level-triggered epoll would.
#include "proxy/Relay.h"

#include <cstdint>

namespace rtmtap::test {

class FakePoller : public Poller {
public:
    void watch(int fd, uint32_t events, void* side) override;

    RelaySide* client = nullptr;    // the sides, once the relay has registered them
    RelaySide* upstream = nullptr;
    uint32_t clientEvents = 0;      // EPOLLIN, EPOLLOUT: what each side waits for now
    uint32_t upstreamEvents = 0;
};

}  // namespace rtmtap::test
