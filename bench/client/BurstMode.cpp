// burst: one connection to the upstream's /burst path; time until every event has arrived.
#include "ClientLoop.h"
#include "Modes.h"

#include <cstdio>
#include <cstdlib>
#include <cstring>

namespace rtmtap::bench {

namespace {

const char kMarker[] = "{\"meta\":{\"api\":\"v1\"},\"event\":\"bench.burstEnd\",\"payload\":{\"count\":";

class BurstHandler : public ClientHandler {
public:
    void onMessage(ClientConn&, uint8_t, const char* data, size_t size) override {
        if (size < 128 && size > sizeof kMarker && std::memcmp(data, kMarker, sizeof kMarker - 1) == 0) {
            endUs_ = nowUs();
            announced_ = std::strtol(std::string(data + sizeof kMarker - 1, size - sizeof kMarker + 1).c_str(),
                                     nullptr, 10);
            return;
        }
        ++events_;
        bytes_ += size;
    }

    int64_t endUs_ = 0;
    long announced_ = -1;
    uint64_t events_ = 0;
    uint64_t bytes_ = 0;
};

}  // namespace

int runBurst(const ClientOptions& options) {
    if (options.target.target.find("/burst") == std::string::npos) {
        std::fprintf(stderr, "bench_client: warning: burst mode expects a /burst?n=N&size=S path\n");
    }
    BurstHandler handler;
    ClientLoop loop(options.target, handler);
    int64_t t0 = nowUs();
    loop.open(1, 1);
    const ClientCounters& k = loop.counters();
    bool ok = loop.runUntil([&] { return handler.endUs_ != 0 || k.failed > 0 || k.droppedOpen > 0; },
                            t0 + int64_t(options.timeoutSeconds * 1e6));
    ok = ok && handler.endUs_ != 0 && handler.announced_ == long(handler.events_);
    loop.closeAll(nowUs() + 5000000);
    double secs = ok ? double(handler.endUs_ - t0) / 1e6 : 0;
    double eventsPerS = ok ? double(handler.events_) / secs : 0;
    double mbPerS = ok ? double(handler.bytes_) / 1e6 / secs : 0;
    std::printf("burst: %llu events, %llu bytes in %.3f s: %.0f events/s, %.1f MB/s\n",
                (unsigned long long)handler.events_, (unsigned long long)handler.bytes_, secs, eventsPerS, mbPerS);
    if (!ok) {
        std::fprintf(stderr, "bench_client: burst incomplete (%llu events, server announced %ld): %s\n",
                     (unsigned long long)handler.events_, handler.announced_, loop.firstError().c_str());
    }
    std::printf("RESULT mode=burst ok=%d events=%llu bytes=%llu seconds=%.4f events_per_s=%.0f mb_per_s=%.2f "
                "frames_sent=%llu frames_received=%llu\n",
                ok ? 1 : 0, (unsigned long long)handler.events_, (unsigned long long)handler.bytes_, secs,
                eventsPerS, mbPerS, (unsigned long long)k.framesSent, (unsigned long long)k.framesReceived);
    return ok ? 0 : 1;
}

}  // namespace rtmtap::bench
