// The proxy's front door (proxy/HandshakeLoop, proxy/PendingHandshake): idle, slow and garbage
// clients cost no thread, are cut at their deadline or answered at once, and never keep a new
// client out.
#include "proxy/HttpHead.h"
#include "proxy/TlsContext.h"
#include "proxy/TlsTransport.h"
#include "tests/support/ProcessLimits.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/RawSocket.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestUpstream.h"

#include <Poco/Net/SocketAddress.h>
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <unistd.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <functional>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

using std::chrono::milliseconds;
using std::chrono::steady_clock;

bool waitFor(const std::function<bool()>& done, int timeoutMs = 20000) {
    const auto until = steady_clock::now() + milliseconds(timeoutMs);
    while (!done()) {
        if (steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(milliseconds(10));
    }
    return true;
}

// A new client upgrades and is relayed (the upstream echoes).
void expectEchoThrough(ProxyHarness& harness) {
    TestClient client(harness.port(), "/", {}, {}, 20000);
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error() << " " << client.body();
    client.sendText("through");
    Received echo = client.receive(20000);
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.payload, "through");
    client.sendClose(1000, "");
}

std::string oneLine(std::string body) {
    while (!body.empty() && body.back() == '\n') {
        body.pop_back();
    }
    return body;
}

TEST(HandshakeLoop, ThousandsOfIdleSocketsCostNoThreadAndDoNotKeepANewClientOut) {
    constexpr size_t kIdle = 1500;  // more than the old handshake pool had threads (1,024)
    std::string why;
    if (!raiseFileLimit(2 * kIdle + 1024, why)) {
        GTEST_SKIP() << why;
    }
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = 300000; });
    const size_t threadsBefore = threadCount();
    std::vector<RawSocket> idle;
    idle.reserve(kIdle);
    for (size_t i = 0; i < kIdle; ++i) {
        idle.emplace_back(harness.port());
        ASSERT_TRUE(idle.back().ok()) << "idle socket " << i << ": " << idle.back().error();
    }
    ASSERT_TRUE(waitFor([&] { return harness.proxy().stats().handshakesPending >= kIdle; }))
        << harness.proxy().stats().handshakesPending << " of " << kIdle << " idle sockets accepted";
    EXPECT_LE(threadCount(), threadsBefore + 1) << "threads grew with idle sockets";

    expectEchoThrough(harness);
    EXPECT_EQ(harness.proxy().stats().handshakesPending, kIdle) << "idle sockets were dropped to make room";
    EXPECT_EQ(upstream.requestCount(), 1u);
}

TEST(HandshakeLoop, SlowlorisIsCutAtItsDeadlineWith408) {
    constexpr int kTimeoutMs = 1500;
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = kTimeoutMs; });
    RawSocket slow(harness.port());
    ASSERT_TRUE(slow.ok()) << slow.error();
    const auto start = steady_clock::now();
    ASSERT_TRUE(slow.send("GET /rtm HTTP/1.1\r\nX-Slow: "));
    std::string got;
    // One byte every 100 ms, for up to a minute: far past the deadline unless it is cut.
    for (int i = 0; i < 600 && got.empty(); ++i) {
        got = slow.readAvailable(100);
        if (got.empty() && !slow.send("x")) {
            break;
        }
    }
    const RawSocket::Read rest = slow.readUntilClosed(20000);
    got += rest.bytes;
    const auto elapsed = std::chrono::duration_cast<milliseconds>(steady_clock::now() - start);

    EXPECT_EQ(RawSocket::statusOf(got), 408) << got;
    EXPECT_NE(RawSocket::bodyOf(got).find("--handshake-timeout"), std::string::npos) << got;
    EXPECT_TRUE(rest.closed) << "the connection stays open after the 408";
    EXPECT_GE(elapsed.count(), kTimeoutMs - 200) << "cut before its deadline";
    EXPECT_EQ(upstream.requestCount(), 0u);
    expectEchoThrough(harness);
}

TEST(HandshakeLoop, AClientThatSendsNothingIsClosedWithoutAWordAtItsDeadline) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = 300; });
    RawSocket idle(harness.port());
    ASSERT_TRUE(idle.ok()) << idle.error();
    const RawSocket::Read r = idle.readUntilClosed(20000);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(r.bytes, "");
    EXPECT_TRUE(waitFor([&] { return harness.proxy().stats().handshakesPending == 0; }));
    EXPECT_EQ(harness.proxy().stats().handshakeFailures, 1u);
}

struct Garbage {
    const char* name;
    std::string bytes;
    const char* bodyHas;
};

void PrintTo(const Garbage& g, std::ostream* os) {
    *os << g.name;
}

class HandshakeLoopGarbage : public ::testing::TestWithParam<Garbage> {};

// The deadline is two minutes: within the 20 s the client waits, only an answer at once can come.
TEST_P(HandshakeLoopGarbage, IsAnswered400AtOnceAndClosed) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = 120000; });
    RawSocket s(harness.port());
    ASSERT_TRUE(s.ok()) << s.error();
    ASSERT_TRUE(s.send(GetParam().bytes));
    const RawSocket::Read r = s.readUntilClosed(20000);
    EXPECT_EQ(RawSocket::statusOf(r.bytes), 400) << r.bytes;
    const std::string body = oneLine(RawSocket::bodyOf(r.bytes));
    EXPECT_EQ(body.find('\n'), std::string::npos) << body;
    EXPECT_NE(body.find(GetParam().bodyHas), std::string::npos) << body;
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(upstream.requestCount(), 0u);
    expectEchoThrough(harness);
    harness.stop();
    EXPECT_EQ(harness.sessions().size(), 1u) << "garbage is not recorded";
}

INSTANTIATE_TEST_SUITE_P(
    Bytes, HandshakeLoopGarbage,
    ::testing::Values(Garbage{"TlsHello", std::string("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11), "TLS"},
                      Garbage{"Binary", std::string("\x00\x01\x02\xff\xfe garbage", 14), "not an HTTP request"},
                      Garbage{"ControlInMethod", "GE\x01T / HTTP/1.1\r\n", "not an HTTP request"},
                      Garbage{"LongMethod", std::string(40, 'A'), "not an HTTP request"}),
    [](const auto& info) { return std::string(info.param.name); });

TEST(HandshakeLoop, AHeadAbove16KiBGets431) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = 120000; });
    RawSocket s(harness.port());
    ASSERT_TRUE(s.ok()) << s.error();
    ASSERT_TRUE(s.send("GET / HTTP/1.1\r\nX-Long: " + std::string(20000, 'a')));
    const RawSocket::Read r = s.readUntilClosed(20000);
    EXPECT_EQ(RawSocket::statusOf(r.bytes), 431) << r.bytes.substr(0, 200);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(upstream.requestCount(), 0u);
}

// A head that arrives in pieces, and frames glued to it, still make one session.
TEST(HandshakeLoop, AHeadInPiecesWithEarlyFramesIsUpgraded) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url());
    RawSocket s(harness.port());
    ASSERT_TRUE(s.ok()) << s.error();
    const std::string request =
        "GET /rtm?pieces=1 HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
        "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";
    for (size_t at = 0; at < request.size(); at += 7) {
        ASSERT_TRUE(s.send(request.substr(at, 7) + (at + 7 >= request.size() ? RawWsClient::frame(0x81, "early") : "")));
        std::this_thread::sleep_for(milliseconds(2));
    }
    std::string got;
    for (int i = 0; i < 200 && got.find("early") == std::string::npos; ++i) {
        got += s.readAvailable(100);
    }
    EXPECT_EQ(RawSocket::statusOf(got), 101) << got;
    EXPECT_NE(got.find("early"), std::string::npos) << "the early frame was not relayed: " << got;
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].uri, "/rtm?pieces=1");
}

// Sockets made before the open-file limit drops: connecting one takes no new descriptor.
class Unconnected {
public:
    explicit Unconnected(size_t n) {
        for (size_t i = 0; i < n; ++i) {
            fds_.push_back(::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
        }
    }
    ~Unconnected() {
        for (int fd : fds_) {
            ::close(fd);
        }
    }
    bool connectAll(uint16_t port) {
        sockaddr_in to{};
        to.sin_family = AF_INET;
        to.sin_port = htons(port);
        to.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
        for (int fd : fds_) {
            if (fd < 0 || ::connect(fd, reinterpret_cast<sockaddr*>(&to), sizeof to) != 0) {
                return false;
            }
        }
        return true;
    }
    // How many got an answer with this status by now (reads without waiting, opens nothing).
    size_t answered(const std::string& status) {
        size_t n = 0;
        for (int fd : fds_) {
            char buf[512];
            const ssize_t got = ::recv(fd, buf, sizeof buf - 1, MSG_DONTWAIT);
            n += got > 0 && std::string(buf, static_cast<size_t>(got)).rfind("HTTP/1.1 " + status, 0) == 0 ? 1 : 0;
        }
        return n;
    }

private:
    std::vector<int> fds_;
};

uint64_t acceptCallsInASecond(ProxyHarness& harness) {
    const uint64_t before = harness.proxy().stats().acceptCalls;
    std::this_thread::sleep_for(milliseconds(1000));
    return harness.proxy().stats().acceptCalls - before;
}

// Out of descriptors, accept fails again on every wake-up of a level-triggered loop. The loop
// answers such clients 503 through a spare descriptor; with none to be had at all it pauses.
// Spinning would show as thousands of accept calls a second, the old 50 ms sleep as twenty.
TEST(HandshakeLoop, OutOfDescriptorsItAnswers503WithoutSpinningAndRecovers) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.handshakeTimeoutMs = 300000; });
    constexpr size_t kTight = 40, kNone = 10;
    Unconnected tight(kTight), none(kNone);
    // Descriptors are numbered lowest free first: fill the gaps below the highest one, so that
    // the limit leaves exactly four.
    std::vector<int> fillers;
    const int highest = highestDescriptor();
    for (int fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC); fd >= 0; fd = ::open("/dev/null", O_RDONLY | O_CLOEXEC)) {
        if (fd > highest) {
            ::close(fd);
            break;
        }
        fillers.push_back(fd);
    }
    const size_t limit = static_cast<size_t>(highest) + 1 + 4;
    const uint64_t pendingBefore = harness.proxy().stats().handshakesPending;
    {
        // A few descriptors left: idle clients take them, the rest get 503.
        FileLimitScope scope(limit);
        ASSERT_TRUE(tight.connectAll(harness.port()));
        const auto settled = [&] {
            const ProxyStats s = harness.proxy().stats();
            return s.handshakesPending - pendingBefore + s.refusedNoDescriptors >= kTight;
        };
        ASSERT_TRUE(waitFor(settled)) << harness.proxy().stats().handshakesPending << " pending, "
                                      << harness.proxy().stats().refusedNoDescriptors << " refused";
        EXPECT_GE(harness.proxy().stats().refusedNoDescriptors, kTight / 2);
        EXPECT_LE(acceptCallsInASecond(harness), 10u);
        EXPECT_EQ(tight.answered("503"), harness.proxy().stats().refusedNoDescriptors);

        // No descriptor at all, not even through the spare: accepting pauses, a few tries a second.
        FileLimitScope nothing(1);
        ASSERT_TRUE(none.connectAll(harness.port()));
        std::this_thread::sleep_for(milliseconds(300));
        EXPECT_LE(acceptCallsInASecond(harness), 15u);
        EXPECT_GE(harness.proxy().stats().acceptPauses, 1u);
    }
    // Descriptors again: the waiting clients are taken in, and a new one is relayed.
    const uint64_t pendingTight = harness.proxy().stats().handshakesPending;
    EXPECT_TRUE(waitFor([&] { return harness.proxy().stats().handshakesPending >= pendingTight + kNone; }));
    expectEchoThrough(harness);
    for (int fd : fillers) {
        ::close(fd);
    }
}

// wss://: the TLS server handshake runs on the loop too, so clients that stall in it (or never
// start it) do not hold a thread, and a real client is served meanwhile.
class HandshakeLoopTls : public ::testing::Test {
protected:
    static std::string data(const char* name) { return std::string(RTMTAP_TEST_DATA) + "/" + name; }
    static void tls(ProxyConfig& c) {
        c.tlsCert = data("server.pem");
        c.tlsKey = data("server.key");
    }
};

TEST_F(HandshakeLoopTls, StalledTlsHandshakesDoNotKeepAWssClientOut) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) {
        tls(c);
        c.handshakeTimeoutMs = 300000;
    });
    const size_t threadsBefore = threadCount();
    std::vector<RawSocket> stalled;
    for (int i = 0; i < 50; ++i) {
        stalled.emplace_back(harness.port());
        ASSERT_TRUE(stalled.back().ok()) << stalled.back().error();
        if (i % 2 == 0) {
            ASSERT_TRUE(stalled.back().send(std::string("\x16\x03\x01\x02", 4)));  // a ClientHello's first bytes
        }
    }
    ASSERT_TRUE(waitFor([&] { return harness.proxy().stats().handshakesPending >= 50; }));
    EXPECT_LE(threadCount(), threadsBefore + 1);

    Poco::Net::StreamSocket socket;
    socket.connect(Poco::Net::SocketAddress("127.0.0.1", harness.port()), Poco::Timespan(20, 0));
    TlsTransport client(socket, TlsContext::client(data("ca.pem"), false));
    client.setBlocking(true, 20000);
    ASSERT_TRUE(client.connect("localhost")) << client.error();
    ASSERT_TRUE(writeAll(client, "GET /tls HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                 "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n"));
    const HeadRead head = readHttpHead(client, monotonicNowUs() + 20'000'000);
    ASSERT_EQ(head.status, HeadRead::Ok);
    EXPECT_EQ(head.head.rfind("HTTP/1.1 101", 0), 0u) << head.head;
    ASSERT_TRUE(writeAll(client, RawWsClient::frame(0x81, "over tls")));
    const std::string echo = head.rest + readSome(client, 10 - head.rest.size(), monotonicNowUs() + 20'000'000, "");
    EXPECT_EQ(echo, std::string("\x81\x08over tls", 10));
}

TEST_F(HandshakeLoopTls, AClientThatNeverStartsTlsIsClosedAtItsDeadline) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) {
        tls(c);
        c.handshakeTimeoutMs = 300;
    });
    RawSocket idle(harness.port());
    ASSERT_TRUE(idle.ok()) << idle.error();
    const RawSocket::Read r = idle.readUntilClosed(20000);
    EXPECT_TRUE(r.closed);
    EXPECT_EQ(r.bytes, "");
}

}  // namespace
}  // namespace rtmtap::test
