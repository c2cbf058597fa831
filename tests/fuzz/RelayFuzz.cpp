// proxy/Relay's frame processing on any bytes from both peers, through fake transports and a fake
// clock: header parsing, validation, reassembly of fragments, oversize, control frames, closes,
// backpressure and (when asked) the filtered path with a filter that drops, holds, replaces,
// inserts and closes.
// Input: byte 0 = settings (bit 0: filters on; bits 1-2: --max-message 64, 1K, 64K, 16M), then
// chunks: [ctrl][len][len bytes], ctrl bit 0: the upstream's bytes (else the client's), bit 1:
// that peer then closes TCP, bit 2: the other peer stops/starts taking writes, bits 3-7: ms that
// pass before the chunk arrives.
// Checks: every message the taps see is whole and numbered in order; what the relay writes to
// each side is a valid frame stream for that side (masked to the server, unmasked to the client,
// no fragments, no frame after a close); after closeBoth and the close grace the session ends and
// the taps hear the end once.
#include "proxy/FrameCodec.h"
#include "proxy/Relay.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/support/FakePoller.h"
#include "tests/support/FakeTransport.h"

#include <sys/epoll.h>

#include <algorithm>
#include <memory>
#include <string>
#include <vector>

using namespace rtmtap;
using rtmtap::test::FakePeer;
using rtmtap::test::FakePoller;
using rtmtap::test::FakeTransport;

namespace {

class CheckingTap : public Tap {
public:
    explicit CheckingTap(size_t maxMessage) : maxMessage_(maxMessage) {}
    void onSessionStart(const SessionInfo&) override {}
    void onMessage(const Message& m) override {
        FUZZ_CHECK(!ended);
        FUZZ_CHECK(m.seq == ++seq_);
        FUZZ_CHECK(m.op != Opcode::Continuation);
        if (m.flags & MessageFlag::Oversize) {
            FUZZ_CHECK(m.payload.empty() && m.size > maxMessage_);
        } else {
            FUZZ_CHECK(m.size == m.payload.size());
            FUZZ_CHECK(isControl(m.op) || m.payload.size() <= maxMessage_ || (m.flags & MessageFlag::Edited));
        }
        if (isControl(m.op)) {
            FUZZ_CHECK(m.payload.size() <= 125);
        }
    }
    void onSessionEnd(const SessionEnd&) override {
        FUZZ_CHECK(!ended);
        ended = true;
    }
    bool ended = false;

private:
    size_t maxMessage_;
    int64_t seq_ = 0;
};

// Answers from the payload's first byte, so the fuzzer steers the filtered path.
class SteeredFilter : public Filter {
public:
    FilterResult onMessage(FilterContext& context, const Message& message) override {
        const int pick = message.payload.empty() ? 0 : static_cast<unsigned char>(message.payload[0]) % 9;
        switch (pick) {
        case 1: return FilterResult::drop();
        case 2: return FilterResult::hold(3);
        case 3: {
            Message a;
            a.op = Opcode::Text;
            a.payload = "{\"edited\":1}";
            Message b;
            b.op = Opcode::Binary;
            b.payload = std::string(300, 'b');
            return FilterResult::replace({a, b});
        }
        case 4: {
            FilterResult r;
            r.inserts.push_back(FilterInsert{context.dir, Opcode::Text, "before", true, 0});
            r.inserts.push_back(FilterInsert{context.dir, Opcode::Ping, "p", false, 2});
            return r;
        }
        case 5: return FilterResult::closeAs(Direction::ServerToClient, 4000, "rule");
        case 6: return FilterResult::closeAs(Direction::ClientToServer, 1006);
        default: return FilterResult();
        }
    }
};

// The frames one side received: valid for that side, whole messages, nothing after a close.
void checkWritten(const std::string& bytes, bool toServer) {
    size_t pos = 0;
    bool closed = false;
    while (pos < bytes.size()) {
        FrameHeader h;
        FUZZ_CHECK(parseFrameHeader(bytes.data() + pos, bytes.size() - pos, h) == HeaderParse::Ok);
        FUZZ_CHECK(frameViolation(h, toServer, false).empty());
        FUZZ_CHECK(h.fin);
        FUZZ_CHECK(h.length <= bytes.size() - pos - h.headerSize);
        FUZZ_CHECK(!closed);
        closed = h.opcode == 0x8;
        pos += h.headerSize + static_cast<size_t>(h.length);
    }
}

const size_t kMaxMessages[] = {64, 1024, 64 * 1024, 16u << 20};

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    RelaySettings settings;
    settings.maxMessage = kMaxMessages[(data[0] >> 1) & 3];
    settings.closeGraceMs = 50;
    FilterChain filters;
    if (data[0] & 1) {
        filters.add(std::make_unique<SteeredFilter>());
    }
    FakePeer clientPeer, upstreamPeer;
    FakePeer* c = &clientPeer;
    FakePeer* u = &upstreamPeer;
    auto client = std::make_unique<FakeTransport>(clientPeer);
    auto upstream = std::make_unique<FakeTransport>(upstreamPeer);
    CheckingTap tap(settings.maxMessage);
    std::vector<Tap*> taps{&tap};
    FakeClock clock;
    FakePoller poller;
    SessionInfo info;
    info.id = 1;
    Relay relay(info, clock.monotonicUs(), std::move(client), std::move(upstream), settings, taps, clock, poller,
                std::move(filters));
    relay.start("", "");
    size_t pos = 1;
    while (pos + 2 <= size && !relay.finished()) {
        const uint8_t ctrl = data[pos];
        const size_t len = std::min<size_t>(data[pos + 1], size - pos - 2);
        const bool fromUpstream = ctrl & 1;
        FakePeer* from = fromUpstream ? u : c;
        FakePeer* to = fromUpstream ? c : u;
        from->chunks.emplace_back(reinterpret_cast<const char*>(data + pos + 2), len);
        from->closed = (ctrl & 2) != 0;
        if (ctrl & 4) {
            to->blocked = !to->blocked;
        }
        clock.advance(int64_t(ctrl >> 3) * 1000);
        pos += 2 + len;
        if (relay.deadlineUs() != 0 && relay.deadlineUs() <= clock.monotonicUs()) {
            relay.onTimer(clock.monotonicUs());
        }
        RelaySide* side = fromUpstream ? poller.upstream : poller.client;
        RelaySide* other = fromUpstream ? poller.client : poller.upstream;
        if (relay.finished() || side == nullptr) {
            break;
        }
        if (other != nullptr && !to->blocked) {
            relay.onEvent(*other, EPOLLOUT);
        }
        if (!relay.finished()) {
            relay.onEvent(*side, EPOLLIN);
        }
    }
    // Shutdown as the proxy does it: both peers take writes again, close frames, the grace runs out.
    c->blocked = false;
    u->blocked = false;
    if (!relay.finished()) {
        relay.closeBoth(1001, "going away", "");
    }
    for (RelaySide* side : {poller.client, poller.upstream}) {
        if (!relay.finished() && side != nullptr) {
            relay.onEvent(*side, EPOLLOUT);
        }
    }
    if (!relay.finished()) {
        clock.advance(60'000);
        relay.onTimer(clock.monotonicUs());
    }
    FUZZ_CHECK(relay.finished());
    FUZZ_CHECK(tap.ended);
    checkWritten(c->written, false);
    checkWritten(u->written, true);
    return 0;
}
