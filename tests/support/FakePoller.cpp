#include "FakePoller.h"

namespace rtmtap::test {

void FakePoller::watch(int /*fd*/, uint32_t events, void* side) {
    auto* s = static_cast<RelaySide*>(side);
    const bool isClient = s->from == Direction::ClientToServer;
    (isClient ? client : upstream) = s;
    (isClient ? clientEvents : upstreamEvents) = events;
}

}  // namespace rtmtap::test
