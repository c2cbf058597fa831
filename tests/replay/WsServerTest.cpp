// The handler-per-connection WebSocket server on loopback: what reaches the handler, what the
// server answers by itself, what RFC 6455 makes it refuse, and what a tap sees.
#include "replay/WsServer.h"
#include "tests/support/Eventually.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"

#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

// For what no callback announces: up to 10 s.
template <typename Pred>
bool eventuallyIn10s(Pred pred) {
    return eventually(pred, std::chrono::seconds(10));
}

// Waits (bounded) on a condition over state guarded by one mutex.
class Waitable {
public:
    template <typename Pred>
    bool waitUntil(Pred pred, int timeoutMs = 10000) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), pred);
    }

protected:
    template <typename Change>
    void update(Change change) {
        {
            std::lock_guard lock(mutex_);
            change();
        }
        changed_.notify_all();
    }
    std::mutex mutex_;
    std::condition_variable changed_;
};

// What every handler of one server saw.
class ServerLog : public Waitable {
public:
    void opened(std::shared_ptr<WsConnection> conn) {
        update([&] { conns_.push_back(std::move(conn)); });
    }
    void message(const Message& m) {
        update([&] { messages_.push_back(m); });
    }
    void closed(const WsEnd& end) {
        update([&] { ends_.push_back(end); });
    }
    void factoryCalled(const SessionInfo& info) {
        update([&] { infos_.push_back(info); });
    }
    bool waitForMessages(size_t n) {
        return waitUntil([&] { return messages_.size() >= n; });
    }
    bool waitForEnds(size_t n) {
        return waitUntil([&] { return ends_.size() >= n; });
    }
    bool waitForOpen(size_t n) {
        return waitUntil([&] { return conns_.size() >= n; });
    }
    std::vector<Message> messages() {
        std::lock_guard lock(mutex_);
        return messages_;
    }
    std::vector<WsEnd> ends() {
        std::lock_guard lock(mutex_);
        return ends_;
    }
    std::vector<SessionInfo> infos() {
        std::lock_guard lock(mutex_);
        return infos_;
    }
    std::shared_ptr<WsConnection> conn(size_t i) {
        std::lock_guard lock(mutex_);
        return i < conns_.size() ? conns_[i] : nullptr;
    }

private:
    std::vector<std::shared_ptr<WsConnection>> conns_;
    std::vector<Message> messages_;
    std::vector<WsEnd> ends_;
    std::vector<SessionInfo> infos_;
};

// Echoes text and binary; the texts "close", "drop" and "boom" close with 4000, drop TCP and throw.
class EchoHandler : public WsHandler {
public:
    explicit EchoHandler(ServerLog& log) : log_(log) {}
    void onOpen(WsConnection& conn) override { log_.opened(conn.shared_from_this()); }
    void onMessage(WsConnection& conn, const Message& m) override {
        log_.message(m);
        if (m.op == Opcode::Text && m.payload == "close") {
            conn.close(4000, "asked to");
        } else if (m.op == Opcode::Text && m.payload == "drop") {
            conn.drop();
        } else if (m.op == Opcode::Text && m.payload == "boom") {
            throw std::runtime_error("boom");
        } else if (m.op == Opcode::Text || m.op == Opcode::Binary) {
            conn.send(m.op, m.payload);
        }
    }
    void onClose(WsConnection&, const WsEnd& end) override { log_.closed(end); }

private:
    ServerLog& log_;
};

// A tap that keeps everything it is told.
class CollectingTap : public Tap, public Waitable {
public:
    void onSessionStart(const SessionInfo& info) override {
        update([&] { starts.push_back(info); });
    }
    void onMessage(const Message& m) override {
        update([&] { messages.push_back(m); });
    }
    void onSessionEnd(const SessionEnd& end) override {
        update([&] { ends.push_back(end); });
    }
    template <typename Read>
    auto read(Read r) {
        std::lock_guard lock(mutex_);
        return r();
    }
    std::vector<SessionInfo> starts;
    std::vector<Message> messages;
    std::vector<SessionEnd> ends;
};

class Harness {
public:
    explicit Harness(WsServerOptions options = {}, const Clock& clock = Clock::system(),
                     std::function<void(SessionInfo&)> amend = {}) {
        server = std::make_unique<WsServer>(std::move(options), [this, amend](SessionInfo& info) {
            log.factoryCalled(info);
            if (amend) {
                amend(info);
            }
            return std::make_shared<EchoHandler>(log);
        }, clock);
        server->start();
    }
    uint16_t port() const { return server->port(); }
    ServerLog log;
    std::unique_ptr<WsServer> server;
};

WsServerOptions withMaxMessage(size_t bytes) {
    WsServerOptions o;
    o.maxMessage = bytes;
    return o;
}

TEST(WsServerTest, TextAndBinaryReachTheHandlerAndItsAnswersTheClient) {
    Harness h;
    TestClient client(h.port());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText("hello");
    client.sendBinary(randomBytes(70000));
    Received text = client.receive();
    ASSERT_TRUE(text.isFrame()) << toString(text);
    EXPECT_EQ(text.frame.flags, kText);
    EXPECT_EQ(text.frame.payload, "hello");
    Received binary = client.receive();
    ASSERT_TRUE(binary.isFrame()) << toString(binary);
    EXPECT_EQ(binary.frame.flags, kBinary);
    EXPECT_EQ(binary.frame.payload, randomBytes(70000));
    auto got = h.log.messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].op, Opcode::Text);
    EXPECT_EQ(got[0].dir, Direction::ClientToServer);
    EXPECT_EQ(got[0].flags, 0u);
    EXPECT_EQ(got[1].op, Opcode::Binary);
    EXPECT_EQ(got[1].size, 70000u);
    EXPECT_EQ(h.server->connectionCount(), 1u);
}

TEST(WsServerTest, FragmentsAreJoinedIntoOneMessageAndPingsBetweenThemAnswered) {
    Harness h;
    TestClient client(h.port());
    ASSERT_TRUE(client.open());
    client.sendRaw(0x01, "ab");
    client.sendRaw(kPing, "mid");
    client.sendRaw(0x00, "cd");
    client.sendRaw(0x80, "ef");
    Received pong = client.receive();
    ASSERT_TRUE(pong.isFrame()) << toString(pong);
    EXPECT_EQ(pong.frame.flags, kPong);
    EXPECT_EQ(pong.frame.payload, "mid");
    Received echo = client.receive();
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.payload, "abcdef");
    auto got = h.log.messages();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].op, Opcode::Ping);
    EXPECT_EQ(got[1].op, Opcode::Text);
    EXPECT_EQ(got[1].payload, "abcdef");
    EXPECT_EQ(got[1].flags, MessageFlag::Fragmented);
}

TEST(WsServerTest, PingAndPongReachTheHandlerAndPingsAreAnsweredOnlyWhenAsked) {
    Harness automatic;
    TestClient a(automatic.port());
    a.sendPing("p1");
    a.sendPong("unasked");
    Received pong = a.receive();
    ASSERT_TRUE(pong.isFrame()) << toString(pong);
    EXPECT_EQ(pong.frame.flags, kPong);
    EXPECT_EQ(pong.frame.payload, "p1");
    ASSERT_TRUE(automatic.log.waitForMessages(2));
    EXPECT_EQ(automatic.log.messages()[1].op, Opcode::Pong);

    WsServerOptions manual;
    manual.autoPong = false;
    Harness quiet(manual);
    TestClient b(quiet.port());
    b.sendPing("p2");
    b.sendText("barrier");  // the echo comes after whatever the ping caused
    Received next = b.receive();
    ASSERT_TRUE(next.isFrame()) << toString(next);
    EXPECT_EQ(next.frame.payload, "barrier");
    EXPECT_EQ(quiet.log.messages()[0].op, Opcode::Ping);
}

TEST(WsServerTest, ClientCloseIsEchoedThenTcpEndsAndTheHandlerHearsCodeAndReason) {
    Harness h;
    TestClient client(h.port());
    client.sendClose(1000, "bye");
    Received close = client.receive();
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.opcode(), kOpClose);
    EXPECT_EQ(close.frame.closeCode(), 1000);
    EXPECT_EQ(close.frame.closeReason(), "bye");
    EXPECT_EQ(client.receive().kind, Received::Kind::Closed);
    ASSERT_TRUE(h.log.waitForEnds(1));
    WsEnd end = h.log.ends()[0];
    EXPECT_EQ(end.kind, WsEnd::Kind::PeerClosed) << toString(end.kind);
    EXPECT_EQ(end.code, 1000);
    EXPECT_EQ(end.reason, "bye");
    EXPECT_EQ(end.error, "");
    EXPECT_EQ(h.log.messages().back().op, Opcode::Close);
}

TEST(WsServerTest, ServerCloseWaitsForTheAnswerAndSendsFailAfterwards) {
    Harness h;
    TestClient client(h.port());
    client.sendText("close");
    Received close = client.receive();
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 4000);
    EXPECT_EQ(close.frame.closeReason(), "asked to");
    EXPECT_FALSE(h.log.conn(0)->sendText("too late"));
    client.sendClose(4000, "");
    EXPECT_EQ(client.receive().kind, Received::Kind::Closed);
    ASSERT_TRUE(h.log.waitForEnds(1));
    WsEnd end = h.log.ends()[0];
    EXPECT_EQ(end.kind, WsEnd::Kind::ServerClosed) << toString(end.kind);
    EXPECT_EQ(end.code, 4000);
    EXPECT_EQ(end.error, "");
    EXPECT_FALSE(h.log.conn(0)->isOpen());
}

TEST(WsServerTest, ServerCloseWithoutAnAnswerEndsAfterTheCloseTimeout) {
    WsServerOptions o;
    o.closeTimeoutMs = 200;
    Harness h(o);
    TestClient client(h.port());
    client.sendText("close");
    ASSERT_TRUE(client.receiveOpcode(kOpClose).isFrame());
    // The client never answers: the server ends TCP by itself.
    EXPECT_EQ(client.receive().kind, Received::Kind::Closed);
    ASSERT_TRUE(h.log.waitForEnds(1));
    EXPECT_EQ(h.log.ends()[0].kind, WsEnd::Kind::ServerClosed);
    EXPECT_NE(h.log.ends()[0].error.find("no close handshake"), std::string::npos) << h.log.ends()[0].error;
}

TEST(WsServerTest, DropsEitherWayEndWithoutCloseFrames) {
    Harness h;
    TestClient byServer(h.port());
    byServer.sendText("drop");
    EXPECT_TRUE(byServer.receive().endedWithoutClose());
    ASSERT_TRUE(h.log.waitForEnds(1));
    EXPECT_EQ(h.log.ends()[0].kind, WsEnd::Kind::ServerDropped);
    EXPECT_EQ(h.log.ends()[0].code, 1006);

    TestClient byClient(h.port());
    ASSERT_TRUE(h.log.waitForOpen(2));
    byClient.drop();
    ASSERT_TRUE(h.log.waitForEnds(2));
    EXPECT_EQ(h.log.ends()[1].kind, WsEnd::Kind::Dropped);
    EXPECT_TRUE(h.log.ends()[1].byClient());
    EXPECT_FALSE(h.log.conn(1)->send(Opcode::Text, "gone"));
}

TEST(WsServerTest, SendTakesEveryOpcodeAndRefusesWhatTheRfcForbids) {
    Harness h;
    TestClient client(h.port());
    ASSERT_TRUE(h.log.waitForOpen(1));
    auto conn = h.log.conn(0);
    EXPECT_FALSE(conn->send(Opcode::Continuation, "x"));
    EXPECT_FALSE(conn->send(Opcode::Ping, std::string(126, 'p')));
    EXPECT_FALSE(conn->send(Opcode::Close, "x"));
    EXPECT_TRUE(conn->send(Opcode::Text, "t"));
    EXPECT_TRUE(conn->send(Opcode::Binary, std::string("\0\1", 2)));
    EXPECT_TRUE(conn->send(Opcode::Ping, "pi"));
    EXPECT_TRUE(conn->send(Opcode::Pong, "po"));
    EXPECT_TRUE(conn->close(1001, "going"));
    const std::vector<std::pair<int, std::string>> expected = {
        {kText, "t"}, {kBinary, std::string("\0\1", 2)}, {kPing, "pi"}, {kPong, "po"}, {kClose, closePayload(1001, "going")}};
    for (const auto& [flags, payload] : expected) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        EXPECT_EQ(r.frame.flags, flags);
        EXPECT_EQ(r.frame.payload, payload);
    }
}

TEST(WsServerTest, SendsFromManyThreadsArriveWhole) {
    Harness h;
    TestClient client(h.port());
    ASSERT_TRUE(h.log.waitForOpen(1));
    auto conn = h.log.conn(0);
    std::vector<std::thread> senders;
    for (int t = 0; t < 4; ++t) {
        senders.emplace_back([conn, t] {
            for (int i = 0; i < 100; ++i) {
                conn->sendText(std::to_string(t) + ":" + asciiText(300 + i, t * 1000 + i));
            }
        });
    }
    std::vector<int> next(4, 0);
    for (int n = 0; n < 400; ++n) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        const int t = r.frame.payload[0] - '0';
        ASSERT_TRUE(t >= 0 && t < 4) << r.frame.payload.substr(0, 20);
        const int i = next[t]++;
        EXPECT_EQ(r.frame.payload, std::to_string(t) + ":" + asciiText(300 + i, t * 1000 + i));
    }
    for (auto& s : senders) {
        s.join();
    }
}

struct Violation {
    const char* name;
    std::string bytes;  // frames as the client sends them after the upgrade
};

void PrintTo(const Violation& v, std::ostream* os) {
    *os << v.name;
}

class WsServerViolation : public ::testing::TestWithParam<Violation> {};

TEST_P(WsServerViolation, ClosesWith1002AndTheHandlerNeverSeesTheFrame) {
    Harness h;
    RawWsClient client(h.port());
    ASSERT_EQ(client.status(), 101) << client.responseHead();
    client.sendFrame(kText, "before");
    Received echo = client.receive();
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    client.sendBytes(GetParam().bytes);
    Received close = client.receiveOpcode(kOpClose);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1002);
    EXPECT_EQ(client.receive().kind, Received::Kind::Closed);
    ASSERT_TRUE(h.log.waitForEnds(1));
    WsEnd end = h.log.ends()[0];
    EXPECT_EQ(end.kind, WsEnd::Kind::ProtocolError) << toString(end.kind);
    EXPECT_EQ(end.code, 1002);
    EXPECT_NE(end.error, "");
    auto got = h.log.messages();
    ASSERT_EQ(got.size(), 1u) << "the bad frame reached the handler";
    EXPECT_EQ(got[0].payload, "before");
}

INSTANTIATE_TEST_SUITE_P(
    Frames, WsServerViolation,
    ::testing::Values(Violation{"unmasked", RawWsClient::frame(kText, "plain", false)},
                      Violation{"rsv1", RawWsClient::frame(0xC1, "compressed?")},
                      Violation{"rsv3", RawWsClient::frame(0x92, "x")},
                      Violation{"opcode3", RawWsClient::frame(0x83, "reserved")},
                      Violation{"opcodeB", RawWsClient::frame(0x8B, "")},
                      Violation{"bigping", RawWsClient::frame(kPing, std::string(126, 'p'))},
                      Violation{"fragmentedping", RawWsClient::frame(0x09, "no fin")},
                      Violation{"orphancontinuation", RawWsClient::frame(0x80, "no start")},
                      Violation{"newmessageinfragments",
                                RawWsClient::frame(0x01, "start") + RawWsClient::frame(kText, "again")},
                      Violation{"oneByteClose", RawWsClient::frame(kClose, "x")},
                      Violation{"reservedCloseCode", RawWsClient::frame(kClose, closePayload(1005, ""))},
                      Violation{"lengthTopBit", std::string("\x81\xFF\x80\0\0\0\0\0\0\0\1\2\3\4", 14)}),
    [](const ::testing::TestParamInfo<Violation>& info) { return std::string(info.param.name); });

TEST(WsServerTest, OversizeMessagesCloseWith1009WholeOrFragmented) {
    for (bool fragmented : {false, true}) {
        CollectingTap tap;
        WsServerOptions o = withMaxMessage(1000);
        o.tap = &tap;
        Harness h(o);
        TestClient client(h.port());
        client.sendText(std::string(1000, 'a'));  // at the limit: fine
        ASSERT_TRUE(client.receive().isFrame());
        if (fragmented) {
            client.sendRaw(0x01, std::string(600, 'b'));
            client.sendRaw(0x80, std::string(600, 'c'));
        } else {
            client.sendText(std::string(1001, 'd'));
        }
        Received close = client.receiveOpcode(kOpClose);
        ASSERT_TRUE(close.isFrame()) << toString(close);
        EXPECT_EQ(close.frame.closeCode(), 1009);
        ASSERT_TRUE(h.log.waitForEnds(1));
        EXPECT_EQ(h.log.ends()[0].kind, WsEnd::Kind::TooBig);
        EXPECT_EQ(h.log.messages().size(), 1u);
        ASSERT_TRUE(tap.waitUntil([&] { return tap.ends.size() == 1; }));
        const Message big = tap.read([&] { return tap.messages[2]; });  // text, its echo, the oversize one
        EXPECT_TRUE(big.flags & MessageFlag::Oversize);
        EXPECT_EQ(big.size, fragmented ? 1200u : 1001u);
        EXPECT_EQ(big.payload, "");
        EXPECT_EQ(tap.read([&] { return tap.ends[0].close_code; }), 1009);
    }
}

TEST(WsServerTest, FirstSubprotocolIsEchoedAndPathAndHeadersReachTheFactory) {
    Harness h;
    TestClient withTwo(h.port(), "/some/path?x=1", {{"X-Test", "yes"}}, {"rtm.v1", "other"});
    ASSERT_TRUE(withTwo.open());
    EXPECT_EQ(withTwo.responseHeader("Sec-WebSocket-Protocol").value_or("(none)"), "rtm.v1");
    // Before the second client: the server opens a connection after it has sent the 101, so the
    // second one could otherwise be opened first.
    ASSERT_TRUE(h.log.waitForOpen(1));
    EXPECT_EQ(h.log.conn(0)->path(), "/some/path?x=1");
    TestClient withNone(h.port());
    ASSERT_TRUE(withNone.open());
    EXPECT_FALSE(withNone.responseHeader("Sec-WebSocket-Protocol").has_value());
    auto infos = h.log.infos();
    ASSERT_EQ(infos.size(), 2u);
    EXPECT_EQ(infos[0].path, "/some/path?x=1");
    EXPECT_EQ(infos[0].subprotocol, "rtm.v1");
    EXPECT_NE(infos[0].client.find("127.0.0.1:"), std::string::npos);
    bool found = false;
    for (const auto& [name, value] : infos[0].headers) {
        found = found || (name == "X-Test" && value == "yes");
    }
    EXPECT_TRUE(found);
}

TEST(WsServerTest, WhatIsNotAnUpgradeGetsAnHttpRefusal) {
    Harness h;
    HttpResult plain = TestClient::httpGet(h.port(), "/");
    EXPECT_EQ(plain.status, 400) << plain.error;
    EXPECT_NE(plain.body.find("WebSocket server"), std::string::npos) << plain.body;
    HttpResult old = TestClient::rawRequest(
        h.port(), "GET / HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  "Sec-WebSocket-Version: 8\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n");
    EXPECT_EQ(old.status, 426) << old.error;
    const char tls[] = "\x16\x03\x01\0\x05hello\r\n\r\n";
    HttpResult garbage = TestClient::rawRequest(h.port(), std::string(tls, sizeof tls - 1));
    EXPECT_EQ(garbage.status, 400) << garbage.error;
    EXPECT_TRUE(h.log.infos().empty());
    // The server goes on.
    TestClient client(h.port());
    EXPECT_TRUE(client.open());
}

TEST(WsServerTest, FramesSentWithTheRequestHeadAreNotLost) {
    Harness h;
    RawWsClient client(h.port(), "/", RawWsClient::frame(kText, "early"));
    ASSERT_EQ(client.status(), 101) << client.responseHead();
    EXPECT_NE(client.responseHead().find("Sec-WebSocket-Accept: s3pPLMBiTxaQ9kYGzzhZRbK+xOo="), std::string::npos)
        << client.responseHead();
    Received echo = client.receive();
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.payload, "early");
}

// A client that reads nothing: the kernel's send buffer keeps growing by autotuning, so each
// blocked write moves a few bytes now and then; the connection must still be dropped once it
// has taken nothing whole for sendTimeoutMs, and a drop() from elsewhere must not wait for it.
TEST(WsServerTest, AClientThatStopsReadingIsDroppedAndDropDoesNotWaitForTheWrite) {
    WsServerOptions options;
    options.sendTimeoutMs = 500;
    Harness h(options);
    RawWsClient client(h.port());
    ASSERT_EQ(client.status(), 101);
    ASSERT_TRUE(h.log.waitForOpen(1));
    std::shared_ptr<WsConnection> conn = h.log.conn(0);
    std::atomic<int> sent{0};
    std::thread writer([&] {
        const std::string big(64 * 1024, 'x');
        while (conn->send(Opcode::Binary, big)) {
            ++sent;
        }
    });
    ASSERT_TRUE(h.log.waitForEnds(1));  // within the harness's bound: the stall was noticed
    writer.join();
    EXPECT_GT(sent.load(), 0);
    EXPECT_NE(h.log.ends()[0].error.find("took no bytes for 500 ms"), std::string::npos) << h.log.ends()[0].error;
    EXPECT_EQ(h.log.ends()[0].kind, WsEnd::Kind::ServerDropped);

    WsServerOptions patient;
    patient.sendTimeoutMs = 60000;
    Harness h2(patient);
    RawWsClient client2(h2.port());
    ASSERT_TRUE(h2.log.waitForOpen(1));
    std::shared_ptr<WsConnection> conn2 = h2.log.conn(0);
    std::thread writer2([&] {
        const std::string big(64 * 1024, 'x');
        while (conn2->send(Opcode::Binary, big)) {
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the writer is blocked by now
    conn2->drop();  // returns although the writer holds the send lock
    ASSERT_TRUE(h2.log.waitForEnds(1));
    writer2.join();
    EXPECT_EQ(h2.log.ends()[0].kind, WsEnd::Kind::ServerDropped);
}

TEST(WsServerTest, ManyConnectionsAtOnceAreEachServed) {
    Harness h;
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < 60; ++i) {
        clients.push_back(std::make_unique<TestClient>(h.port()));
        ASSERT_TRUE(clients.back()->open()) << i;
    }
    for (size_t i = 0; i < clients.size(); ++i) {
        clients[i]->sendText("client " + std::to_string(i));
    }
    for (size_t i = 0; i < clients.size(); ++i) {
        Received r = clients[i]->receive();
        ASSERT_TRUE(r.isFrame()) << i << " " << toString(r);
        EXPECT_EQ(r.frame.payload, "client " + std::to_string(i));
    }
    EXPECT_EQ(h.server->connectionCount(), 60u);
    clients.clear();
    ASSERT_TRUE(h.log.waitForEnds(60));
    EXPECT_TRUE(eventuallyIn10s([&] { return h.server->connectionCount() == 0; }));
}

TEST(WsServerTest, ConnectionsAboveTheLimitGet503) {
    WsServerOptions o;
    o.maxConnections = 2;
    Harness h(o);
    TestClient a(h.port());
    TestClient b(h.port());
    ASSERT_TRUE(a.open() && b.open());
    TestClient c(h.port());
    EXPECT_FALSE(c.open());
    EXPECT_EQ(c.status(), 503);
    a.drop();
    ASSERT_TRUE(h.log.waitForEnds(1));
    // The slot is free again once the first one's thread is done.
    EXPECT_TRUE(eventuallyIn10s([&] { return TestClient(h.port()).open(); }));
}

TEST(WsServerTest, AFailingHandlerDropsOnlyItsOwnConnection) {
    Harness h;
    TestClient bad(h.port());
    TestClient good(h.port());
    bad.sendText("boom");
    EXPECT_TRUE(bad.receive().endedWithoutClose());
    ASSERT_TRUE(h.log.waitForEnds(1));
    EXPECT_EQ(h.log.ends()[0].kind, WsEnd::Kind::ServerDropped);
    EXPECT_NE(h.log.ends()[0].error.find("boom"), std::string::npos) << h.log.ends()[0].error;
    good.sendText("still here");
    Received r = good.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, "still here");
}

TEST(WsServerTest, StopDropsEveryClientEvenOnesThatNeverSentAHead) {
    WsServerOptions o;
    o.handshakeTimeoutMs = 600000;  // stop() must not wait for it
    Harness h(o);
    // Accepted in the order they connect: once the last is open, all were accepted.
    Poco::Net::StreamSocket silent;
    silent.connect(Poco::Net::SocketAddress("127.0.0.1", h.port()));
    Poco::Net::StreamSocket partial;
    partial.connect(Poco::Net::SocketAddress("127.0.0.1", h.port()));
    partial.sendBytes("GET / HTTP/1.1\r\n", 16);
    RawWsClient idle(h.port());
    ASSERT_EQ(idle.status(), 101);
    TestClient open(h.port());
    ASSERT_TRUE(open.open());
    h.server->stop();
    EXPECT_TRUE(open.receive().endedWithoutClose());
    EXPECT_EQ(idle.receive().kind, Received::Kind::Closed);
    for (Poco::Net::StreamSocket* s : {&silent, &partial}) {
        s->setReceiveTimeout(Poco::Timespan(10, 0));
        char byte;
        int n = -1;
        try {
            n = s->receiveBytes(&byte, 1);
        } catch (const Poco::Exception& e) {
            ADD_FAILURE() << e.displayText();
        }
        EXPECT_EQ(n, 0);  // EOF, not a timeout
    }
    ASSERT_TRUE(h.log.waitForEnds(2));
    for (const WsEnd& end : h.log.ends()) {
        EXPECT_EQ(end.kind, WsEnd::Kind::ServerDropped) << toString(end.kind);
    }
    h.server->stop();  // idempotent
}

TEST(WsServerTest, TapSeesTheSessionEveryFrameInOrderWithClockTimesAndTheEnd) {
    FakeClock clock;
    CollectingTap tap;
    WsServerOptions o;
    o.tap = &tap;
    int64_t ids = 41;
    o.sessionId = [&ids] { return ++ids; };
    Harness h(o, clock, [](SessionInfo& info) { info.upstream = "replay of 7"; });
    TestClient client(h.port(), "/ws?token=1", {{"User-Agent", "tester"}});
    ASSERT_TRUE(tap.waitUntil([&] { return tap.starts.size() == 1; }));
    const int64_t startWall = clock.wallUs();
    // Each step moves the fake clock 1 ms once the previous frame has been seen.
    auto step = [&](size_t seen) {
        ASSERT_TRUE(tap.waitUntil([&] { return tap.messages.size() >= seen; })) << seen;
        clock.advance(1000);
    };
    client.sendText("one");  // c2s at 0, echoed s2c at 0
    step(2);
    client.sendPing("p");  // c2s at 1 ms, automatic pong at 1 ms
    step(4);
    client.sendRaw(0x02, "fr");
    client.sendRaw(0x80, "ag");  // c2s at 2 ms, echo at 2 ms
    step(6);
    client.sendClose(1000, "done");  // c2s at 3 ms, echoed at 3 ms
    ASSERT_TRUE(tap.waitUntil([&] { return tap.ends.size() == 1; }));

    SessionInfo info = tap.read([&] { return tap.starts[0]; });
    EXPECT_EQ(info.id, 42);
    EXPECT_EQ(info.path, "/ws?token=1");
    EXPECT_EQ(info.upstream, "replay of 7");
    EXPECT_EQ(info.started_wall_us, startWall);
    EXPECT_NE(info.client.find("127.0.0.1:"), std::string::npos);
    auto messages = tap.read([&] { return tap.messages; });
    struct Expected {
        Direction dir;
        Opcode op;
        std::string payload;
        int64_t t_us;
        uint32_t flags;
    };
    const std::vector<Expected> expected = {
        {Direction::ClientToServer, Opcode::Text, "one", 0, 0},
        {Direction::ServerToClient, Opcode::Text, "one", 0, 0},
        {Direction::ClientToServer, Opcode::Ping, "p", 1000, 0},
        {Direction::ServerToClient, Opcode::Pong, "p", 1000, MessageFlag::Synthetic},
        {Direction::ClientToServer, Opcode::Binary, "frag", 2000, MessageFlag::Fragmented},
        {Direction::ServerToClient, Opcode::Binary, "frag", 2000, 0},
        {Direction::ClientToServer, Opcode::Close, closePayload(1000, "done"), 3000, 0},
        {Direction::ServerToClient, Opcode::Close, closePayload(1000, "done"), 3000, MessageFlag::Synthetic},
    };
    ASSERT_EQ(messages.size(), expected.size());
    for (size_t i = 0; i < expected.size(); ++i) {
        const Message& m = messages[i];
        SCOPED_TRACE(i);
        EXPECT_EQ(m.session, 42);
        EXPECT_EQ(m.seq, int64_t(i + 1));
        EXPECT_EQ(m.dir, expected[i].dir);
        EXPECT_EQ(m.op, expected[i].op);
        EXPECT_EQ(m.payload, expected[i].payload);
        EXPECT_EQ(m.size, expected[i].payload.size());
        EXPECT_EQ(m.t_us, expected[i].t_us);
        EXPECT_EQ(m.wall_us, startWall + expected[i].t_us);
        EXPECT_EQ(m.flags, expected[i].flags);
        EXPECT_EQ(m.fwd_us, m.dir == Direction::ServerToClient ? m.t_us : -1);
    }
    SessionEnd end = tap.read([&] { return tap.ends[0]; });
    EXPECT_EQ(end.id, 42);
    EXPECT_EQ(end.close_code, 1000);
    EXPECT_EQ(end.close_reason, "done");
    EXPECT_EQ(end.closed_by, "client");
    EXPECT_EQ(end.error, "");
    EXPECT_EQ(end.http_status, 101);
    EXPECT_EQ(end.duration_us, 3000);
}

TEST(WsServerTest, TapSessionIdsCountFromOneWithoutACallback) {
    CollectingTap tap;
    WsServerOptions o;
    o.tap = &tap;
    Harness h(o);
    {
        TestClient a(h.port());
        TestClient b(h.port());
        ASSERT_TRUE(a.open() && b.open());
    }
    ASSERT_TRUE(tap.waitUntil([&] { return tap.ends.size() == 2; }));
    auto starts = tap.read([&] { return tap.starts; });
    std::vector<int64_t> ids = {starts[0].id, starts[1].id};
    std::sort(ids.begin(), ids.end());
    EXPECT_EQ(ids, (std::vector<int64_t>{1, 2}));
    for (const SessionEnd& end : tap.read([&] { return tap.ends; })) {
        EXPECT_EQ(end.close_code, 1006);
        EXPECT_EQ(end.closed_by, "client");
    }
}

}  // namespace
}  // namespace rtmtap::test
