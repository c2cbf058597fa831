// The filter answers beyond continue/drop/hold/replace: messages added around one (before, after,
// later, the other way), closing the session as one side, and holds a controller ends early.
// Through a real relay on loopback; the records are read back from the store.
#include "protocol/Message.h"
#include "proxy/FilterChain.h"
#include "tests/support/FilterTestKit.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

FilterInsert insert(Direction dir, const std::string& text, bool before, int afterMs = 0) {
    FilterInsert i;
    i.dir = dir;
    i.op = Opcode::Text;
    i.payload = text;
    i.before = before;
    i.afterMs = afterMs;
    return i;
}

std::vector<std::string> receiveTexts(TestClient& client, size_t n) {
    std::vector<std::string> got;
    while (got.size() < n) {
        Received r = client.receive();
        if (!r.isFrame()) {
            ADD_FAILURE() << "after " << got.size() << " frames: " << toString(r);
            break;
        }
        got.push_back(r.frame.payload);
    }
    return got;
}

TestUpstream::Options silentUpstream() {
    TestUpstream::Options options;
    options.echo = false;
    return options;
}

// A client connected through a proxy with these filters to an upstream that does not echo, the
// session live in its relay loop (so that releases and injections do not race the hand-over).
struct FilteredLine {
    explicit FilteredLine(std::vector<ScriptedFilter::Rule> rules)
        : upstream(silentUpstream()), harness(upstream.url(), withFilters(std::move(rules))), client(harness.port()) {}

    ::testing::AssertionResult open() {
        if (!client.open()) {
            return ::testing::AssertionFailure() << client.status() << " " << client.error();
        }
        if (!upstream.waitForConnections(1) || !waitLive(harness)) {
            return ::testing::AssertionFailure() << "the session did not reach its relay loop";
        }
        return ::testing::AssertionSuccess();
    }

    TestUpstream upstream;
    ProxyHarness harness;
    TestClient client;
};

// "wait" is held under token 1 until the test releases it (60 s at most).
FilterResult holdWaitUnderToken1(const FilterContext&, const Message& m) {
    return m.payload == "wait" ? FilterResult::hold(60000, 1) : FilterResult{};
}

TEST(FilterActions, InsertsGoBeforeAfterAndTheOtherWay) {
    FilteredLine line({[](const FilterContext&, const Message& m) {
                             FilterResult r;
                             if (m.payload == "mark") {
                                 r.inserts = {insert(Direction::ServerToClient, "before", true),
                                              insert(Direction::ServerToClient, "after", false),
                                              insert(Direction::ClientToServer, "to server", false)};
                             }
                             return r;
                         }});
    ASSERT_TRUE(line.open());
    TestUpstream& upstream = line.upstream;
    ProxyHarness& harness = line.harness;
    TestClient& client = line.client;
    upstream.sendText("mark");
    EXPECT_EQ(receiveTexts(client, 3), (std::vector<std::string>{"before", "mark", "after"}));
    ASSERT_TRUE(upstream.waitForFrames(1));
    EXPECT_EQ(payloads(upstream.frames()), std::vector<std::string>{"to server"});
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(1);
    const FrameRecord* mark = findFrame(rows, "mark");
    ASSERT_NE(mark, nullptr);
    EXPECT_EQ(relayFlags(*mark), 0) << "the answered frame went on as it came: " << describe(*mark);
    for (const char* text : {"before", "after", "to server"}) {
        const FrameRecord* f = findFrame(rows, text);
        ASSERT_NE(f, nullptr) << text;
        EXPECT_EQ(relayFlags(*f), int64_t(MessageFlag::Injected)) << describe(*f);
    }
    EXPECT_EQ(findFrame(rows, "to server")->dir, 0);
    EXPECT_LT(findFrame(rows, "before")->seq, mark->seq);
    EXPECT_GT(findFrame(rows, "after")->seq, mark->seq);
}

// An insert due later does not hold up its direction: what comes meanwhile goes out first.
TEST(FilterActions, ALaterInsertLetsOthersPass) {
    FilteredLine line({[](const FilterContext&, const Message& m) {
                             FilterResult r;
                             if (m.payload == "auth") {
                                 r.inserts = {insert(Direction::ServerToClient, "later", false, 300)};
                             }
                             return r;
                         }});
    ASSERT_TRUE(line.open());
    TestUpstream& upstream = line.upstream;
    ProxyHarness& harness = line.harness;
    TestClient& client = line.client;
    const auto start = std::chrono::steady_clock::now();
    client.sendText("auth");
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendText("answer");
    EXPECT_EQ(receiveTexts(client, 2), (std::vector<std::string>{"answer", "later"}));
    EXPECT_GE(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(280));
    closeAndWait(client, harness);
    harness.stop();
    auto rows = harness.frames(1);
    const FrameRecord* auth = findFrame(rows, "auth");
    const FrameRecord* later = findFrame(rows, "later");
    ASSERT_TRUE(auth && later);
    EXPECT_GE(later->t_us - auth->t_us, 280000) << describe(*later);
    EXPECT_EQ(later->dir, 1);
}

FilterResult closeOn(const Message& m, const std::string& word, Direction by, uint16_t code) {
    return m.payload == word ? FilterResult::closeAs(by, code, "by rule") : FilterResult{};
}

TEST(FilterActions, CloseAsTheServer) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url(), withFilters({[](const FilterContext& c, const Message& m) {
                             return c.dir == Direction::ServerToClient ? closeOn(m, "bye", Direction::ServerToClient, 4000)
                                                                       : FilterResult{};
                         }}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText("bye");  // the echo comes back as "bye" from the server: the rule closes instead
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    ASSERT_EQ(r.opcode(), kOpClose);
    EXPECT_EQ(r.frame.closeCode(), 4000);
    EXPECT_EQ(r.frame.closeReason(), "by rule");
    client.sendClose(4000, "");  // the client answers as it would the server
    auto close = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(close.has_value()) << "the client's answer goes on to the server";
    EXPECT_EQ(close->closeCode(), 4000);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();

    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].closed_by, "server");
    EXPECT_EQ(sessions[0].close_code, 4000);
    EXPECT_EQ(sessions[0].error, "");
    auto rows = harness.frames(1);
    ASSERT_GE(rows.size(), 3u);
    EXPECT_TRUE(rows[1].has(MessageFlag::Dropped)) << "the echo was not forwarded: " << describe(rows[1]);
    EXPECT_EQ(rows[2].op, kOpClose);
    EXPECT_EQ(rows[2].dir, 1);
    EXPECT_EQ(relayFlags(rows[2]), int64_t(MessageFlag::Injected)) << describe(rows[2]);
}

TEST(FilterActions, CloseAsTheClient) {
    TestUpstream upstream;  // echo, answers a close
    ProxyHarness harness(upstream.url(), withFilters({[](const FilterContext& c, const Message& m) {
                             return c.dir == Direction::ClientToServer ? closeOn(m, "quit", Direction::ClientToServer, 1000)
                                                                       : FilterResult{};
                         }}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText("quit");
    auto close = upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(close.has_value());
    EXPECT_EQ(close->closeCode(), 1000);
    Received r = client.receiveOpcode(kOpClose);  // the server's answer
    ASSERT_TRUE(r.isFrame()) << toString(r);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    EXPECT_TRUE(payloads(upstream.frames()).empty()) << "the frame that closed was not forwarded";
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].closed_by, "client");
    EXPECT_EQ(sessions[0].close_code, 1000);
}

TEST(FilterActions, ADroppedServerConnection) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url(), withFilters({[](const FilterContext& c, const Message& m) {
                             return c.dir == Direction::ServerToClient ? closeOn(m, "gone", Direction::ServerToClient, 1006)
                                                                       : FilterResult{};
                         }}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText("first");
    Received first = client.receive();
    ASSERT_TRUE(first.isFrame()) << toString(first);
    client.sendText("gone");
    Received r = client.receive();
    EXPECT_TRUE(r.endedWithoutClose()) << "1006: the connection ends without a close frame: " << toString(r);
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].closed_by, "server");
    EXPECT_EQ(sessions[0].close_code, 1006);
    EXPECT_NE(sessions[0].error.find("by a filter"), std::string::npos) << sessions[0].error;
}

// A hold with a token waits for a decision: continue, drop or replace; its direction keeps order.
TEST(FilterActions, AControllerEndsHoldsEarly) {
    std::atomic<uint64_t> tokens{0};
    FilteredLine line({[&](const FilterContext&, const Message& m) {
                             return startsWith(m.payload, "stop") ? FilterResult::hold(60000, ++tokens) : FilterResult{};
                         }});
    ASSERT_TRUE(line.open());
    TestUpstream& upstream = line.upstream;
    ProxyHarness& harness = line.harness;
    TestClient& client = line.client;
    upstream.sendText("stop 1");
    upstream.sendText("behind");
    upstream.sendText("stop 2");
    upstream.sendText("stop 3");
    Received none = client.receive(300);
    EXPECT_EQ(none.kind, Received::Kind::Timeout) << "everything waits behind the first hold: " << toString(none);
    for (int i = 0; i < 300 && tokens.load() < 3; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(tokens.load(), 3u);
    FilterResult drop = FilterResult::drop();
    EXPECT_TRUE(harness.proxy().release(1, 2, drop)) << "deciding a later one first: it waits for its turn";
    EXPECT_EQ(client.receive(200).kind, Received::Kind::Timeout);
    EXPECT_TRUE(harness.proxy().release(1, 1, FilterResult{}));
    EXPECT_TRUE(harness.proxy().release(1, 3, FilterResult::replace({textMessage("instead")})));
    EXPECT_EQ(receiveTexts(client, 3), (std::vector<std::string>{"stop 1", "behind", "instead"}));
    EXPECT_FALSE(harness.proxy().release(1, 1, FilterResult{})) << "already released";
    EXPECT_FALSE(harness.proxy().release(7, 1, FilterResult{})) << "no such session";
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(1);
    EXPECT_EQ(relayFlags(*findFrame(rows, "stop 1")), 0);
    EXPECT_TRUE(findFrame(rows, "stop 2")->has(MessageFlag::Dropped));
    const FrameRecord* original = findFrame(rows, "stop 3");
    const FrameRecord* instead = findFrame(rows, "instead");
    ASSERT_TRUE(original && instead);
    EXPECT_TRUE(original->has(MessageFlag::Dropped));
    EXPECT_TRUE(instead->has(MessageFlag::Edited)) << describe(*instead);
}

// The other direction is not held up by a hold.
TEST(FilterActions, AHoldStopsOnlyItsDirection) {
    FilteredLine line({holdWaitUnderToken1});
    ASSERT_TRUE(line.open());
    TestUpstream& upstream = line.upstream;
    ProxyHarness& harness = line.harness;
    TestClient& client = line.client;
    upstream.sendText("wait");
    client.sendText("meanwhile");
    ASSERT_TRUE(upstream.waitForFrames(1));
    EXPECT_EQ(upstream.frames()[0].payload, "meanwhile");
    upstream.sendText("after");
    EXPECT_EQ(client.receive(200).kind, Received::Kind::Timeout);
    ASSERT_TRUE(harness.proxy().release(1, 1, FilterResult{}));
    EXPECT_EQ(receiveTexts(client, 2), (std::vector<std::string>{"wait", "after"}));
    closeAndWait(client, harness);
}

// Behind a hold, a direction stops reading its sender above a bound (8 MB held) and goes on
// when the hold ends: every frame arrives, in order.
TEST(FilterActions, ALongHoldPausesItsSenderAndLosesNothing) {
    FilteredLine line({holdWaitUnderToken1});
    ASSERT_TRUE(line.open());
    TestUpstream& upstream = line.upstream;
    ProxyHarness& harness = line.harness;
    TestClient& client = line.client;
    upstream.sendText("wait");
    constexpr int kFrames = 12;
    std::thread sender([&] {
        for (int i = 0; i < kFrames; ++i) {
            upstream.sendText(std::string(1u << 20, char('a' + i)));
        }
    });
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_TRUE(harness.proxy().release(1, 1, FilterResult{}));
    std::vector<std::string> got = receiveTexts(client, kFrames + 1);
    sender.join();
    ASSERT_EQ(got.size(), size_t(kFrames + 1));
    EXPECT_EQ(got[0], "wait");
    for (int i = 0; i < kFrames; ++i) {
        EXPECT_EQ(got[i + 1], std::string(1u << 20, char('a' + i))) << i;
    }
    closeAndWait(client, harness);
}

// A filter attached to the running proxy reaches a live session that had no filters (it leaves
// the unfiltered path) and new ones, after their own filters; detached, it is gone from both.
TEST(FilterActions, AttachedFiltersReachLiveAndNewSessions) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url());
    TestClient first(harness.port());
    ASSERT_TRUE(first.open());
    ASSERT_TRUE(waitLive(harness));
    first.sendText("before");
    EXPECT_EQ(receiveTexts(first, 1), std::vector<std::string>{"before"});

    std::atomic<int> seen{0};
    auto attached = std::make_shared<ScriptedFilter>([&](const FilterContext& c, const Message& m) {
        ++seen;
        return c.dir == Direction::ClientToServer && startsWith(m.payload, "drop") ? FilterResult::drop()
                                                                                   : FilterResult{};
    });
    harness.proxy().attach(attached);
    first.sendText("drop 1");
    first.sendText("kept 1");
    EXPECT_EQ(receiveTexts(first, 1), std::vector<std::string>{"kept 1"});
    TestClient second(harness.port());
    ASSERT_TRUE(second.open());
    second.sendText("drop 2");
    second.sendText("kept 2");
    EXPECT_EQ(receiveTexts(second, 1), std::vector<std::string>{"kept 2"});
    EXPECT_EQ(seen.load(), 6) << "two c2s and one echo in each session";

    harness.proxy().detach(attached);
    first.sendText("drop 3");
    EXPECT_EQ(receiveTexts(first, 1), std::vector<std::string>{"drop 3"});
    EXPECT_EQ(seen.load(), 6);
    closeAndWait(first, harness);
    second.sendClose(1000, "");
    EXPECT_TRUE(second.receiveOpcode(kOpClose).isFrame());
    ASSERT_TRUE(harness.waitForEnds(2));
    harness.stop();
    EXPECT_TRUE(findFrame(harness.frames(1), "drop 1")->has(MessageFlag::Dropped));
    EXPECT_TRUE(findFrame(harness.frames(2), "drop 2")->has(MessageFlag::Dropped));
    EXPECT_FALSE(findFrame(harness.frames(1), "drop 3")->has(MessageFlag::Dropped));
}

// A filter detached while it holds a message: what comes behind still waits for the hold (the
// direction keeps its order though no filter is left), then goes on.
TEST(FilterActions, BehindAHoldOfADetachedFilterTheOrderStays) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    ASSERT_TRUE(upstream.waitForConnections(1));
    ASSERT_TRUE(waitLive(harness));
    std::atomic<int> held{0};
    auto attached = std::make_shared<ScriptedFilter>([&](const FilterContext&, const Message& m) {
        if (m.payload != "wait") {
            return FilterResult{};
        }
        ++held;
        return FilterResult::hold(60000, 7);
    });
    harness.proxy().attach(attached);
    upstream.sendText("wait");
    for (int i = 0; i < 500 && held.load() == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    ASSERT_EQ(held.load(), 1);
    harness.proxy().detach(attached);
    upstream.sendText("behind");
    EXPECT_EQ(client.receive(200).kind, Received::Kind::Timeout) << "behind waits for the hold";
    ASSERT_TRUE(harness.proxy().release(1, 7, FilterResult{}));
    EXPECT_EQ(receiveTexts(client, 2), (std::vector<std::string>{"wait", "behind"}));
    closeAndWait(client, harness);
}

// A peer's close does not overtake the frames held in its direction: they go out first, then
// the close, and nothing is recorded as dropped.
TEST(FilterActions, ACloseWaitsBehindHeldFrames) {
    FilteredLine line({holdWaitUnderToken1});
    ASSERT_TRUE(line.open());
    TestUpstream& upstream = line.upstream;
    ProxyHarness& harness = line.harness;
    TestClient& client = line.client;
    upstream.sendText("wait");
    upstream.sendText("behind");
    upstream.sendClose(4000, "done");
    EXPECT_EQ(client.receive(300).kind, Received::Kind::Timeout) << "the close waits too";
    ASSERT_TRUE(harness.proxy().release(1, 1, FilterResult{}));
    EXPECT_EQ(receiveTexts(client, 2), (std::vector<std::string>{"wait", "behind"}));
    Received close = client.receive();
    ASSERT_TRUE(close.isFrame()) << toString(close);
    ASSERT_EQ(close.opcode(), kOpClose);
    EXPECT_EQ(close.frame.closeCode(), 4000);
    client.sendClose(4000, "");
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    for (const FrameRecord& f : harness.frames(1)) {
        EXPECT_FALSE(f.has(MessageFlag::Dropped)) << describe(f);
    }
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].closed_by, "server");
    EXPECT_EQ(sessions[0].close_code, 4000);
}

}  // namespace
}  // namespace rtmtap::test
