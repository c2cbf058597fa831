// connect: K connections, each authenticated with a ws_auth command carrying a JWT-looking token;
// time until all are upgraded, then all are held open so the proxy's memory can be read.
#include "../src/WsFrame.h"
#include "ClientLoop.h"
#include "Modes.h"

#include <cstdio>

namespace rtmtap::bench {

namespace {

class ConnectHandler : public ClientHandler {
public:
    void attach(ClientLoop* loop) { loop_ = loop; }
    void onOpen(ClientConn& c) override {
        std::string auth = "{\"command\":\"ws_auth\",\"auth_token\":\"" + jwtLikeToken(c.index) + "\"}";
        loop_->send(c, OpText, auth.data(), auth.size());
    }
    void onMessage(ClientConn&, uint8_t, const char*, size_t) override { ++messages_; }

    uint64_t messages_ = 0;

private:
    ClientLoop* loop_ = nullptr;
};

}  // namespace

int runConnect(const ClientOptions& options) {
    ConnectHandler handler;
    ClientLoop loop(options.target, handler);
    handler.attach(&loop);
    uint64_t want = uint64_t(options.connections);
    int64_t t0 = nowUs();
    loop.open(int(options.connections), int(options.parallel));
    const ClientCounters& k = loop.counters();
    bool ok = loop.runUntil([&] { return k.opened + k.failed >= want; }, t0 + int64_t(options.timeoutSeconds * 1e6));
    int64_t tAll = nowUs();
    ok = ok && k.opened == want;
    std::vector<int64_t> handshakes;
    for (auto& c : loop.conns()) {
        if (c->openUs != 0) {
            handshakes.push_back(c->openUs - c->startUs);
        }
    }
    std::string summary = latencySummary(handshakes, "handshake_");
    double connectMs = double(tAll - t0) / 1000.0;
    std::printf("connect: %llu of %llu connections upgraded and authenticated in %.1f ms\n",
                (unsigned long long)k.opened, (unsigned long long)want, connectMs);
    // run.sh waits for this line, then reads the proxy's memory while everything is held open.
    std::printf("ALL_CONNECTED opened=%llu\n", (unsigned long long)k.opened);
    std::fflush(stdout);
    if (ok) {
        loop.runUntil([] { return false; }, nowUs() + int64_t(options.holdSeconds * 1e6));
        ok = k.droppedOpen == 0 && loop.openCount() == want;
    }
    loop.closeAll(nowUs() + 10000000);
    if (!ok) {
        std::fprintf(stderr, "bench_client: connect run failed (opened %llu, failed %llu, dropped %llu): %s\n",
                     (unsigned long long)k.opened, (unsigned long long)k.failed, (unsigned long long)k.droppedOpen,
                     loop.firstError().c_str());
    }
    std::printf("RESULT mode=connect ok=%d connections=%llu opened=%llu failed=%llu dropped=%llu connect_ms=%.1f "
                "%s frames_sent=%llu frames_received=%llu\n",
                ok ? 1 : 0, (unsigned long long)want, (unsigned long long)k.opened, (unsigned long long)k.failed,
                (unsigned long long)k.droppedOpen, connectMs, summary.c_str(), (unsigned long long)k.framesSent,
                (unsigned long long)k.framesReceived);
    return ok ? 0 : 1;
}

}  // namespace rtmtap::bench
