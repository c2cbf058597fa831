// proxy/Relay on its own: in-memory peers (FakeTransport), a FakePoller in place of the event loop
// and a FakeClock, so each test says exactly which bytes each read returns, how much each write
// takes and what time it is. What goes in must come out byte for byte, the taps must see whole
// messages, and the close handshake must keep its grace, without anybody sleeping.
// (RelayTest.cpp runs the relay inside the proxy over real sockets.)
#include "proxy/FrameCodec.h"
#include "proxy/Relay.h"
#include "tests/support/FakePoller.h"
#include "tests/support/FakeTransport.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TapLog.h"
#include "tests/support/TestData.h"

#include <sys/epoll.h>

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace rtmtap::test {
namespace {

// One relay between two FakePeers, started at construction with what came with the handshakes.
class Rig {
public:
    explicit Rig(RelaySettings settings = RelaySettings(), const std::string& clientEarly = "",
                 const std::string& serverEarly = "") {
        SessionInfo info;
        info.id = 7;
        info.started_wall_us = clock.wallUs();
        relay = std::make_unique<Relay>(info, clock.monotonicUs(), std::make_unique<FakeTransport>(client),
                                        std::make_unique<FakeTransport>(server), settings, taps, clock, poller);
        relay->start(clientEarly, serverEarly);
    }

    // Delivers the events a level-triggered epoll would report, until none is ready.
    void pump() {
        for (int round = 0; round < 100000; ++round) {
            bool any = false;
            for (bool isClient : {true, false}) {
                RelaySide* side = isClient ? poller.client : poller.upstream;
                const uint32_t wanted = isClient ? poller.clientEvents : poller.upstreamEvents;
                const FakePeer& peer = isClient ? client : server;
                uint32_t ready = 0;
                if ((wanted & EPOLLIN) && peer.hasInput()) {
                    ready |= EPOLLIN;
                }
                if ((wanted & EPOLLOUT) && peer.takesWrites()) {
                    ready |= EPOLLOUT;
                }
                if (side != nullptr && ready != 0 && !relay->finished()) {
                    relay->onEvent(*side, ready);
                    any = true;
                }
            }
            if (!any) {
                return;
            }
        }
        ADD_FAILURE() << "the relay keeps asking for events and never gets done";
    }

    // The loop's timer: every round, a relay with a deadline is told the time.
    void after(int64_t us) {
        clock.advance(us);
        relay->onTimer(clock.monotonicUs());
    }

    SessionEnd end() const {
        const std::vector<SessionEnd> ends = tap.ends();
        EXPECT_EQ(ends.size(), 1u);
        return ends.empty() ? SessionEnd() : ends.front();
    }

    // Declared before the relay, which refers to them until it is destroyed.
    FakePeer client, server;
    FakeClock clock;
    FakePoller poller;
    TapLog tap;
    std::vector<Tap*> taps{&tap};
    std::unique_ptr<Relay> relay;
};

std::string clientFrame(int firstByte, const std::string& payload) {
    return RawWsClient::frame(firstByte, payload, true);
}

std::string serverFrame(int firstByte, const std::string& payload) {
    return RawWsClient::frame(firstByte, payload, false);
}

struct WireFrame {
    FrameHeader header;
    std::string payload;  // unmasked
};

// The frames in bytes, which must end on a frame boundary.
std::vector<WireFrame> framesIn(const std::string& bytes) {
    std::vector<WireFrame> out;
    size_t pos = 0;
    while (pos < bytes.size()) {
        WireFrame f;
        if (parseFrameHeader(bytes.data() + pos, bytes.size() - pos, f.header) != HeaderParse::Ok ||
            f.header.length > bytes.size() - pos - f.header.headerSize) {
            ADD_FAILURE() << "no whole frame at byte " << pos << " of " << bytes.size();
            return out;
        }
        f.payload = bytes.substr(pos + f.header.headerSize, static_cast<size_t>(f.header.length));
        if (f.header.masked) {
            applyMask(f.payload.data(), f.payload.size(), f.header.mask);
        }
        pos += f.header.headerSize + f.payload.size();
        out.push_back(std::move(f));
    }
    return out;
}

// Where to cut a frame in two: everywhere in small ones; in large ones every byte of the header
// and around it, the middle and the last bytes.
std::vector<size_t> cutsOf(size_t size) {
    std::vector<size_t> cuts;
    for (size_t c = 1; c < size; ++c) {
        if (size <= 2000 || c <= 24 || c + 24 >= size || c == size / 2) {
            cuts.push_back(c);
        }
    }
    return cuts;
}

// A frame from one side, in two reads cut at every place: nothing goes out before it is whole,
// then exactly its bytes do (a client's masking key included), and the taps see one message.
void expectEveryCutRelayedExactly(bool fromClient) {
    for (size_t length : {0, 1, 125, 126, 1000, 65535, 65536, 70000}) {
        const std::string payload = randomBytes(length, static_cast<uint32_t>(length) + 1);
        const std::string frame = fromClient ? clientFrame(kBinary, payload) : serverFrame(kBinary, payload);
        for (size_t cut : cutsOf(frame.size())) {
            SCOPED_TRACE("payload " + std::to_string(length) + " bytes, cut after byte " + std::to_string(cut));
            Rig rig;
            FakePeer& from = fromClient ? rig.client : rig.server;
            FakePeer& to = fromClient ? rig.server : rig.client;
            from.send(frame.substr(0, cut));
            rig.pump();
            ASSERT_EQ(to.written.size(), 0u);
            ASSERT_TRUE(rig.tap.messages().empty());
            from.send(frame.substr(cut));
            rig.pump();
            ASSERT_EQ(to.written.size(), frame.size());
            ASSERT_TRUE(to.written == frame);
            const std::vector<Message> seen = rig.tap.messages();
            ASSERT_EQ(seen.size(), 1u);
            EXPECT_EQ(seen[0].dir, fromClient ? Direction::ClientToServer : Direction::ServerToClient);
            EXPECT_EQ(seen[0].op, Opcode::Binary);
            EXPECT_EQ(seen[0].flags, 0u);
            EXPECT_EQ(seen[0].seq, 1);
            EXPECT_EQ(seen[0].size, length);
            ASSERT_TRUE(seen[0].payload == payload);
        }
    }
}

TEST(RelayUnit, ClientFrameCutAnywhereIsRelayedExactly) {
    expectEveryCutRelayedExactly(true);
}

TEST(RelayUnit, ServerFrameCutAnywhereIsRelayedExactly) {
    expectEveryCutRelayedExactly(false);
}

TEST(RelayUnit, AnyChunkingOfSeveralFramesGivesTheSameBytesAndMessages) {
    const std::string big = randomBytes(300, 5);
    const std::string text126 = asciiText(126, 6);
    const std::string stream = clientFrame(kText, "hello") + clientFrame(kPing, "p") + clientFrame(kBinary, big) +
                               clientFrame(kText, text126);
    for (size_t chunk = 1; chunk <= stream.size(); ++chunk) {
        SCOPED_TRACE("reads of " + std::to_string(chunk) + " bytes");
        Rig rig;
        for (size_t at = 0; at < stream.size(); at += chunk) {
            rig.client.send(stream.substr(at, chunk));
        }
        rig.pump();
        ASSERT_TRUE(rig.server.written == stream);
        const std::vector<Message> seen = rig.tap.messages();
        ASSERT_EQ(seen.size(), 4u);
        EXPECT_EQ(seen[0].payload, "hello");
        EXPECT_EQ(seen[1].op, Opcode::Ping);
        EXPECT_EQ(seen[1].payload, "p");
        EXPECT_TRUE(seen[2].payload == big);
        EXPECT_EQ(seen[3].payload, text126);
        for (size_t i = 0; i < seen.size(); ++i) {
            EXPECT_EQ(seen[i].seq, static_cast<int64_t>(i) + 1);
        }
    }
}

// "Hel", a ping, "lo": the ping goes on at once as it came; the message goes on whole, once its
// last fragment is in, as one frame masked anew. Cut in three at every pair of places.
TEST(RelayUnit, FragmentedMessageCutInThreeIsJoinedAndThePingGoesFirst) {
    const std::string ping = clientFrame(kPing, "?");
    const std::string stream = clientFrame(0x01, "Hel") + ping + clientFrame(0x80, "lo");
    for (size_t i = 1; i < stream.size(); ++i) {
        for (size_t j = i + 1; j < stream.size(); ++j) {
            SCOPED_TRACE("cut after bytes " + std::to_string(i) + " and " + std::to_string(j));
            Rig rig;
            rig.client.send(stream.substr(0, i));
            rig.client.send(stream.substr(i, j - i));
            rig.client.send(stream.substr(j));
            rig.pump();
            ASSERT_EQ(rig.server.written.compare(0, ping.size(), ping), 0);
            const std::vector<WireFrame> out = framesIn(rig.server.written.substr(ping.size()));
            ASSERT_EQ(out.size(), 1u);
            EXPECT_TRUE(out[0].header.fin);
            EXPECT_TRUE(out[0].header.masked);
            EXPECT_EQ(out[0].header.opcode, kOpText);
            EXPECT_EQ(out[0].payload, "Hello");
            const std::vector<Message> seen = rig.tap.messages();
            ASSERT_EQ(seen.size(), 2u);
            EXPECT_EQ(seen[0].op, Opcode::Ping);
            EXPECT_EQ(seen[1].payload, "Hello");
            EXPECT_EQ(seen[1].flags, MessageFlag::Fragmented);
        }
    }
}

TEST(RelayUnit, ShortWritesDeliverEveryByte) {
    Rig rig;
    rig.server.maxWrite = 7;
    const std::string stream = clientFrame(kText, asciiText(500, 1)) + clientFrame(kBinary, randomBytes(70000, 2));
    rig.client.send(stream);
    rig.pump();
    EXPECT_TRUE(rig.server.written == stream);
}

// The destination takes 10 bytes, then would block: the rest waits in the relay, which asks to
// hear when the destination can take more, and sends it when it can.
TEST(RelayUnit, AWriteThatWouldBlockIsFinishedWhenTheSocketDrains) {
    Rig rig;
    rig.server.room = 10;
    const std::string frame = clientFrame(kText, asciiText(300, 3));
    rig.client.send(frame);
    rig.pump();
    EXPECT_EQ(rig.server.written, frame.substr(0, 10));
    EXPECT_TRUE(rig.poller.upstreamEvents & EPOLLOUT);
    rig.server.room = SIZE_MAX;
    rig.pump();
    EXPECT_EQ(rig.server.written, frame);
    EXPECT_FALSE(rig.poller.upstreamEvents & EPOLLOUT);
}

// A destination that takes nothing: the relay stops reading the source after about 1 MiB
// instead of queueing everything, and reads on once the destination drains.
TEST(RelayUnit, ADestinationThatDoesNotReadPausesItsSource) {
    Rig rig;
    rig.server.blocked = true;
    std::string stream;
    for (int i = 0; i < 40; ++i) {
        const std::string frame = clientFrame(kBinary, randomBytes(64 * 1024, static_cast<uint32_t>(i)));
        rig.client.send(frame);
        stream += frame;
    }
    rig.pump();
    EXPECT_FALSE(rig.poller.clientEvents & EPOLLIN);
    EXPECT_FALSE(rig.client.chunks.empty()) << "the relay read all 2.5 MiB with nowhere to send them";
    rig.server.blocked = false;
    rig.pump();
    EXPECT_TRUE(rig.client.chunks.empty());
    EXPECT_TRUE(rig.poller.clientEvents & EPOLLIN);
    EXPECT_EQ(rig.server.written.size(), stream.size());
    EXPECT_TRUE(rig.server.written == stream);
    EXPECT_EQ(rig.tap.messages().size(), 40u);
}

// A peer that hangs up in the middle of a frame: the part is neither relayed nor announced, the
// other peer is dropped the same way (no close frame) and the end says who did it.
TEST(RelayUnit, EofInsideAFrameDropsTheOtherSide) {
    for (bool fromClient : {true, false}) {
        const std::string frame = fromClient ? clientFrame(kText, asciiText(200, 4)) : serverFrame(kText, asciiText(200, 4));
        for (size_t cut : cutsOf(frame.size())) {
            SCOPED_TRACE(std::string(fromClient ? "client" : "server") + " hangs up after byte " + std::to_string(cut));
            Rig rig;
            FakePeer& from = fromClient ? rig.client : rig.server;
            FakePeer& to = fromClient ? rig.server : rig.client;
            from.send(frame.substr(0, cut));
            from.closed = true;
            rig.pump();
            ASSERT_TRUE(rig.relay->finished());
            EXPECT_EQ(to.written, "");
            EXPECT_TRUE(to.finReceived);
            EXPECT_TRUE(rig.tap.messages().empty());
            const SessionEnd end = rig.end();
            EXPECT_EQ(end.closed_by, fromClient ? "client" : "server");
            EXPECT_EQ(end.close_code, 1006);
            EXPECT_EQ(end.error, std::string(fromClient ? "client" : "server") +
                                     " dropped the connection without a close frame");
        }
    }
}

TEST(RelayUnit, AResetIsTheErrorOfTheSideThatFailed) {
    Rig rig;
    const std::string frame = serverFrame(kText, "before the reset");
    rig.server.send(frame);
    rig.server.resets = true;
    rig.pump();
    ASSERT_TRUE(rig.relay->finished());
    EXPECT_EQ(rig.client.written, frame);  // what came whole before the reset still went on
    EXPECT_TRUE(rig.client.finReceived);
    const SessionEnd end = rig.end();
    EXPECT_EQ(end.closed_by, "server");
    EXPECT_EQ(end.close_code, 1006);
    EXPECT_EQ(end.error, "server connection failed: Connection reset by peer");
}

// The client closes at 5 ms, the server answers almost 2 s later: the session ends at the answer,
// cleanly, and the times are the fake clock's.
TEST(RelayUnit, AnAnsweredCloseEndsTheSessionAtTheAnswer) {
    RelaySettings settings;
    settings.closeGraceMs = 2000;
    Rig rig(settings);
    rig.clock.advance(5000);
    const std::string close = clientFrame(kClose, closePayload(1000, "bye"));
    rig.client.send(close);
    rig.pump();
    EXPECT_EQ(rig.server.written, close);
    EXPECT_FALSE(rig.relay->finished());
    rig.after(1'999'000);
    EXPECT_FALSE(rig.relay->finished());
    const std::string answer = serverFrame(kClose, closePayload(1000, "bye"));
    rig.server.send(answer);
    rig.pump();
    EXPECT_EQ(rig.client.written, answer);
    ASSERT_TRUE(rig.relay->finished());
    EXPECT_TRUE(rig.client.finReceived);
    EXPECT_TRUE(rig.server.finReceived);
    const SessionEnd end = rig.end();
    EXPECT_EQ(end.closed_by, "client");
    EXPECT_EQ(end.close_code, 1000);
    EXPECT_EQ(end.close_reason, "bye");
    EXPECT_EQ(end.error, "");
    EXPECT_EQ(end.duration_us, 2'004'000);
    const std::vector<Message> seen = rig.tap.messages();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[0].t_us, 5000);
    EXPECT_EQ(seen[1].t_us, 2'004'000);
    EXPECT_EQ(seen[1].dir, Direction::ServerToClient);
}

// A client that closes and hangs up: the server gets the close grace to answer, no more.
TEST(RelayUnit, AfterAClientClosesAndHangsUpTheServerHasTheGraceToAnswer) {
    RelaySettings settings;
    settings.closeGraceMs = 300;
    Rig rig(settings);
    const std::string close = clientFrame(kClose, closePayload(1000, ""));
    rig.client.send(close);
    rig.client.closed = true;
    rig.pump();
    EXPECT_EQ(rig.server.written, close);
    EXPECT_EQ(rig.relay->deadlineUs(), rig.clock.monotonicUs() + 300'000);
    rig.after(299'999);
    EXPECT_FALSE(rig.relay->finished());
    EXPECT_TRUE(rig.tap.ends().empty());
    rig.after(1);
    ASSERT_TRUE(rig.relay->finished());
    EXPECT_TRUE(rig.server.finReceived);
    const SessionEnd end = rig.end();
    EXPECT_EQ(end.closed_by, "client");
    EXPECT_EQ(end.close_code, 1000);
    EXPECT_EQ(end.error, "close handshake did not complete in time");
    EXPECT_EQ(end.duration_us, 300'000);
}

TEST(RelayUnit, CloseBothWithSilentPeersEndsWhenTheGraceRunsOut) {
    RelaySettings settings;
    settings.closeGraceMs = 2000;
    Rig rig(settings);
    rig.relay->closeBoth(1001, "rtmtap is shutting down", "");
    rig.pump();
    rig.after(1'999'999);
    EXPECT_FALSE(rig.relay->finished());
    rig.after(1);
    ASSERT_TRUE(rig.relay->finished());
    EXPECT_TRUE(rig.client.finReceived);
    EXPECT_TRUE(rig.server.finReceived);
    const SessionEnd end = rig.end();
    EXPECT_EQ(end.closed_by, "proxy");
    EXPECT_EQ(end.close_code, 1001);
    EXPECT_EQ(end.error, "close handshake did not complete in time");
}

// What the loop does on shutdown: a close of the proxy's own to each peer (masked towards the
// server, as a client must), recorded as synthetic; peers that answer end the session at once.
TEST(RelayUnit, CloseBothSendsEachPeerACloseOfItsOwnAndEndsWhenBothAnswer) {
    Rig rig;
    rig.relay->closeBoth(1001, "rtmtap is shutting down", "");
    const std::vector<WireFrame> toClient = framesIn(rig.client.written);
    const std::vector<WireFrame> toServer = framesIn(rig.server.written);
    ASSERT_EQ(toClient.size(), 1u);
    ASSERT_EQ(toServer.size(), 1u);
    EXPECT_FALSE(toClient[0].header.masked);
    EXPECT_TRUE(toServer[0].header.masked);
    for (const WireFrame& f : {toClient[0], toServer[0]}) {
        EXPECT_EQ(f.header.opcode, kOpClose);
        EXPECT_EQ(f.payload, closePayload(1001, "rtmtap is shutting down"));
    }
    const std::vector<Message> seen = rig.tap.messages();
    ASSERT_EQ(seen.size(), 2u);
    for (const Message& m : seen) {
        EXPECT_EQ(m.op, Opcode::Close);
        EXPECT_EQ(m.flags, MessageFlag::Synthetic);
    }
    EXPECT_FALSE(rig.relay->finished());
    rig.client.send(clientFrame(kClose, closePayload(1001, "")));
    rig.server.send(serverFrame(kClose, closePayload(1001, "")));
    rig.pump();
    ASSERT_TRUE(rig.relay->finished());  // the fake clock never moved: no grace ran out
    const SessionEnd end = rig.end();
    EXPECT_EQ(end.closed_by, "proxy");
    EXPECT_EQ(end.close_code, 1001);
    EXPECT_EQ(end.error, "");
}

TEST(RelayUnit, AFrameBehindACloseIsRecordedButNotForwarded) {
    Rig rig;
    const std::string close = clientFrame(kClose, closePayload(1000, ""));
    rig.client.send(close + clientFrame(kText, "late"));
    rig.pump();
    EXPECT_EQ(rig.server.written, close);
    const std::vector<Message> seen = rig.tap.messages();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].payload, "late");
    EXPECT_EQ(seen[1].flags, MessageFlag::Dropped);
    EXPECT_EQ(seen[1].fwd_us, -1);
}

// Bytes that arrived glued to a handshake are frames like any other, a cut one included.
TEST(RelayUnit, BytesThatCameWithTheHandshakesAreRelayedAtStart) {
    const std::string first = clientFrame(kText, "early");
    const std::string second = clientFrame(kText, "half early");
    const std::string fromServer = serverFrame(kText, "server early");
    Rig rig(RelaySettings(), first + second.substr(0, 5), fromServer);
    EXPECT_EQ(rig.server.written, first);
    EXPECT_EQ(rig.client.written, fromServer);
    rig.client.send(second.substr(5));
    rig.pump();
    EXPECT_EQ(rig.server.written, first + second);
    EXPECT_EQ(rig.tap.messages().size(), 3u);
}

}  // namespace
}  // namespace rtmtap::test
