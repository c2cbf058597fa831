// Hostile and broken peers (issue 11): each test runs one proxy with ONE relay loop, so that a loop
// stuck on the bad peer would stall everyone, and checks that a healthy session beside it keeps
// working (its round trips complete, its frames are recorded) while the bad one is handled.
#include "proxy/EndpointRoutes.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/Exception.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <functional>
#include <memory>
#include <thread>

namespace rtmtap::test {
namespace {

constexpr int kRoundTrips = 40;

// A proxy with one relay loop in front of two upstreams, reached through rtm.connect routes (as
// the login flow does): route 1 is an echo server for the healthy session, route 2 the upstream a
// test makes hostile.
class TwoUpstreams {
public:
    explicit TwoUpstreams(const std::string& hostileUrl, const std::function<void(ProxyConfig&)>& more = {})
        : routes_(std::make_shared<EndpointRoutes>()),
          healthyPath_(routes_->rewrite(echo_.url("/healthy"), "").value_or("?")),
          hostilePath_(routes_->rewrite(hostileUrl + "/hostile", "").value_or("?")),
          harness_(std::make_unique<ProxyHarness>("", [&](ProxyConfig& c) {
              c.upstream = "";
              c.routes = routes_;
              c.loops = 1;
              if (more) {
                  more(c);
              }
          })) {}

    ProxyHarness& harness() { return *harness_; }
    uint16_t port() const { return harness_->port(); }
    const std::string& healthyPath() const { return healthyPath_; }
    const std::string& hostilePath() const { return hostilePath_; }

private:
    TestUpstream echo_;
    std::shared_ptr<EndpointRoutes> routes_;
    std::string healthyPath_, hostilePath_;
    std::unique_ptr<ProxyHarness> harness_;
};

// The healthy session: round trips on demand, each echo checked; recorded frames checked at the end.
class HealthyClient {
public:
    explicit HealthyClient(TwoUpstreams& setup) : client_(setup.port(), setup.healthyPath()) {
        EXPECT_TRUE(client_.open()) << "healthy client: " << client_.status() << " " << client_.error();
    }

    void roundTrips(int n) {
        for (int i = 0; i < n && client_.open(); ++i) {
            const std::string text = "healthy " + std::to_string(sent_.size()) + " " + asciiText(100, uint32_t(i));
            client_.sendText(text);
            sent_.push_back(text);
            Received echo = client_.receive(20000);
            ASSERT_TRUE(echo.isFrame()) << "healthy round trip " << sent_.size() << ": " << toString(echo);
            ASSERT_EQ(echo.frame.payload, text);
        }
    }

    void close() {
        client_.sendClose(1000, "done");
        EXPECT_TRUE(client_.receiveOpcode(kOpClose, 20000).isFrame());
    }

    // After harness.stop(): the healthy session is recorded whole, each message both ways, in order.
    void expectRecorded(const ProxyHarness& harness, const std::string& path) const {
        bool found = false;
        for (const auto& s : harness.sessions()) {
            if (s.path != path) {
                continue;
            }
            found = true;
            EXPECT_EQ(s.close_code, 1000) << s.error;
            EXPECT_EQ(s.closed_by, "client");
            size_t c2s = 0, s2c = 0;
            for (const auto& row : harness.frames(s.id)) {
                if (row.op != kOpText) {
                    continue;
                }
                size_t& next = row.dir == kC2S ? c2s : s2c;
                ASSERT_LT(next, sent_.size()) << describe(row);
                EXPECT_EQ(row.payload, sent_[next]) << describe(row);
                ++next;
            }
            EXPECT_EQ(c2s, sent_.size());
            EXPECT_EQ(s2c, sent_.size());
        }
        EXPECT_TRUE(found) << "no healthy session recorded";
    }

private:
    TestClient client_;
    std::vector<std::string> sent_;
};

// Binary messages the upstream sends a client that does not read: count chunks of chunkSize bytes,
// chunk i being floodChunk(chunkSize, i), until stop or until the connection fails.
std::string floodChunk(size_t chunkSize, int i) {
    return randomBytes(chunkSize, uint32_t(i + 1));
}

class Flood {
public:
    Flood(TestUpstream& upstream, size_t conn, size_t chunkSize = 256 * 1024, int count = 1024)
        : upstream_(upstream) {
        thread_ = std::thread([this, conn, chunkSize, count] {
            try {
                for (int i = 0; i < count && !stop_; ++i) {
                    upstream_.sendBinary(floodChunk(chunkSize, i % 4), conn);
                    ++sent_;
                }
            } catch (const std::exception&) {
                // The connection was shut down: the test is over.
            }
        });
    }
    ~Flood() { join(); }

    // Waits until no chunk has gone out for a second (the proxy stopped reading), at most 60 s.
    int waitForStall() {
        int last = -1;
        auto quietSince = std::chrono::steady_clock::now();
        const auto deadline = quietSince + std::chrono::seconds(60);
        while (std::chrono::steady_clock::now() < deadline) {
            const int now = sent_;
            if (now != last) {
                last = now;
                quietSince = std::chrono::steady_clock::now();
            } else if (std::chrono::steady_clock::now() - quietSince > std::chrono::seconds(1)) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return sent_;
    }
    void join() {
        stop_ = true;
        if (thread_.joinable()) {
            thread_.join();
        }
    }

private:
    TestUpstream& upstream_;
    std::thread thread_;
    std::atomic<bool> stop_{false};
    std::atomic<int> sent_{0};
};

TestUpstream::Options quiet() {
    TestUpstream::Options options;
    options.echo = false;
    return options;
}

TEST(HostilePeer, ClientThatNeverReadsPausesOnlyItsOwnUpstream) {
    TestUpstream hostile(quiet());
    TwoUpstreams setup(hostile.url());
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    healthy.roundTrips(5);

    TestClient stuck(setup.port(), setup.hostilePath());  // never reads
    ASSERT_TRUE(stuck.open()) << stuck.status() << " " << stuck.error();
    ASSERT_TRUE(hostile.waitForConnections(1));
    Flood flood(hostile, 0);  // 256 MiB in 256 KiB messages
    healthy.roundTrips(kRoundTrips);  // while the flood fills every buffer on the way
    const int sent = flood.waitForStall();
    // 256 MiB would go through if the proxy read on; kernel buffers on loopback hold tens of MiB.
    EXPECT_LT(sent, 512) << "the upstream sent " << sent / 4 << " MiB: the proxy never stopped reading it";
    const ProxyStats stats = harness.proxy().stats();
    // 1 MiB waiting for the client pauses the upstream; a wake-up reads at most 1 MiB more.
    EXPECT_LE(stats.bufferedPeak, 4u << 20) << "the proxy buffered " << stats.bufferedPeak << " bytes for one session";
    EXPECT_GT(stats.bufferedBytes, 0u) << "nothing buffered: was the client flooded at all?";
    healthy.roundTrips(kRoundTrips);  // with the stuck session paused
    healthy.close();

    ASSERT_TRUE(harness.waitForEnds(1, 20000));
    // The stuck session lives on (what it holds may still be read): stop() closes it.
    hostile.drop(0);
    flood.join();
    harness.stop();
    EXPECT_EQ(harness.proxy().stats().bufferedBytes, 0u) << "ended sessions gave their bytes back";
    healthy.expectRecorded(harness, setup.healthyPath());
    expectUnbrokenSeqRuns(harness);
}

// --max-buffered: several clients that stop reading, a budget that holds less than they would
// each buffer. Together they stay within it (plus one message, the overdraft), the healthy session
// goes on in the share kept for sessions that hold little, and once they read they get everything.
TEST(HostilePeer, SlowReadersTogetherStayWithinMaxBuffered) {
    constexpr size_t kBudget = 1 << 20;
    constexpr size_t kMessage = 256 << 10;
    constexpr size_t kChunk = 64 << 10;
    constexpr int kChunks = 256;  // 16 MiB each: far more than the budget
    constexpr int kSlow = 4;
    TestUpstream hostile(quiet());
    TwoUpstreams setup(hostile.url(), [](ProxyConfig& c) {
        c.maxBuffered = kBudget;
        c.maxMessage = kMessage;
    });
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    std::vector<std::unique_ptr<TestClient>> slow;
    std::vector<std::unique_ptr<Flood>> floods;
    for (int i = 0; i < kSlow; ++i) {
        slow.push_back(std::make_unique<TestClient>(setup.port(), setup.hostilePath()));
        ASSERT_TRUE(slow.back()->open()) << slow.back()->status() << " " << slow.back()->error();
        ASSERT_TRUE(hostile.waitForConnections(size_t(i) + 1));
        floods.push_back(std::make_unique<Flood>(hostile, size_t(i), kChunk, kChunks));
    }
    healthy.roundTrips(kRoundTrips);  // while the slow readers fill the budget
    for (auto& flood : floods) {
        flood->waitForStall();  // kernel buffers on loopback may take it all: the proxy's count tells
    }
    const ProxyStats stats = harness.proxy().stats();
    // Alone, each session would buffer over 1 MiB (it pauses at 1 MiB waiting for its client).
    EXPECT_GE(stats.bufferedBytes, kBudget / 2) << "the budget was never under pressure: the test shows nothing";
    EXPECT_LE(stats.bufferedPeak, kBudget + kMessage);
    healthy.roundTrips(kRoundTrips);  // with the budget spent by the slow readers

    for (int i = 0; i < kSlow; ++i) {
        for (int k = 0; k < kChunks; ++k) {
            Received r = slow[size_t(i)]->receive(30000);
            ASSERT_TRUE(r.isFrame()) << "slow reader " << i << " message " << k << ": " << toString(r);
            ASSERT_TRUE(r.frame.payload == floodChunk(kChunk, k % 4)) << "slow reader " << i << " message " << k;
        }
        slow[size_t(i)]->sendClose(1000, "read it all");
        EXPECT_TRUE(slow[size_t(i)]->receiveOpcode(kOpClose).isFrame());
    }
    healthy.close();
    ASSERT_TRUE(harness.waitForEnds(size_t(kSlow) + 1, 20000));
    harness.stop();
    EXPECT_LE(harness.proxy().stats().bufferedPeak, kBudget + kMessage);
    for (const auto& s : harness.sessions()) {
        EXPECT_EQ(s.close_code, 1000) << s.path << " " << s.error;
        if (s.path == setup.hostilePath()) {
            int binary = 0;
            for (const auto& row : harness.frames(s.id)) {
                binary += row.op == kOpBinary && !row.has(MessageFlag::Dropped) ? 1 : 0;
            }
            EXPECT_EQ(binary, kChunks) << "session " << s.id;
        }
    }
    healthy.expectRecorded(harness, setup.healthyPath());
    expectUnbrokenSeqRuns(harness);
}

// Messages begun by several sessions at once can together hold more than --max-buffered before any
// is complete: the overdraft lets them finish one after the other instead of waiting on each other.
TEST(HostilePeer, MessagesBegunAtOnceAllFinishUnderATightBudget) {
    constexpr size_t kBudget = 1 << 20;
    constexpr size_t kHalf = 384 << 10;
    constexpr int kSenders = 3;  // 3 x 384 KiB begun: more than the budget
    TestUpstream hostile(quiet());
    TwoUpstreams setup(hostile.url(), [](ProxyConfig& c) {
        c.maxBuffered = kBudget;
        c.maxMessage = 2 * kHalf;
    });
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    std::vector<std::unique_ptr<TestClient>> senders;
    for (int i = 0; i < kSenders; ++i) {
        senders.push_back(std::make_unique<TestClient>(setup.port(), setup.hostilePath()));
        ASSERT_TRUE(senders.back()->open()) << senders.back()->status() << " " << senders.back()->error();
        ASSERT_TRUE(hostile.waitForConnections(size_t(i) + 1));
    }
    auto half = [&](int i, int part) { return floodChunk(kHalf, 2 * i + part); };
    std::vector<std::thread> threads;
    for (int i = 0; i < kSenders; ++i) {
        threads.emplace_back([&, i] { senders[size_t(i)]->sendRaw(0x02, half(i, 0)); });
    }
    for (auto& t : threads) {
        t.join();
    }
    threads.clear();
    healthy.roundTrips(5);
    for (int i = 0; i < kSenders; ++i) {
        threads.emplace_back([&, i] { senders[size_t(i)]->sendRaw(0x80, half(i, 1)); });
    }
    for (auto& t : threads) {
        t.join();
    }
    for (int i = 0; i < kSenders; ++i) {
        ASSERT_TRUE(hostile.waitForFrames(1, size_t(i), 30000)) << "sender " << i << "'s message never arrived";
        EXPECT_TRUE(hostile.frames(size_t(i))[0].payload == half(i, 0) + half(i, 1)) << "sender " << i;
    }
    healthy.roundTrips(5);
    EXPECT_LE(harness.proxy().stats().bufferedPeak, kBudget + 2 * kHalf);
}

// An upstream that never completes a TCP connect: its accept queue is full and it never accepts,
// so the kernel drops further SYNs.
class NeverAccepts {
public:
    NeverAccepts() : server_(Poco::Net::SocketAddress("127.0.0.1", 0), 0) {
        for (auto& filler : fillers_) {
            try {
                filler.connect(server_.address(), Poco::Timespan(0, 200000));
            } catch (const Poco::Exception&) {
                // Once the queue is full a connect times out: that is the point.
            }
        }
    }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(server_.address().port()); }

private:
    Poco::Net::ServerSocket server_;
    Poco::Net::StreamSocket fillers_[2];
};

void blackHoleKeepsOthersGoing(const std::string& hostileUrl, const char* errorPart) {
    TwoUpstreams setup(hostileUrl, [](ProxyConfig& c) {
        c.connectTimeoutMs = 1500;
        c.handshakeTimeoutMs = 1500;
    });
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    healthy.roundTrips(5);

    constexpr int kHoles = 8;
    std::atomic<int> gateway{0};
    std::vector<std::thread> holes;
    for (int i = 0; i < kHoles; ++i) {
        holes.emplace_back([&] {
            TestClient hole(setup.port(), setup.hostilePath(), {}, {}, 20000);
            gateway += hole.status() == 504 ? 1 : 0;
        });
    }
    healthy.roundTrips(kRoundTrips);  // while the upgrades wait on the black hole
    for (auto& t : holes) {
        t.join();
    }
    EXPECT_EQ(gateway, kHoles) << "every client of the black hole gets 504";
    healthy.roundTrips(5);
    healthy.close();
    ASSERT_TRUE(harness.waitForEnds(1, 20000));
    harness.stop();

    int recorded = 0;
    for (const auto& s : harness.sessions()) {
        if (s.path == setup.hostilePath()) {
            ++recorded;
            EXPECT_EQ(s.http_status, 504);
            EXPECT_NE(s.error.find(errorPart), std::string::npos) << s.error;
        }
    }
    EXPECT_EQ(recorded, kHoles);
    healthy.expectRecorded(harness, setup.healthyPath());
}

TEST(HostilePeer, UpstreamThatAcceptsAndNeverAnswersGives504) {
    TestUpstream::Options options;
    options.mode = TestUpstream::Mode::NeverAnswer;
    TestUpstream hole(options);
    blackHoleKeepsOthersGoing(hole.url(), "did not answer");
}

TEST(HostilePeer, UpstreamThatNeverAcceptsGives504) {
    NeverAccepts hole;
    blackHoleKeepsOthersGoing(hole.url(), "did not accept the connection in time");
}

// The message as 1-byte frames: a text frame, continuations, FIN on the last; masked.
std::string oneByteFragments(const std::string& message) {
    const uint8_t mask[4] = {0x37, 0xfa, 0x21, 0x3d};
    std::string wire;
    wire.reserve(message.size() * 7);
    for (size_t i = 0; i < message.size(); ++i) {
        const bool last = i + 1 == message.size();
        wire.push_back(static_cast<char>((last ? 0x80 : 0x00) | (i == 0 ? 0x01 : 0x00)));
        wire.push_back(static_cast<char>(0x81));  // masked, 1 byte
        wire.append(reinterpret_cast<const char*>(mask), 4);
        wire.push_back(static_cast<char>(message[i] ^ mask[0]));
    }
    return wire;
}

constexpr size_t kMaxMessage = 1 << 20;

// Sends the message in 1-byte fragments from a thread while the healthy session does round trips.
void sendInOneByteFragments(HealthyClient& healthy, RawWsClient& raw, const std::string& message) {
    const std::string wire = oneByteFragments(message);
    std::thread sender([&] {
        try {
            raw.sendBytes(wire);
        } catch (const Poco::Exception&) {
            // Closed by the proxy (1009) before all went out.
        }
    });
    healthy.roundTrips(kRoundTrips);
    sender.join();
}

TEST(HostilePeer, MessageInOneByteFragmentsUpToTheLimitIsRelayedAsOne) {
    TestUpstream hostile(quiet());
    TwoUpstreams setup(hostile.url(), [](ProxyConfig& c) { c.maxMessage = kMaxMessage; });
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    RawWsClient raw(setup.port(), setup.hostilePath());
    ASSERT_EQ(raw.status(), 101);

    const std::string message = asciiText(kMaxMessage, 5);  // exactly --max-message
    sendInOneByteFragments(healthy, raw, message);
    ASSERT_TRUE(hostile.waitForFrames(1, 0, 60000));
    const WsFrame got = hostile.frames()[0];
    EXPECT_EQ(got.flags, kText) << "one whole frame";
    EXPECT_TRUE(got.payload == message) << "the upstream got " << got.payload.size() << " bytes, not the message";
    raw.sendFrame(kClose, closePayload(1000, ""));
    EXPECT_TRUE(raw.receiveOpcode(kOpClose).isFrame());
    healthy.close();
    ASSERT_TRUE(harness.waitForEnds(2, 20000));
    EXPECT_LE(harness.proxy().stats().bufferedPeak, 4 * kMaxMessage);
    harness.stop();

    for (const auto& s : harness.sessions()) {
        if (s.path != setup.hostilePath()) {
            continue;
        }
        auto rows = harness.frames(s.id);
        ASSERT_GE(rows.size(), 1u);
        EXPECT_EQ(rows[0].op, kOpText);
        EXPECT_EQ(rows[0].size, int64_t(kMaxMessage));
        EXPECT_TRUE(rows[0].has(MessageFlag::Fragmented)) << describe(rows[0]);
        EXPECT_TRUE(rows[0].payload == message) << "recorded " << rows[0].payload.size() << " bytes";
    }
    healthy.expectRecorded(harness, setup.healthyPath());
    expectUnbrokenSeqRuns(harness);
}

TEST(HostilePeer, MessageInOneByteFragmentsOverTheLimitCloses1009) {
    TestUpstream hostile(quiet());
    TwoUpstreams setup(hostile.url(), [](ProxyConfig& c) { c.maxMessage = kMaxMessage; });
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    RawWsClient raw(setup.port(), setup.hostilePath());
    ASSERT_EQ(raw.status(), 101);

    sendInOneByteFragments(healthy, raw, asciiText(kMaxMessage + 1, 6));
    Received close = raw.receiveOpcode(kOpClose, 60000);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1009);
    auto upClose = hostile.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose);
    EXPECT_EQ(upClose->closeCode(), 1009);
    EXPECT_EQ(hostile.frames().size(), 1u) << "only the close reached the upstream";
    healthy.close();
    ASSERT_TRUE(harness.waitForEnds(2, 20000));
    harness.stop();

    bool oversize = false;
    for (const auto& s : harness.sessions()) {
        if (s.path != setup.hostilePath()) {
            continue;
        }
        EXPECT_EQ(s.close_code, 1009);
        for (const auto& row : harness.frames(s.id)) {
            if (row.has(MessageFlag::Oversize)) {
                oversize = true;
                EXPECT_EQ(row.size, int64_t(kMaxMessage + 1)) << describe(row);
                EXPECT_TRUE(row.has(MessageFlag::Fragmented)) << describe(row);
            }
        }
    }
    EXPECT_TRUE(oversize) << "no row flagged oversize";
    healthy.expectRecorded(harness, setup.healthyPath());
}

TEST(HostilePeer, PingsAndPongsInsideAFragmentedMessageAreRelayedAndAnswered) {
    TestUpstream::Options options;
    options.answerPings = true;  // echo on too
    TestUpstream hostile(options);
    TwoUpstreams setup(hostile.url());
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    TestClient client(setup.port(), setup.hostilePath());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendRaw(0x01, "Hel");
    client.sendRaw(kPing, "p1");
    client.sendRaw(0x00, "lo");
    client.sendRaw(kPong, "unsolicited");
    client.sendRaw(0x00, ", wor");
    client.sendRaw(kPing, "p2");
    client.sendRaw(0x80, "ld");
    std::vector<std::pair<int, std::string>> got;
    for (int i = 0; i < 3; ++i) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        got.emplace_back(r.frame.flags, r.frame.payload);
    }
    EXPECT_EQ(got[0], std::make_pair(kPong, std::string("p1"))) << "the upstream's answer to the first ping";
    EXPECT_EQ(got[1], std::make_pair(kPong, std::string("p2")));
    EXPECT_EQ(got[2], std::make_pair(kText, std::string("Hello, world"))) << "the message, whole, echoed";
    auto up = hostile.frames();
    ASSERT_EQ(up.size(), 4u);
    EXPECT_EQ(up[0].flags, kPing);
    EXPECT_EQ(up[1].flags, kPong);
    EXPECT_EQ(up[1].payload, "unsolicited");
    EXPECT_EQ(up[2].flags, kPing);
    EXPECT_EQ(up[3].flags, kText);
    EXPECT_EQ(up[3].payload, "Hello, world");
    healthy.roundTrips(5);

    // A close inside a fragmented message ends the session: relayed, answered, nothing more sent.
    client.sendRaw(0x02, "never finished");
    client.sendClose(1000, "bye");
    Received reply = client.receiveOpcode(kOpClose);
    ASSERT_TRUE(reply.isFrame()) << toString(reply);
    EXPECT_EQ(reply.frame.closeCode(), 1000);
    auto upClose = hostile.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose);
    EXPECT_EQ(upClose->closeReason(), "bye");
    healthy.close();
    ASSERT_TRUE(harness.waitForEnds(2));
    harness.stop();

    for (const auto& s : harness.sessions()) {
        if (s.path != setup.hostilePath()) {
            continue;
        }
        EXPECT_EQ(s.close_code, 1000);
        EXPECT_EQ(s.closed_by, "client");
        std::vector<std::pair<int64_t, int64_t>> rows;  // dir, op
        for (const auto& row : harness.frames(s.id)) {
            rows.emplace_back(row.dir, row.op);
            if (row.op == kOpText) {
                EXPECT_EQ(row.payload, "Hello, world") << describe(row);
                EXPECT_EQ(row.has(MessageFlag::Fragmented), row.dir == kC2S) << describe(row);
            }
            if (row.op == kOpBinary) {  // the message the close cut off, recorded when the session ended
                EXPECT_EQ(row.payload, "never finished") << describe(row);
                EXPECT_TRUE(row.has(MessageFlag::Incomplete) && row.has(MessageFlag::Dropped)) << describe(row);
            }
        }
        const std::vector<std::pair<int64_t, int64_t>> c2sExpected = {
            {kC2S, kOpPing}, {kC2S, kOpPong}, {kC2S, kOpPing}, {kC2S, kOpText}, {kC2S, kOpClose}, {kC2S, kOpBinary}};
        std::vector<std::pair<int64_t, int64_t>> c2s;
        for (const auto& r : rows) {
            if (r.first == kC2S) {
                c2s.push_back(r);
            }
        }
        EXPECT_EQ(c2s, c2sExpected) << "the client's frames, recorded in the order they went on";
    }
    healthy.expectRecorded(harness, setup.healthyPath());
    expectUnbrokenSeqRuns(harness);
}

struct Garbage {
    const char* name;
    std::string afterHead;  // glued to the upgrade request: arrives with it
    std::string afterUpgrade;
};

void PrintTo(const Garbage& g, std::ostream* os) {
    *os << g.name;
}

class HostileGarbage : public ::testing::TestWithParam<Garbage> {};

TEST_P(HostileGarbage, ClosesBothSidesWith1002AndIsRecorded) {
    TestUpstream hostile(quiet());
    TwoUpstreams setup(hostile.url());
    ProxyHarness& harness = setup.harness();
    HealthyClient healthy(setup);
    RawWsClient raw(setup.port(), setup.hostilePath(), GetParam().afterHead);
    ASSERT_EQ(raw.status(), 101);
    raw.sendBytes(GetParam().afterUpgrade);

    Received close = raw.receiveOpcode(kOpClose);
    ASSERT_TRUE(close.isFrame()) << toString(close);
    EXPECT_EQ(close.frame.closeCode(), 1002);
    auto upClose = hostile.waitForOpcode(kOpClose);
    ASSERT_TRUE(upClose) << "the upstream got no close frame";
    EXPECT_EQ(upClose->closeCode(), 1002);
    EXPECT_EQ(hostile.frames().front().opcode(), kOpClose) << "nothing of the garbage was relayed";
    healthy.roundTrips(kRoundTrips);
    healthy.close();
    ASSERT_TRUE(harness.waitForEnds(2));
    harness.stop();

    bool found = false;
    for (const auto& s : harness.sessions()) {
        if (s.path != setup.hostilePath()) {
            continue;
        }
        found = true;
        EXPECT_EQ(s.close_code, 1002);
        EXPECT_EQ(s.closed_by, "proxy");
        EXPECT_NE(s.error.find("violated the WebSocket protocol"), std::string::npos) << s.error;
        int closes = 0;
        for (const auto& row : harness.frames(s.id)) {
            closes += row.op == kOpClose && row.has(MessageFlag::Synthetic) ? 1 : 0;
        }
        EXPECT_EQ(closes, 2) << "the proxy's 1002 to each side is recorded";
    }
    EXPECT_TRUE(found);
    healthy.expectRecorded(harness, setup.healthyPath());
    expectUnbrokenSeqRuns(harness);
}

INSTANTIATE_TEST_SUITE_P(
    AfterTheUpgrade, HostileGarbage,
    ::testing::Values(Garbage{"unmasked", "", RawWsClient::frame(kText, "not masked", false)},
                      Garbage{"rsv", "", RawWsClient::frame(0xC1, "deflated?")},
                      Garbage{"opcode", "", RawWsClient::frame(0x85, "opcode 5")},
                      Garbage{"withTheHead", RawWsClient::frame(0xB1, "rsv3, glued to the request"), ""},
                      Garbage{"http", "", "GET / HTTP/1.1\r\nHost: x\r\n\r\n"},
                      Garbage{"junk", "", std::string(40, '\xff')}),
    [](const ::testing::TestParamInfo<Garbage>& info) { return std::string(info.param.name); });

}  // namespace
}  // namespace rtmtap::test
