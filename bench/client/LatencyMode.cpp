// latency: one connection, one message in flight, round-trip time of each echo.
#include "../src/WsFrame.h"
#include "ClientLoop.h"
#include "Modes.h"

#include <cstdio>
#include <cstring>

namespace rtmtap::bench {

namespace {

class LatencyHandler : public ClientHandler {
public:
    LatencyHandler(const ClientOptions& o) : options_(o) { samples_.reserve(size_t(o.count)); }
    void attach(ClientLoop* loop) { loop_ = loop; }
    bool finished() const { return done_ >= options_.warmup + options_.count; }

    void onOpen(ClientConn& c) override { sendNext(c); }

    void onMessage(ClientConn& c, uint8_t, const char* data, size_t size) override {
        int64_t rtt = nowUs() - sentAt_;
        if (size != current_.size() || std::memcmp(data, current_.data(), size) != 0) {
            ++mismatches_;
        }
        if (done_ >= options_.warmup) {
            samples_.push_back(rtt);
        }
        ++done_;
        if (!finished()) {
            sendNext(c);
        }
    }

    long done_ = 0;
    long mismatches_ = 0;
    std::vector<int64_t> samples_;

private:
    void sendNext(ClientConn& c) {
        current_ = benchCommand(options_.size, done_);
        sentAt_ = nowUs();
        loop_->send(c, OpText, current_.data(), current_.size());
    }

    const ClientOptions& options_;
    ClientLoop* loop_ = nullptr;
    std::string current_;
    int64_t sentAt_ = 0;
};

}  // namespace

int runLatency(const ClientOptions& options) {
    LatencyHandler handler(options);
    ClientLoop loop(options.target, handler);
    handler.attach(&loop);
    loop.open(1, 1);
    int64_t deadline = nowUs() + int64_t(options.timeoutSeconds * 1e6);
    bool ok = loop.runUntil([&] { return handler.finished() || loop.counters().failed > 0 ||
                                         loop.counters().droppedOpen > 0; },
                            deadline);
    ok = ok && handler.finished();
    loop.closeAll(nowUs() + 5000000);
    std::vector<int64_t> samples = handler.samples_;
    std::string summary = latencySummary(samples);
    const ClientCounters& k = loop.counters();
    std::printf("latency: %zu round trips of %ld B measured after %ld warm-up, one connection, window 1\n",
                samples.size(), options.size, options.warmup);
    if (!ok) {
        std::fprintf(stderr, "bench_client: latency run incomplete (%ld of %ld round trips): %s\n", handler.done_,
                     options.warmup + options.count, loop.firstError().c_str());
    }
    if (handler.mismatches_ > 0) {
        std::fprintf(stderr, "bench_client: %ld echoes differed from what was sent\n", handler.mismatches_);
    }
    std::printf("RESULT mode=latency ok=%d round_trips=%ld measured=%zu %s mismatches=%ld frames_sent=%llu "
                "frames_received=%llu\n",
                ok ? 1 : 0, handler.done_, samples.size(), summary.c_str(), handler.mismatches_,
                (unsigned long long)k.framesSent, (unsigned long long)k.framesReceived);
    return ok && handler.mismatches_ == 0 ? 0 : 1;
}

}  // namespace rtmtap::bench
