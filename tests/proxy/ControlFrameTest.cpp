// Ping, pong, close, TCP drops, oversize messages and protocol violations through the proxy, in
// every way a client reaches rtmtap (tests/support/ClientRoute.h: reverse mode, and regular mode
// in absolute-form and through CONNECT).
#include "protocol/Message.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <tuple>

namespace rtmtap::test {
namespace {

TestUpstream::Options quietUpstream() {
    TestUpstream::Options options;
    options.echo = false;
    return options;
}

class ProxyControl : public ::testing::TestWithParam<Route> {};

std::string routeParamName(const ::testing::TestParamInfo<Route>& info) {
    return routeName(info.param);
}

// The one session of a test, read after harness.stop().
SessionRecord onlySession(const ProxyHarness& harness) {
    auto sessions = harness.sessions();
    EXPECT_EQ(sessions.size(), 1u);
    return sessions.empty() ? SessionRecord{} : sessions[0];
}

TEST_P(ProxyControl, ClientPingReachesUpstreamAndItsPongComesBack) {
    TestUpstream::Options options;
    options.answerPings = true;
    TestUpstream upstream(options);
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendPing("are you there");
    auto ping = upstream.waitForOpcode(kOpPing);
    ASSERT_TRUE(ping);
    EXPECT_EQ(ping->flags, kPing);
    EXPECT_EQ(ping->payload, "are you there");
    Received pong = client.receive();
    ASSERT_TRUE(pong.isFrame()) << toString(pong);
    EXPECT_EQ(pong.frame.flags, kPong);
    EXPECT_EQ(pong.frame.payload, "are you there");

    client.sendClose(1000, "");
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto rows = harness.frames(onlySession(harness).id);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[0].dir, kC2S);
    EXPECT_EQ(rows[0].op, kOpPing);
    EXPECT_EQ(rows[0].payload, "are you there");
    EXPECT_EQ(rows[1].dir, kS2C);
    EXPECT_EQ(rows[1].op, kOpPong);
    EXPECT_EQ(rows[1].payload, "are you there");
}

TEST_P(ProxyControl, UpstreamPingReachesClientAndClientPongReturns) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendPing("25s heartbeat");
    Received ping = client.receive();
    ASSERT_TRUE(ping.isFrame()) << toString(ping);
    EXPECT_EQ(ping.frame.flags, kPing);
    EXPECT_EQ(ping.frame.payload, "25s heartbeat");
    client.sendPong("25s heartbeat");
    auto pong = upstream.waitForOpcode(kOpPong);
    ASSERT_TRUE(pong);
    EXPECT_EQ(pong->payload, "25s heartbeat");

    // An unsolicited pong and an empty ping are relayed too.
    upstream.sendPong("unsolicited");
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.flags, kPong);
    EXPECT_EQ(r.frame.payload, "unsolicited");
    upstream.sendPing("");
    r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.flags, kPing);
    EXPECT_EQ(r.frame.payload, "");
}

TEST_P(ProxyControl, ProxyNeverAnswersAPingItself) {
    TestUpstream upstream(quietUpstream());  // answerPings is off
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    // Server pings, the client stays silent: no pong may reach the server.
    upstream.sendPing("ping-1");
    Received ping = client.receive();
    ASSERT_TRUE(ping.isFrame()) << toString(ping);
    ASSERT_EQ(ping.frame.flags, kPing);
    EXPECT_FALSE(upstream.waitForOpcode(kOpPong, 0, 300)) << "someone answered the server's ping";

    // Client pings, the server stays silent: no pong may reach the client.
    client.sendPing("ping-2");
    ASSERT_TRUE(upstream.waitForOpcode(kOpPing));
    Received none = client.receive(300);
    EXPECT_EQ(none.kind, Received::Kind::Timeout) << toString(none);
}

TEST_P(ProxyControl, ClientCloseIsRelayedWithCodeAndReason) {
    TestUpstream upstream;  // replies to close with the same code and reason
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendClose(4000, "bye now");
    auto close = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->closeCode(), 4000);
    EXPECT_EQ(close->closeReason(), "bye now");
    Received reply = client.receive();
    ASSERT_TRUE(reply.isFrame()) << toString(reply);
    EXPECT_EQ(reply.frame.flags, kClose);
    EXPECT_EQ(reply.frame.closeCode(), 4000);
    EXPECT_EQ(reply.frame.closeReason(), "bye now");
    Received end = client.receive();
    EXPECT_EQ(end.kind, Received::Kind::Closed) << "after the close handshake the proxy closes TCP: " << toString(end);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    auto s = onlySession(harness);
    EXPECT_EQ(s.close_code, 4000);
    EXPECT_EQ(s.close_reason, "bye now");
    EXPECT_EQ(s.closed_by, "client");
    EXPECT_EQ(s.error, "");
    auto rows = harness.frames(s.id);
    ASSERT_EQ(rows.size(), 2u);
    EXPECT_EQ(rows[0].dir, kC2S);
    EXPECT_EQ(rows[0].op, kOpClose);
    EXPECT_EQ(rows[0].payload, closePayload(4000, "bye now"));
    EXPECT_EQ(rows[1].dir, kS2C);
    EXPECT_EQ(rows[1].op, kOpClose);
}

TEST_P(ProxyControl, ServerCloseIsRelayedWithCodeAndReason) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendClose(1008, "policy: token expired");
    Received close = client.receive();
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.flags, kClose);
    EXPECT_EQ(close.frame.closeCode(), 1008);
    EXPECT_EQ(close.frame.closeReason(), "policy: token expired");
    client.sendClose(1008, "policy: token expired");
    auto reply = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(reply);
    EXPECT_EQ(reply->closeCode(), 1008);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    auto s = onlySession(harness);
    EXPECT_EQ(s.close_code, 1008);
    EXPECT_EQ(s.close_reason, "policy: token expired");
    EXPECT_EQ(s.closed_by, "server");
    EXPECT_EQ(s.error, "");
}

TEST_P(ProxyControl, ClientTcpDropIsPassedOnWithoutCloseFrame) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendText("last words");
    client.drop();
    ASSERT_TRUE(upstream.waitForEnd()) << "the proxy kept the upstream connection open";
    auto got = upstream.frames();
    ASSERT_EQ(got.size(), 1u) << "the upstream must get what was sent, and no close frame";
    EXPECT_EQ(got[0].payload, "last words");
    EXPECT_TRUE(upstream.end().eof) << "upstream saw: " << upstream.end().error;
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    auto s = onlySession(harness);
    EXPECT_EQ(s.close_code, 1006);
    EXPECT_EQ(s.closed_by, "client");
    EXPECT_NE(s.error, "");
}

TEST_P(ProxyControl, ServerTcpDropIsPassedOnWithoutCloseFrame) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendText("last event");
    upstream.drop();
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << "what the server sent before the drop must arrive: " << toString(r);
    EXPECT_EQ(r.frame.payload, "last event");
    Received end = client.receive();
    EXPECT_TRUE(end.endedWithoutClose()) << toString(end);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    auto s = onlySession(harness);
    EXPECT_EQ(s.close_code, 1006);
    EXPECT_EQ(s.closed_by, "server");
    EXPECT_NE(s.error, "");
}

// A drop in the middle of a fragmented message: the relay forwards a message once its last
// fragment is in, so nothing of it went on, and the fragments that came are recorded.
TEST_P(ProxyControl, AMessageCutOffByADropIsRecordedIncomplete) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    // A binary message's first fragment, then a ping inside it: the ping is relayed at once, so
    // when the client has it the proxy has read the fragment.
    upstream.sendRaw(0x02, std::string("\0\1", 2));
    upstream.sendPing("p");
    ASSERT_TRUE(client.receiveOpcode(kOpPing).isFrame());
    client.sendRaw(0x01, "Hel");
    client.sendRaw(0x00, "lo");
    client.drop();
    ASSERT_TRUE(upstream.waitForEnd()) << "the proxy kept the upstream connection open";
    EXPECT_EQ(upstream.frames().size(), 0u) << "nothing of the cut message goes on";
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    const auto s = onlySession(harness);
    EXPECT_EQ(s.closed_by, "client");
    const uint32_t cut = MessageFlag::Fragmented | MessageFlag::Dropped | MessageFlag::Incomplete;
    const std::vector<FrameRecord> rows = harness.frames(s.id);
    ASSERT_EQ(rows.size(), 3u);
    EXPECT_EQ(rows[0].op, kOpPing);
    EXPECT_EQ(rows[1].dir, kC2S);
    EXPECT_EQ(rows[1].op, kOpText);
    EXPECT_EQ(rows[1].payload, "Hello");
    EXPECT_EQ(rows[1].size, 5);
    EXPECT_EQ(rows[1].flags, cut | MessageFlag::Malformed) << describe(rows[1]);  // "Hello" is not JSON
    EXPECT_EQ(rows[1].fwd_us, -1);
    EXPECT_EQ(rows[2].dir, kS2C);
    EXPECT_EQ(rows[2].op, kOpBinary);
    EXPECT_EQ(rows[2].payload, std::string("\0\1", 2));
    EXPECT_EQ(rows[2].flags, cut) << describe(rows[2]);
}

void expect1009BothSides(TestClient& client, TestUpstream& upstream) {
    Received close = client.receiveOpcode(kOpClose);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1009);
    auto upClose = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose) << "the upstream got no close frame";
    EXPECT_EQ(upClose->closeCode(), 1009);
}

void expectOversizeRecorded(ProxyHarness& harness, int dir, int64_t size) {
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto s = onlySession(harness);
    EXPECT_NE(s.error, "");
    EXPECT_EQ(s.close_code, 1009);
    bool found = false;
    for (const auto& row : harness.frames(s.id)) {
        if (row.has(MessageFlag::Oversize)) {
            found = true;
            EXPECT_EQ(row.dir, dir) << describe(row);
            EXPECT_EQ(row.size, size) << describe(row);
            EXPECT_EQ(row.payload, "") << "an oversize payload must not be stored";
        }
    }
    EXPECT_TRUE(found) << "no row flagged oversize";
    expectUnbrokenSeqRuns(harness);
}

TEST_P(ProxyControl, OversizeClientMessageClosesBothSidesWith1009) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url(), [](ProxyConfig& c) { c.maxMessage = 1000; });
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendText(asciiText(1000));  // exactly the limit: relayed
    ASSERT_TRUE(upstream.waitForFrames(1));
    client.sendBinary(randomBytes(5000));
    expect1009BothSides(client, upstream);
    for (const auto& f : upstream.frames()) {
        EXPECT_NE(f.payload.size(), 5000u) << "the oversize message reached the upstream";
    }
    expectOversizeRecorded(harness, kC2S, 5000);
}

TEST_P(ProxyControl, OversizeServerMessageClosesBothSidesWith1009) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url(), [](ProxyConfig& c) { c.maxMessage = 1000; });
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendText(asciiText(5000));
    std::vector<WsFrame> skipped;
    Received close = client.receiveOpcode(kOpClose, 10000, &skipped);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1009);
    EXPECT_TRUE(skipped.empty()) << "the oversize message reached the client";
    auto upClose = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose);
    EXPECT_EQ(upClose->closeCode(), 1009);
    expectOversizeRecorded(harness, kS2C, 5000);
}

TEST_P(ProxyControl, OversizeFragmentedMessageClosesBothSidesWith1009) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url(), [](ProxyConfig& c) { c.maxMessage = 1000; });
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    // Each fragment is under the limit; the message is not.
    client.sendRaw(0x01, asciiText(600, 1));
    client.sendRaw(0x00, asciiText(600, 2));
    client.sendRaw(0x80, asciiText(600, 3));
    expect1009BothSides(client, upstream);
    harness.waitForEnds(1);
    harness.stop();
    auto s = onlySession(harness);
    EXPECT_NE(s.error, "");
    bool found = false;
    for (const auto& row : harness.frames(s.id)) {
        found = found || row.has(MessageFlag::Oversize);
        EXPECT_LT(row.payload.size(), 1000u) << describe(row);
    }
    EXPECT_TRUE(found) << "no row flagged oversize";
}

struct Violation {
    const char* name;
    int flags;
    std::string payload;
};

void PrintTo(const Violation& v, std::ostream* os) {
    *os << v.name;
}

class ProxyProtocolViolation : public ::testing::TestWithParam<std::tuple<Violation, Route>> {};

TEST_P(ProxyProtocolViolation, ClosesBothSidesWith1002) {
    const auto& [violation, route] = GetParam();
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(route, upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText("before");
    ASSERT_TRUE(upstream.waitForFrames(1));

    client.sendRaw(violation.flags, violation.payload);
    Received close = client.receiveOpcode(kOpClose);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1002);
    auto upClose = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose) << "the upstream got no close frame";
    EXPECT_EQ(upClose->closeCode(), 1002);
    auto got = upstream.frames();
    ASSERT_GE(got.size(), 2u);
    EXPECT_EQ(got[1].opcode(), kOpClose) << "the bad frame must not be relayed";
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto s = onlySession(harness);
    EXPECT_NE(s.error, "");
    expectUnbrokenSeqRuns(harness);
}

INSTANTIATE_TEST_SUITE_P(
    Frames, ProxyProtocolViolation,
    ::testing::Combine(::testing::Values(Violation{"rsv1", 0xC1, "compressed?"}, Violation{"rsv3", 0x92, "x"},
                                         Violation{"opcode3", 0x83, "reserved opcode"},
                                         Violation{"opcodeB", 0x8B, ""},
                                         Violation{"bigping", kPing, std::string(126, 'p')},
                                         Violation{"fragmentedping", 0x09, "no fin"},
                                         Violation{"orphancontinuation", 0x80, "no start"},
                                         Violation{"onebyteclose", kClose, "x"}),
                       ::testing::ValuesIn(allRoutes())),
    [](const ::testing::TestParamInfo<std::tuple<Violation, Route>>& info) {
        return std::string(std::get<0>(info.param).name) + "_" + routeName(std::get<1>(info.param));
    });

// RFC 6455 5.5.1: a close body is empty or starts with a 2-byte code. One byte is a protocol error
// (1002 both ways), not a close without a code (1005).
TEST_P(ProxyControl, ServerCloseWithOneBytePayloadClosesBothSidesWith1002) {
    TestUpstream upstream(quietUpstream());
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendRaw(kClose, "x");
    std::vector<WsFrame> skipped;
    Received close = client.receiveOpcode(kOpClose, 10000, &skipped);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1002) << "the 1-byte close must not be relayed as it came";
    EXPECT_TRUE(skipped.empty());
    auto upClose = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose) << "the upstream got no close frame";
    EXPECT_EQ(upClose->closeCode(), 1002);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    auto s = onlySession(harness);
    EXPECT_EQ(s.close_code, 1002);
    EXPECT_EQ(s.closed_by, "proxy");
    EXPECT_NE(s.error.find("1-byte"), std::string::npos) << s.error;
    int synthetic = 0;
    for (const auto& row : harness.frames(s.id)) {
        EXPECT_EQ(row.op, kOpClose) << describe(row);
        EXPECT_NE(row.size, 1) << "the malformed close is not a message: " << describe(row);
        synthetic += row.has(MessageFlag::Synthetic) ? 1 : 0;
    }
    EXPECT_EQ(synthetic, 2) << "the proxy's 1002 to each side is recorded";
}

INSTANTIATE_TEST_SUITE_P(Routes, ProxyControl,
                         ::testing::ValuesIn(allRoutes()), routeParamName);

}  // namespace
}  // namespace rtmtap::test
