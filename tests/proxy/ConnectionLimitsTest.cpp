// --max-sessions and --max-per-address (proxy/ConnectionLimits): the counting itself, then the
// proxy refusing with 503 and admitting again once sessions end.
#include "proxy/ConnectionLimits.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/RawSocket.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <functional>
#include <memory>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

using Verdict = ConnectionLimits::Verdict;
using Ticket = ConnectionLimits::Ticket;

TEST(ConnectionLimits, CountsOpenTicketsAndGivesThemBackWhenDestroyed) {
    ConnectionLimits limits(2, 0);
    Ticket a, b, c;
    EXPECT_EQ(limits.admit("10.0.0.1", a), Verdict::Admitted);
    EXPECT_EQ(limits.admit("10.0.0.2", b), Verdict::Admitted);
    EXPECT_EQ(limits.admit("10.0.0.3", c), Verdict::Full);
    EXPECT_FALSE(c.valid());
    EXPECT_EQ(limits.open(), 2u);
    Ticket moved = std::move(a);
    EXPECT_FALSE(a.valid());
    EXPECT_EQ(limits.open(), 2u) << "a move is not a release";
    moved = Ticket();
    EXPECT_EQ(limits.open(), 1u);
    EXPECT_EQ(limits.admit("10.0.0.3", c), Verdict::Admitted);
}

TEST(ConnectionLimits, PerAddressLimitIsPerAddress) {
    ConnectionLimits limits(0, 2);
    std::vector<Ticket> tickets(5);
    EXPECT_EQ(limits.admit("127.0.0.1", tickets[0]), Verdict::Admitted);
    EXPECT_EQ(limits.admit("127.0.0.1", tickets[1]), Verdict::Admitted);
    EXPECT_EQ(limits.admit("127.0.0.1", tickets[2]), Verdict::AddressFull);
    EXPECT_EQ(limits.admit("127.0.0.2", tickets[3]), Verdict::Admitted);
    tickets[0] = Ticket();
    EXPECT_EQ(limits.admit("127.0.0.1", tickets[4]), Verdict::Admitted);
    EXPECT_EQ(limits.open(), 3u);
}

TEST(ConnectionLimits, ASessionsTicketIsGivenBackAtItsEnd) {
    ConnectionLimits limits(1, 0);
    Ticket t;
    ASSERT_EQ(limits.admit("a", t), Verdict::Admitted);
    limits.holdUntilEnd(7, std::move(t));
    Ticket other;
    EXPECT_EQ(limits.admit("b", other), Verdict::Full);
    SessionEnd end;
    end.id = 8;
    limits.onSessionEnd(end);
    EXPECT_EQ(limits.open(), 1u) << "another session's end";
    end.id = 7;
    limits.onSessionEnd(end);
    EXPECT_EQ(limits.open(), 0u);
    EXPECT_EQ(limits.admit("b", other), Verdict::Admitted);
}

bool waitFor(const std::function<bool()>& done, int timeoutMs = 20000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (!done()) {
        if (std::chrono::steady_clock::now() > until) {
            return false;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return true;
}

std::unique_ptr<TestClient> openClient(ProxyHarness& harness) {
    auto client = std::make_unique<TestClient>(harness.port(), "/", HeaderPairs{}, std::vector<std::string>{}, 20000);
    return client;
}

void closeAndWait(ProxyHarness& harness, std::unique_ptr<TestClient>& client, size_t ends) {
    client->sendClose(1000, "");
    client->receiveOpcode(0x8, 20000);
    client.reset();
    ASSERT_TRUE(harness.waitForEnds(ends, 20000));
}

const char* const kUpgrade =
    "GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
    "Sec-WebSocket-Version: 13\r\nSec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n\r\n";

// Live sessions and a handshake in progress count alike; the stderr line comes once a burst.
TEST(ProxyMaxSessions, BeyondTheLimitNewClientsGet503UntilASessionEnds) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) {
        c.maxSessions = 3;
        c.handshakeTimeoutMs = 300000;
    });
    auto first = openClient(harness);
    auto second = openClient(harness);
    ASSERT_TRUE(first->open() && second->open()) << first->status() << " " << second->status();
    RawSocket idle(harness.port());  // an upgrade in progress holds a place too
    ASSERT_TRUE(waitFor([&] { return harness.proxy().stats().openConnections == 3; }));

    testing::internal::CaptureStderr();
    for (int i = 0; i < 3; ++i) {
        auto refused = openClient(harness);
        EXPECT_FALSE(refused->open());
        EXPECT_EQ(refused->status(), 503) << refused->error();
        EXPECT_NE(refused->body().find("--max-sessions"), std::string::npos) << refused->body();
    }
    const std::string err = testing::internal::GetCapturedStderr();
    size_t lines = 0;
    for (size_t at = err.find("--max-sessions"); at != std::string::npos; at = err.find("--max-sessions", at + 1)) {
        ++lines;
    }
    EXPECT_EQ(lines, 1u) << "one line a burst, not one a client:\n" << err;
    EXPECT_EQ(harness.proxy().stats().refusedFull, 3u);
    EXPECT_EQ(upstream.requestCount(), 2u) << "a refused client reached the upstream";

    closeAndWait(harness, first, 1);
    auto admitted = openClient(harness);
    EXPECT_TRUE(admitted->open()) << admitted->status() << " " << admitted->body();
}

TEST(ProxyMaxPerAddress, OneAddressIsRefusedWhileOthersAreAdmitted) {
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.maxPerAddress = 2; });
    auto first = openClient(harness);
    auto second = openClient(harness);
    ASSERT_TRUE(first->open() && second->open()) << first->status() << " " << second->status();

    auto refused = openClient(harness);
    EXPECT_EQ(refused->status(), 503) << refused->error();
    EXPECT_NE(refused->body().find("127.0.0.1"), std::string::npos) << refused->body();
    EXPECT_NE(refused->body().find("--max-per-address"), std::string::npos) << refused->body();
    EXPECT_EQ(harness.proxy().stats().refusedPerAddress, 1u);

    // Any 127.x.y.z reaches loopback on Linux: another client address.
    RawSocket other(harness.port(), "127.0.0.2");
    ASSERT_TRUE(other.ok()) << other.error();
    ASSERT_TRUE(other.send(kUpgrade));
    EXPECT_EQ(RawSocket::statusOf(other.readAvailable(20000)), 101);

    closeAndWait(harness, first, 1);
    auto admitted = openClient(harness);
    EXPECT_TRUE(admitted->open()) << admitted->status() << " " << admitted->body();
}

}  // namespace
}  // namespace rtmtap::test
