// throughput: C connections, each keeping W echo round trips in flight, for D seconds.
#include "../src/WsFrame.h"
#include "ClientLoop.h"
#include "Modes.h"

#include <cstdio>

namespace rtmtap::bench {

namespace {

class ThroughputHandler : public ClientHandler {
public:
    ThroughputHandler(const ClientOptions& o) : options_(o), message_(benchCommand(o.size, 0)) {
        samples_.reserve(1u << 20);
    }
    void attach(ClientLoop* loop) { loop_ = loop; }

    void start(int64_t endUs) {
        endUs_ = endUs;
        for (auto& c : loop_->conns()) {
            if (c->state != ClientConn::State::Open) {
                continue;
            }
            c->inFlight.assign(size_t(options_.window), 0);
            for (long i = 0; i < options_.window; ++i) {
                sendOne(*c, nowUs());
            }
        }
    }

    void onMessage(ClientConn& c, uint8_t, const char*, size_t size) override {
        if (c.inFlight.empty() || c.received == c.sent) {
            ++unexpected_;
            return;
        }
        int64_t now = nowUs();
        int64_t sentAt = c.inFlight[c.inFlightHead];
        c.inFlightHead = (c.inFlightHead + 1) % c.inFlight.size();
        ++c.received;
        ++roundTrips_;
        if (size != message_.size()) {
            ++mismatches_;
        }
        if (now <= endUs_) {
            ++completed_;
            if (samples_.size() < (1u << 22)) {
                samples_.push_back(now - sentAt);
            }
            sendOne(c, now);
        }
    }

    bool drained() const {
        for (auto& c : loop_->conns()) {
            if (c->state == ClientConn::State::Open && c->received != c->sent) {
                return false;
            }
        }
        return true;
    }

    uint64_t completed_ = 0;
    uint64_t roundTrips_ = 0;
    uint64_t mismatches_ = 0;
    uint64_t unexpected_ = 0;
    std::vector<int64_t> samples_;

private:
    void sendOne(ClientConn& c, int64_t now) {
        size_t slot = (c.inFlightHead + size_t(c.sent - c.received)) % c.inFlight.size();
        c.inFlight[slot] = now;
        ++c.sent;
        loop_->send(c, OpText, message_.data(), message_.size());
    }

    const ClientOptions& options_;
    ClientLoop* loop_ = nullptr;
    std::string message_;
    int64_t endUs_ = 0;
};

}  // namespace

int runThroughput(const ClientOptions& options) {
    ThroughputHandler handler(options);
    ClientLoop loop(options.target, handler);
    handler.attach(&loop);
    uint64_t want = uint64_t(options.connections);
    loop.open(int(options.connections), int(options.connections));
    const ClientCounters& k = loop.counters();
    bool ok = loop.runUntil([&] { return k.opened == want || k.failed > 0; },
                            nowUs() + int64_t(options.timeoutSeconds * 1e6));
    ok = ok && k.opened == want;
    int64_t t0 = nowUs();
    int64_t tEnd = t0 + int64_t(options.seconds * 1e6);
    if (ok) {
        handler.start(tEnd);
        loop.runUntil([] { return false; }, tEnd);
        // Let the messages still in flight come back so every frame sent is also received.
        bool drained = loop.runUntil([&] { return handler.drained(); }, nowUs() + 10000000);
        ok = drained && k.droppedOpen == 0;
    }
    double elapsed = double(tEnd - t0) / 1e6;
    loop.closeAll(nowUs() + 10000000);
    double rate = ok ? double(handler.completed_) / elapsed : 0;
    std::string summary = latencySummary(handler.samples_);
    std::printf("throughput: %ld connections x %ld in flight, %ld B messages, %.1f s: %.0f round trips/s\n",
                options.connections, options.window, options.size, elapsed, rate);
    if (!ok) {
        std::fprintf(stderr, "bench_client: throughput run failed (opened %llu of %llu, dropped %llu): %s\n",
                     (unsigned long long)k.opened, (unsigned long long)want, (unsigned long long)k.droppedOpen,
                     loop.firstError().c_str());
    }
    std::printf("RESULT mode=throughput ok=%d connections=%ld window=%ld seconds=%.2f msgs_per_s=%.0f "
                "completed=%llu round_trips=%llu %s mismatches=%llu frames_sent=%llu frames_received=%llu\n",
                ok ? 1 : 0, options.connections, options.window, elapsed, rate,
                (unsigned long long)handler.completed_, (unsigned long long)handler.roundTrips_, summary.c_str(),
                (unsigned long long)(handler.mismatches_ + handler.unexpected_), (unsigned long long)k.framesSent,
                (unsigned long long)k.framesReceived);
    return ok && handler.mismatches_ == 0 && handler.unexpected_ == 0 ? 0 : 1;
}

}  // namespace rtmtap::bench
