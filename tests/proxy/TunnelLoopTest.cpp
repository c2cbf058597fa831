// TunnelLoop: bytes both ways untouched, half-closes passed on, a slow reader loses nothing,
// the tunnel and its limits ticket end with the connections.
#include "proxy/TunnelLoop.h"
#include "tests/support/Eventually.h"
#include "tests/support/TestData.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/StreamSocket.h>

#include <gtest/gtest.h>

#include <thread>

namespace rtmtap::test {
namespace {

// A connected pair over loopback: near (the test's end) and far (given to the loop).
struct Pair {
    Poco::Net::StreamSocket near, far;
};

Pair connectedPair() {
    Poco::Net::ServerSocket listener(Poco::Net::SocketAddress("127.0.0.1", 0));
    Pair p;
    p.near.connect(listener.address());
    p.far = listener.acceptConnection();
    p.near.setReceiveTimeout(Poco::Timespan(10, 0));
    return p;
}

std::string readExactly(Poco::Net::StreamSocket& s, size_t n) {
    std::string out;
    char buf[65536];
    while (out.size() < n) {
        const int got = s.receiveBytes(buf, static_cast<int>(std::min(sizeof buf, n - out.size())));
        if (got <= 0) {
            break;
        }
        out.append(buf, static_cast<size_t>(got));
    }
    return out;
}

void sendAll(Poco::Net::StreamSocket& s, const std::string& bytes) {
    size_t sent = 0;
    while (sent < bytes.size()) {
        sent += static_cast<size_t>(s.sendBytes(bytes.data() + sent, static_cast<int>(bytes.size() - sent)));
    }
}

struct TunnelFixture : ::testing::Test {
    ConnectionLimits limits{10, 0};  // first: the loop's tickets give their place back to it
    TunnelLoop loop;
    Pair client = connectedPair(), origin = connectedPair();
    void SetUp() override {
        loop.start();
        ConnectionLimits::Ticket ticket;
        ASSERT_EQ(limits.admit("127.0.0.1", ticket), ConnectionLimits::Verdict::Admitted);
        loop.adopt(std::make_unique<Transport>(client.far), std::make_unique<Transport>(origin.far), "early",
                   std::move(ticket));
        client.far = Poco::Net::StreamSocket();  // the loop's alone now: closing is its job
        origin.far = Poco::Net::StreamSocket();
    }
};

TEST_F(TunnelFixture, BytesPassBothWaysUntouchedEarlyBytesFirst) {
    EXPECT_EQ(readExactly(origin.near, 5), "early");
    const std::string up = randomBytes(300000, 3), down = randomBytes(200000, 4);
    std::thread writer([&] { sendAll(client.near, up); });
    sendAll(origin.near, down);
    EXPECT_TRUE(readExactly(origin.near, up.size()) == up);
    EXPECT_TRUE(readExactly(client.near, down.size()) == down);
    writer.join();
    EXPECT_EQ(loop.tunnels(), 1u);
    EXPECT_EQ(limits.open(), 1u);
}

TEST_F(TunnelFixture, HalfClosesPassThroughAndTheTunnelEndsWithBothSides) {
    EXPECT_EQ(readExactly(origin.near, 5), "early");
    client.near.shutdownSend();  // the client is done sending, still reading
    char c;
    EXPECT_EQ(origin.near.receiveBytes(&c, 1), 0) << "the origin sees the client's FIN";
    sendAll(origin.near, "answer after the client's FIN");
    EXPECT_EQ(readExactly(client.near, 29), "answer after the client's FIN");
    origin.near.shutdownSend();
    EXPECT_EQ(client.near.receiveBytes(&c, 1), 0);
    EXPECT_TRUE(eventually([&] { return loop.tunnels() == 0; })) << "both sides finished";
    EXPECT_TRUE(eventually([&] { return limits.open() == 0; })) << "the ticket went with the tunnel";
}

TEST_F(TunnelFixture, ASlowReaderLosesNothing) {
    EXPECT_EQ(readExactly(origin.near, 5), "early");
    const std::string big = randomBytes(8 << 20, 5);
    std::thread writer([&] { sendAll(client.near, big); });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));  // the origin reads late
    EXPECT_TRUE(readExactly(origin.near, big.size()) == big);
    writer.join();
}

TEST_F(TunnelFixture, AClosedOriginEndsTheTunnelOnceTheClientIsDoneOrWritesToIt) {
    EXPECT_EQ(readExactly(origin.near, 5), "early");
    origin.near.close();
    char c;
    EXPECT_EQ(client.near.receiveBytes(&c, 1), 0) << "the client sees the origin's FIN";
    EXPECT_EQ(loop.tunnels(), 1u) << "a half-closed tunnel still carries the client's bytes";
    sendAll(client.near, "to a closed origin");  // answered with a reset: the tunnel ends
    EXPECT_TRUE(eventually([&] { return loop.tunnels() == 0; }));
}

TEST_F(TunnelFixture, StopClosesEveryTunnel) {
    EXPECT_EQ(readExactly(origin.near, 5), "early");
    loop.stop();
    char c;
    EXPECT_LE(client.near.receiveBytes(&c, 1), 0);
    EXPECT_EQ(limits.open(), 0u);
}

}  // namespace
}  // namespace rtmtap::test
