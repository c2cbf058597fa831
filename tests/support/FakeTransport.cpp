#include "FakeTransport.h"

#include <algorithm>
#include <cstring>

namespace rtmtap::test {

FakeTransport::FakeTransport(FakePeer& peer) : Transport(Poco::Net::StreamSocket()), peer_(peer) {}

ssize_t FakeTransport::read(char* buf, size_t len) {
    if (peer_.chunks.empty()) {
        if (peer_.resets) {
            setError("Connection reset by peer");
            return Failed;
        }
        return peer_.closed ? 0 : WouldBlock;
    }
    std::string& front = peer_.chunks.front();
    const size_t n = std::min(len, front.size());
    std::memcpy(buf, front.data(), n);
    front.erase(0, n);
    if (front.empty()) {
        peer_.chunks.pop_front();
    }
    return static_cast<ssize_t>(n);
}

ssize_t FakeTransport::write(const char* buf, size_t len) {
    if (!peer_.takesWrites()) {
        return WouldBlock;
    }
    const size_t n = std::min({len, peer_.maxWrite, peer_.room});
    peer_.written.append(buf, n);
    if (peer_.room != SIZE_MAX) {
        peer_.room -= n;
    }
    return static_cast<ssize_t>(n);
}

void FakeTransport::shutdownWrite() {
    peer_.finReceived = true;
}

}  // namespace rtmtap::test
