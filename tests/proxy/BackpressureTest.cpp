// The proxy with a recorder that falls behind (issue 11): a database locked by another process, or
// a writer slower than the traffic. With --when-behind pause only the sessions that send are
// paused (their sockets are not read), every other session on the same loop goes on, and nothing
// is lost; with --when-behind relay the traffic never waits and what was not recorded is a gap row.
#include "tests/support/Eventually.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/SqliteLock.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <cstdio>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

// The producer's round trips run beside a locked or slow database: a minute for each wait.
template <typename Pred>
bool withinAMinute(Pred pred) {
    return eventually(pred, std::chrono::seconds(60));
}

// Polls cond until it holds or a generous deadline passes (no assertion about how fast).
// A client doing echo round trips of 1000-byte text frames on its own thread until stopped.
class Producer {
public:
    explicit Producer(uint16_t port) : client_(port, "/producer") {}
    ~Producer() { stop(); }

    bool open() const { return client_.open(); }
    void start() {
        thread_ = std::thread([this] {
            while (!stop_) {
                const std::string text = std::to_string(trips_.load()) + " " + std::string(1000, 'p');
                client_.sendText(text);
                Received r = client_.receive(60000);
                if (!r.isFrame() || r.frame.payload != text) {
                    failed_ = true;
                    return;
                }
                ++trips_;
            }
        });
    }
    void stop() {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }
    int trips() const { return trips_.load(); }
    bool failed() const { return failed_.load(); }
    TestClient& client() { return client_; }

private:
    TestClient client_;
    std::thread thread_;
    std::atomic<bool> stop_{false}, failed_{false};
    std::atomic<int> trips_{0};
};

// Pings from the idle client, each answered by the upstream, then the close handshake.
void pingsAndClose(TestClient& idle) {
    for (int i = 0; i < 3; ++i) {
        idle.sendPing("idle-" + std::to_string(i));
        Received pong = idle.receiveOpcode(kOpPong, 30000);
        ASSERT_TRUE(pong.isFrame()) << toString(pong);
        EXPECT_EQ(pong.frame.payload, "idle-" + std::to_string(i));
    }
    idle.sendClose(1000, "done");
    Received close = idle.receiveOpcode(kOpClose, 30000);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1000);
}

TestUpstream::Options pongingEcho() {
    TestUpstream::Options options;
    options.answerPings = true;
    return options;
}

TEST(BackpressureTest, ALockedDatabasePausesOnlyTheSenderWhileAnIdleSessionOnTheSameLoopGoesOn) {
    if (SqliteLock::shell().empty()) {
        GTEST_SKIP() << "the sqlite3 shell is not installed (scripts/install-deps installs it)";
    }
    TestUpstream upstream(pongingEcho());
    testing::internal::CaptureStderr();
    ProxyHarness harness(
        upstream.url(), [](ProxyConfig& c) { c.loops = 1; },
        [](RecorderOptions& o) { o.queueLimitBytes = 64 << 10; });
    Producer producer(harness.port());
    TestClient idle(harness.port(), "/idle");
    ASSERT_TRUE(producer.open() && idle.open());
    idle.sendText("hello");
    ASSERT_TRUE(idle.receive().isFrame());

    SqliteLock lock(harness.dbPath());
    ASSERT_TRUE(lock.held()) << lock.output();
    producer.start();
    ASSERT_TRUE(withinAMinute([&] { return harness.recorder().stats().timesBehind > 0; })) << "never fell behind";
    // From here the lock lets nothing be committed, so the queue cannot empty: the producer gets
    // at most the round trip it was in.
    const int pausedAt = producer.trips();
    pingsAndClose(idle);
    EXPECT_TRUE(harness.waitForEnds(1)) << "the idle session's close did not complete";
    EXPECT_LE(producer.trips(), pausedAt + 1) << "the producer was not paused";
    EXPECT_FALSE(producer.failed());
    // Held until the writer has met the lock (its busy wait is short, its retries are not).
    EXPECT_TRUE(withinAMinute([&] { return harness.recorder().stats().writeStalls > 0; }));
    EXPECT_LE(producer.trips(), pausedAt + 1) << "the producer was not paused";
    lock.release();
    EXPECT_TRUE(withinAMinute([&] { return producer.trips() >= pausedAt + 100; })) << "the producer did not resume";
    producer.stop();
    ASSERT_FALSE(producer.failed());
    producer.client().sendClose(1000, "");
    EXPECT_TRUE(producer.client().receiveOpcode(kOpClose, 30000).isFrame());
    EXPECT_TRUE(harness.waitForEnds(2));
    harness.stop();
    const std::string err = testing::internal::GetCapturedStderr();

    EXPECT_EQ(occurrences(err, "' is locked by another process: waiting, "), 1u) << err;
    EXPECT_EQ(occurrences(err, "' free again after "), 1u) << err;
    RecorderStats stats = harness.recorder().stats();
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(stats.framesNotRecorded, 0u);
    // Everything the relay announced is in the database, in unbroken runs.
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames"), static_cast<int64_t>(harness.log().messages().size()));
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM (SELECT session FROM frames GROUP BY session "
                               "HAVING count(*) <> max(seq) OR min(seq) <> 1)"),
              0);
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames f JOIN sessions s ON s.id = f.session "
                               "WHERE s.path = '/producer' AND f.op = 1"),
              2 * producer.trips());
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames f JOIN sessions s ON s.id = f.session "
                               "WHERE s.path = '/idle' AND f.op IN (9, 10)"),
              6);
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM sessions WHERE ended_us IS NOT NULL"), 2);
}

TEST(BackpressureTest, WhenBehindRelayTheTrafficNeverWaitsAndAGapRowSaysWhatWasNotRecorded) {
    if (SqliteLock::shell().empty()) {
        GTEST_SKIP() << "the sqlite3 shell is not installed (scripts/install-deps installs it)";
    }
    TestUpstream upstream(pongingEcho());
    testing::internal::CaptureStderr();
    ProxyHarness harness(
        upstream.url(), [](ProxyConfig& c) { c.loops = 1; },
        [](RecorderOptions& o) {
            o.queueLimitBytes = 64 << 10;
            o.whenBehind = WhenBehind::Relay;
        });
    Producer producer(harness.port());
    TestClient idle(harness.port(), "/idle");
    ASSERT_TRUE(producer.open() && idle.open());
    producer.start();
    ASSERT_TRUE(withinAMinute([&] { return producer.trips() >= 20; }));
    {
        SqliteLock lock(harness.dbPath());
        ASSERT_TRUE(lock.held()) << lock.output();
        ASSERT_TRUE(withinAMinute([&] { return harness.recorder().stats().framesNotRecorded > 0; }));
        // Still locked: the traffic goes on regardless.
        const int lockedAt = producer.trips();
        EXPECT_TRUE(withinAMinute([&] { return producer.trips() >= lockedAt + 300; })) << "the traffic stalled";
        pingsAndClose(idle);
        lock.release();
    }
    const int releasedAt = producer.trips();
    EXPECT_TRUE(withinAMinute([&] { return producer.trips() >= releasedAt + 50; }));
    producer.stop();
    ASSERT_FALSE(producer.failed());
    producer.client().sendClose(1000, "");
    EXPECT_TRUE(producer.client().receiveOpcode(kOpClose, 30000).isFrame());
    EXPECT_TRUE(harness.waitForEnds(2));
    harness.stop();
    testing::internal::GetCapturedStderr();

    const int64_t session =
        harness.queryInt("SELECT id FROM sessions WHERE path = '/producer'");
    // What the relay announced for the producer, by seq: each frame is either recorded or in a gap.
    std::map<int64_t, uint64_t> announced;
    for (const Message& m : harness.log().messages()) {
        if (m.session == session) {
            announced[m.seq] = m.size;
        }
    }
    ASSERT_GE(harness.queryInt("SELECT count(*) FROM gaps WHERE session = " + std::to_string(session)), 1);
    int64_t gapFrames = 0;
    auto gaps = harness.queryText("SELECT group_concat(first_seq || ':' || last_seq || ':' || frames || ':' || bytes, ' ') "
                                  "FROM gaps WHERE session = " + std::to_string(session));
    std::istringstream in(gaps);
    std::string item;
    while (in >> item) {
        int64_t first = 0, last = 0, frames = 0, bytes = 0;
        ASSERT_EQ(std::sscanf(item.c_str(), "%lld:%lld:%lld:%lld", reinterpret_cast<long long*>(&first),
                              reinterpret_cast<long long*>(&last), reinterpret_cast<long long*>(&frames),
                              reinterpret_cast<long long*>(&bytes)),
                  4)
            << item;
        EXPECT_EQ(frames, last - first + 1) << item;
        int64_t expectBytes = 0;
        for (int64_t seq = first; seq <= last; ++seq) {
            ASSERT_TRUE(announced.count(seq)) << "seq " << seq << " of gap " << item << " was never announced";
            expectBytes += static_cast<int64_t>(announced[seq]);
        }
        EXPECT_EQ(bytes, expectBytes) << item;
        EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames WHERE session = " + std::to_string(session) +
                                   " AND seq BETWEEN " + std::to_string(first) + " AND " + std::to_string(last)),
                  0)
            << "recorded inside gap " << item;
        gapFrames += frames;
    }
    // Every other frame is there.
    EXPECT_EQ(harness.queryInt("SELECT count(DISTINCT seq) FROM frames WHERE session = " + std::to_string(session)) +
                  gapFrames,
              static_cast<int64_t>(announced.size()));
    RecorderStats stats = harness.recorder().stats();
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_GE(stats.framesNotRecorded, static_cast<uint64_t>(gapFrames));
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM sessions WHERE ended_us IS NOT NULL"), 2)
        << "session ends are always recorded";
}

TEST(BackpressureTest, ASlowWriterKeepsWhatTheRecorderHoldsUnderTheStatedBound) {
    constexpr size_t kLimit = 256 << 10;
    constexpr size_t kMaxMessage = 64 << 10;
    constexpr int kClients = 4, kBursts = 40, kBurst = 20;
    constexpr size_t kFrame = 2000;
    TestUpstream upstream;
    ProxyHarness harness(
        upstream.url(),
        [](ProxyConfig& c) {
            c.loops = 2;
            c.maxMessage = kMaxMessage;
        },
        [](RecorderOptions& o) {
            o.queueLimitBytes = kLimit;
            o.batchRows = 50;
            o.testCommitDelayMs = 20;  // at most ~2,500 rows a second
        });
    std::vector<std::unique_ptr<TestClient>> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(std::make_unique<TestClient>(harness.port(), "/c" + std::to_string(i)));
        ASSERT_TRUE(clients.back()->open());
    }
    std::vector<std::thread> threads;
    std::atomic<bool> failed{false};
    for (auto& c : clients) {
        threads.emplace_back([&c, &failed] {
            for (int b = 0; b < kBursts && !failed; ++b) {
                for (int i = 0; i < kBurst; ++i) {
                    c->sendBinary(std::string(kFrame, static_cast<char>('a' + i)));
                }
                for (int i = 0; i < kBurst; ++i) {
                    if (!c->receive(60000).isFrame()) {
                        failed = true;
                        return;
                    }
                }
            }
        });
    }
    for (std::thread& t : threads) {
        t.join();
    }
    ASSERT_FALSE(failed);
    for (auto& c : clients) {
        c->sendClose(1000, "");
        EXPECT_TRUE(c->receiveOpcode(kOpClose, 30000).isFrame());
    }
    EXPECT_TRUE(harness.waitForEnds(kClients));
    harness.stop();
    RecorderStats stats = harness.recorder().stats();
    EXPECT_GT(stats.timesBehind, 0u) << "the writer was never behind: the test proves nothing";
    // proxy/Relay.h: the limit, plus for each side one read round (1 MiB from the socket, each
    // message costing 256 B more, plus a message completed from earlier bytes, at most
    // --max-message), plus 32 control frames a side.
    // Here every data message is a kFrame-byte frame, so a round holds at most kRound / kFrame + 1.
    constexpr size_t kRound = (1u << 20) + kMaxMessage;
    constexpr size_t perSide = kRound + (kRound / kFrame + 1) * 256 + 32 * (125 + 256);
    EXPECT_LE(stats.peakHeldBytes, kLimit + 2 * kClients * perSide)
        << "limit " << kLimit << ", " << 2 * kClients << " sides of at most " << perSide << " bytes";
    // And what that means for this traffic: a side never has more than one burst to read, so
    // past the limit each side adds at most one burst's records.
    constexpr size_t burstCost = 256 + kBurst * (kFrame + 256);  // one batch record of a burst
    EXPECT_LE(stats.peakHeldBytes, kLimit + 2 * kClients * burstCost)
        << "limit " << kLimit << ", " << 2 * kClients << " sides of one burst (" << burstCost << " bytes) each";
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames WHERE op = 2"), 2 * kClients * kBursts * kBurst);
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM (SELECT session FROM frames GROUP BY session "
                               "HAVING count(*) <> max(seq) OR min(seq) <> 1)"),
              0);
}

}  // namespace
}  // namespace rtmtap::test
