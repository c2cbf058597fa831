#pragma once
// An upstream that answers the upgrade and then keeps every frame as it arrived on the wire,
// header included (TestUpstream's POCO socket unmasks frames and hides the keys). For tests of
// what the proxy itself puts on the wire towards an upstream: masking keys, exact framing.
#include "proxy/FrameCodec.h"

#include <Poco/Net/ServerSocket.h>

#include <atomic>
#include <condition_variable>
#include <cstdint>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {

struct RawFrame {
    FrameHeader header;
    std::string payload;  // unmasked
};

class RawUpstream {
public:
    RawUpstream();   // listens on 127.0.0.1, port 0; a thread per connection
    ~RawUpstream();  // stop()
    RawUpstream(const RawUpstream&) = delete;
    RawUpstream& operator=(const RawUpstream&) = delete;

    std::string url() const;
    void stop();

    // Frames of connection conn (0 = the first accepted), once at least n have arrived.
    bool waitForFrames(size_t n, size_t conn = 0, int timeoutMs = 10000) const;
    std::vector<RawFrame> frames(size_t conn = 0) const;

private:
    void serve();
    void serveOne(Poco::Net::StreamSocket& socket, size_t conn);
    void add(size_t conn, RawFrame frame);

    Poco::Net::ServerSocket server_;
    std::thread thread_;                   // accepts
    std::vector<std::thread> connections_;  // accept thread only, joined by stop()
    std::atomic<bool> stopping_{false};
    mutable std::mutex mutex_;
    mutable std::condition_variable changed_;
    std::vector<std::vector<RawFrame>> frames_;
};

}  // namespace rtmtap::test
