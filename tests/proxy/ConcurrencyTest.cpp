// Many sessions at once, independent of each other. The tests run the proxy with a single relay
// loop: sessions on different loops are independent by construction, so only sessions that share
// one thread can show that one of them holds the others up.
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <thread>

namespace rtmtap::test {
namespace {

std::string clientMessage(int client, int i) {
    return "client-" + std::to_string(client) + "-msg-" + std::to_string(i) + ":" +
           asciiText(static_cast<size_t>((client * 31 + i * 7) % 200), static_cast<uint32_t>(client * 100 + i));
}

TEST(ProxyConcurrency, FiftyClientsEchoAtOnce) {
    constexpr int kClients = 50;
    constexpr int kMessages = 20;
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) { c.loops = 1; });  // 50 sessions, one thread

    std::mutex failuresMutex;
    std::vector<std::string> failures;
    auto fail = [&](const std::string& what) {
        std::lock_guard<std::mutex> lock(failuresMutex);
        failures.push_back(what);
    };
    std::vector<std::thread> threads;
    for (int c = 0; c < kClients; ++c) {
        threads.emplace_back([&, c] {
            TestClient client(harness.port(), "/rtm?client=" + std::to_string(c));
            if (!client.open()) {
                fail("client " + std::to_string(c) + " not connected: " + std::to_string(client.status()) + " " +
                     client.error());
                return;
            }
            for (int i = 0; i < kMessages; ++i) {
                client.sendText(clientMessage(c, i));
                Received echo = client.receive(20000);
                if (!echo.isFrame() || echo.frame.payload != clientMessage(c, i)) {
                    fail("client " + std::to_string(c) + " message " + std::to_string(i) + ": " + toString(echo));
                    return;
                }
            }
            client.sendClose(1000, "bye");
            Received close = client.receiveOpcode(0x8, 20000);
            if (!close.isFrame()) {
                fail("client " + std::to_string(c) + " close: " + toString(close));
            }
        });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (const auto& f : failures) {
        ADD_FAILURE() << f;
    }
    ASSERT_TRUE(harness.waitForEnds(kClients, 20000));
    harness.stop();

    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), static_cast<size_t>(kClients));
    std::map<std::string, int> clientOfPath;
    for (int c = 0; c < kClients; ++c) {
        clientOfPath["/rtm?client=" + std::to_string(c)] = c;
    }
    for (const auto& s : sessions) {
        ASSERT_EQ(clientOfPath.count(s.path), 1u) << s.path;
        const int c = clientOfPath[s.path];
        EXPECT_EQ(s.close_code, 1000) << s.path;
        EXPECT_EQ(s.closed_by, "client") << s.path;
        int c2s = 0;
        for (const auto& row : harness.frames(s.id)) {
            if (row.dir == kC2S && row.op == kOpText) {
                EXPECT_EQ(row.payload, clientMessage(c, c2s)) << "session " << s.id << " " << describe(row);
                ++c2s;
            }
        }
        EXPECT_EQ(c2s, kMessages) << s.path;
    }
    expectUnbrokenSeqRuns(harness);
}

TEST(ProxyConcurrency, StuckClientDoesNotDelayAnotherSession) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    // One relay loop: the stuck session and the other one share its thread, so a relay that
    // waited on the stuck client (a blocking write, a loop that spins until it reads) would stop
    // the other session as well.
    ProxyHarness harness(upstream.url(), [](ProxyConfig& c) {
        c.closeGraceMs = 300;
        c.loops = 1;
    });

    // The stuck client connects first and never reads; its upstream floods it.
    auto stuck = std::make_unique<TestClient>(harness.port(), "/stuck");
    ASSERT_TRUE(stuck->open()) << stuck->status() << " " << stuck->error();
    ASSERT_TRUE(upstream.waitForConnections(1));
    std::atomic<int> floodSent{0};
    std::thread flood([&] {
        const std::string chunk = randomBytes(256 * 1024, 3);
        try {
            for (int i = 0; i < 256; ++i) {  // up to 64 MiB: far more than socket buffers hold
                upstream.sendBinary(chunk, 0);
                ++floodSent;
            }
        } catch (const std::exception&) {
            // The connection was shut down at the end of the test.
        }
    });
    // Let the flood get going (a bounded wait: the proxy may push back after the first chunks).
    for (int i = 0; i < 5000 && floodSent < 4; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    }

    // In a lambda, so that a failed assertion still reaches the clean-up below (the flood thread
    // must be joined, and the stuck client go, before the proxy can stop if its loop is stuck).
    [&] {
        ASSERT_GE(floodSent.load(), 4) << "the flood did not start: the stuck session was not stuck";
        TestClient other(harness.port(), "/other");
        ASSERT_TRUE(other.open()) << other.status() << " " << other.error();
        ASSERT_TRUE(upstream.waitForConnections(2));
        for (int i = 0; i < 200; ++i) {
            other.sendText("ping " + std::to_string(i));
            ASSERT_TRUE(upstream.waitForFrames(static_cast<size_t>(i) + 1, 1, 10000)) << "c2s message " << i;
            upstream.sendText("pong " + std::to_string(i), 1);
            Received r = other.receive(10000);
            ASSERT_TRUE(r.isFrame()) << "message " << i << ": " << toString(r);
            ASSERT_EQ(r.frame.payload, "pong " + std::to_string(i));
        }
        other.sendClose(1000, "");
        ASSERT_TRUE(other.receiveOpcode(0x8).isFrame());
        // The stuck session was alive all along: the other one did not get through because it ended.
        ASSERT_TRUE(harness.waitForEnds(1));
        int64_t stuckId = 0;
        for (const SessionInfo& s : harness.log().starts()) {
            stuckId = s.path == "/stuck" ? s.id : stuckId;
        }
        ASSERT_NE(stuckId, 0);
        for (const SessionEnd& e : harness.log().ends()) {
            EXPECT_NE(e.id, stuckId) << "the stuck session ended before the other one did: " << e.error;
        }
    }();

    upstream.drop(0);  // unblocks the flood
    flood.join();
    stuck.reset();
    harness.stop();
    upstream.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 2u);
    expectUnbrokenSeqRuns(harness);
}

}  // namespace
}  // namespace rtmtap::test
