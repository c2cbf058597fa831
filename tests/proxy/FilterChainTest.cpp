// The filter seam: each answer a filter can give, through a real relay on loopback, and how the
// store records it (dropped originals, edited replacements linked by edit_of, injected frames).
#include "protocol/Message.h"
#include "proxy/FilterChain.h"
#include "tests/support/FrameLists.h"
#include "tests/support/Process.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/FilterTestKit.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <thread>
#include <functional>
#include <memory>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtmtap::test {
namespace {

// c2s "drop*" is dropped, "hold*" held 300 ms, "edit*" replaced by one frame, "split*" by two;
// the same words from the server, s2c.
FilterResult byWord(const FilterContext&, const Message& m) {
    if (startsWith(m.payload, "drop")) {
        return FilterResult::drop();
    }
    if (startsWith(m.payload, "hold")) {
        return FilterResult::hold(300);
    }
    if (startsWith(m.payload, "edit")) {
        return FilterResult::replace({textMessage("edited:" + m.payload)});
    }
    if (startsWith(m.payload, "split")) {
        return FilterResult::replace({textMessage("one"), textMessage("two")});
    }
    return FilterResult{};
}

TEST(FilterChain, ContinueDropAndReplaceClientToServer) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withFilters({byWord}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    const std::string binary("\x00\x01\xfe\xff", 4);
    client.sendText("plain");
    client.sendText("drop me");
    client.sendText("edit me");
    client.sendText("split me");
    client.sendBinary(binary);
    client.sendText("last");
    ASSERT_TRUE(upstream.waitForFrames(6));  // plain, edited, one, two, binary, last
    auto got = upstream.frames();
    EXPECT_EQ(payloads(got), (std::vector<std::string>{"plain", "edited:edit me", "one", "two", "last"}));
    EXPECT_EQ(got[4].payload, binary) << "a continued frame arrives byte for byte";
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(1);
    const FrameRecord* dropped = findFrame(rows, "drop me");
    ASSERT_NE(dropped, nullptr);
    EXPECT_TRUE(dropped->has(MessageFlag::Dropped)) << describe(*dropped);
    EXPECT_EQ(dropped->fwd_us, -1);
    const FrameRecord* original = findFrame(rows, "edit me");
    const FrameRecord* edited = findFrame(rows, "edited:edit me");
    ASSERT_TRUE(original && edited);
    EXPECT_TRUE(original->has(MessageFlag::Dropped)) << describe(*original);
    EXPECT_FALSE(original->has(MessageFlag::Edited));
    EXPECT_TRUE(edited->has(MessageFlag::Edited)) << describe(*edited);
    EXPECT_FALSE(edited->has(MessageFlag::Dropped));
    EXPECT_GE(edited->fwd_us, 0);
    const std::string link = "SELECT edit_of FROM frames WHERE session = 1 AND seq = ";
    EXPECT_EQ(harness.queryInt(link + std::to_string(edited->seq)), original->seq);
    const FrameRecord* split = findFrame(rows, "split me");
    const FrameRecord* one = findFrame(rows, "one");
    const FrameRecord* two = findFrame(rows, "two");
    ASSERT_TRUE(split && one && two);
    EXPECT_TRUE(split->has(MessageFlag::Dropped));
    EXPECT_EQ(harness.queryInt(link + std::to_string(one->seq)), split->seq);
    EXPECT_EQ(harness.queryInt(link + std::to_string(two->seq)), split->seq);
    EXPECT_LT(one->seq, two->seq);
    const FrameRecord* plain = findFrame(rows, "plain");
    ASSERT_NE(plain, nullptr);
    EXPECT_EQ(relayFlags(*plain), 0) << describe(*plain);
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames WHERE edit_of IS NOT NULL"), 3);
}

TEST(FilterChain, ServerToClientDropReplaceAndHold) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withFilters({byWord}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));
    for (const char* text : {"hold 1", "a", "drop", "edit b", "hold 2", "c"}) {
        upstream.sendText(text);
    }
    std::vector<std::string> got;
    const auto start = std::chrono::steady_clock::now();
    while (got.size() < 5) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        got.push_back(r.frame.payload);
        EXPECT_TRUE(r.frame.fin()) << "one whole frame each";
    }
    const auto waited = std::chrono::steady_clock::now() - start;
    // Held frames keep the direction's order: what came after a held frame waits behind it.
    EXPECT_EQ(got, (std::vector<std::string>{"hold 1", "a", "edited:edit b", "hold 2", "c"}));
    EXPECT_GE(waited, std::chrono::milliseconds(280)) << "the first frame was held 300 ms";
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(1);
    const FrameRecord* held = findFrame(rows, "hold 1");
    ASSERT_NE(held, nullptr);
    EXPECT_EQ(relayFlags(*held), 0) << describe(*held);
    EXPECT_GE(held->fwd_us - held->t_us, 280000) << describe(*held);
    EXPECT_TRUE(findFrame(rows, "drop")->has(MessageFlag::Dropped));
    EXPECT_TRUE(findFrame(rows, "edit b")->has(MessageFlag::Dropped));
    EXPECT_TRUE(findFrame(rows, "edited:edit b")->has(MessageFlag::Edited));
}

TEST(FilterChain, WhatIsHeldWhenTheSessionEndsIsRecordedAsDropped) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withFilters({[](const FilterContext&, const Message& m) {
                             return startsWith(m.payload, "hold") ? FilterResult::hold(60000) : FilterResult{};
                         }}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText("hold forever");
    client.sendText("behind it");
    // A close frame would wait behind them (FilterActions.ACloseWaitsBehindHeldFrames): a
    // dropped connection ends the session at once.
    client.drop();
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    EXPECT_TRUE(payloads(upstream.frames()).empty());
    auto rows = harness.frames(1);
    for (const char* text : {"hold forever", "behind it"}) {
        const FrameRecord* f = findFrame(rows, text);
        ASSERT_NE(f, nullptr) << text;
        EXPECT_TRUE(f->has(MessageFlag::Dropped)) << describe(*f);
        EXPECT_EQ(f->fwd_us, -1);
    }
}

TEST(FilterChain, AThrowingFilterIsSkippedAndTheFrameGoesOn) {
    std::atomic<int> calls{0};
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url(), withFilters({[&](const FilterContext&, const Message&) -> FilterResult {
                                                          ++calls;
                                                          throw std::runtime_error("boom");
                                                      },
                                                      byWord}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText("still here");
    client.sendText("drop this");  // the next filter still runs
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, "still here");
    closeAndWait(client, harness);
    harness.stop();
    EXPECT_GE(calls.load(), 3);  // two c2s, one s2c echo (and the closes bypass filters)
    EXPECT_EQ(payloads(upstream.frames()), std::vector<std::string>{"still here"});
}

// Replacements towards the server must be masked: a second rtmtap between the first and the
// upstream closes with 1002 on any unmasked client frame, so it serves as the strict checker.
TEST(FilterChain, ReplacementsToTheServerAreMaskedAndToTheClientNot) {
    TestUpstream upstream;  // echo
    ProxyHarness strict(upstream.url());
    ProxyHarness harness("ws://127.0.0.1:" + std::to_string(strict.port()), withFilters({byWord}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText("edit this");
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, "edited:edited:edit this") << "edited to the server, and its echo edited again";
    closeAndWait(client, harness);
    harness.stop();
    strict.stop();
    for (const auto& s : strict.sessions()) {
        EXPECT_EQ(s.error, "") << "the strict relay saw a protocol violation";
        EXPECT_NE(s.close_code, 1002);
    }
    EXPECT_EQ(payloads(upstream.frames()), std::vector<std::string>{"edited:edit this"});
}

TEST(FilterChain, InjectionGoesThroughTheFiltersAndIsRecorded) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withFilters({byWord}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    ASSERT_TRUE(upstream.waitForConnections(1));
    ASSERT_TRUE(waitLive(harness));
    EXPECT_TRUE(harness.proxy().inject(1, Direction::ClientToServer, Opcode::Text, "to server"));
    EXPECT_TRUE(harness.proxy().inject(1, Direction::ServerToClient, Opcode::Text, "edit to client"));
    EXPECT_TRUE(harness.proxy().inject(1, Direction::ServerToClient, Opcode::Text, "drop it"));
    EXPECT_FALSE(harness.proxy().inject(99, Direction::ServerToClient, Opcode::Text, "nobody"));
    EXPECT_THROW(harness.proxy().inject(1, Direction::ServerToClient, Opcode::Close, ""), std::invalid_argument);
    ASSERT_TRUE(upstream.waitForFrames(1));
    EXPECT_EQ(upstream.frames()[0].payload, "to server");
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, "edited:edit to client");
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(1);
    const FrameRecord* toServer = findFrame(rows, "to server");
    ASSERT_NE(toServer, nullptr);
    EXPECT_EQ(relayFlags(*toServer), int64_t(MessageFlag::Injected)) << describe(*toServer);
    EXPECT_EQ(toServer->dir, 0);
    const FrameRecord* edited = findFrame(rows, "edited:edit to client");
    ASSERT_NE(edited, nullptr);
    EXPECT_EQ(relayFlags(*edited), int64_t(MessageFlag::Injected | MessageFlag::Edited)) << describe(*edited);
    EXPECT_EQ(edited->dir, 1);
    EXPECT_TRUE(findFrame(rows, "edit to client")->has(MessageFlag::Dropped));
    EXPECT_TRUE(findFrame(rows, "drop it")->has(MessageFlag::Dropped | MessageFlag::Injected));
}

TEST(FilterChain, InjectionWithoutFilters) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    ASSERT_TRUE(upstream.waitForConnections(1));
    ASSERT_TRUE(waitLive(harness));
    ASSERT_TRUE(harness.proxy().inject(1, Direction::ClientToServer, Opcode::Text, "hello"));
    Received r = client.receive();  // the upstream's echo
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, "hello");
    closeAndWait(client, harness);
    harness.stop();
    auto rows = harness.frames(1);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(relayFlags(rows[0]), int64_t(MessageFlag::Injected)) << describe(rows[0]);
    EXPECT_EQ(relayFlags(rows[1]), 0) << describe(rows[1]);
    EXPECT_FALSE(harness.proxy().inject(1, Direction::ClientToServer, Opcode::Text, "after the end"));
}

// show and query tell edited and injected frames apart; the JSONL export keeps the link.
TEST(FilterChain, ShowQueryAndExportKnowEditedAndInjectedFrames) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withFilters({byWord}));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText("plain");      // seq 1
    client.sendText("edit this");  // seq 2, its replacement seq 3
    ASSERT_TRUE(upstream.waitForFrames(2));
    ASSERT_TRUE(harness.proxy().inject(1, Direction::ClientToServer, Opcode::Text, "injected"));  // seq 4
    ASSERT_TRUE(upstream.waitForFrames(3));
    closeAndWait(client, harness);
    harness.stop();
    const std::string db = harness.dbPath();

    for (const char* command : {"show", "query"}) {
        std::vector<std::string> base = {command};
        if (std::string(command) == "show") {
            base.push_back("1");
        }
        for (auto [flag, expected] : {std::pair<const char*, std::vector<std::string>>{"--edited", {"1:3"}},
                                      {"--injected", {"1:4"}}}) {
            std::vector<std::string> args = base;
            args.insert(args.end(), {flag, "--jsonl", "--db", db});
            RunResult r = Process::capture(args);
            SCOPED_TRACE(std::string(command) + " " + flag);
            EXPECT_EQ(r.code(), 0) << r.err;
            EXPECT_EQ(jsonlIds(r.out), expected);
            EXPECT_NE(r.out.find(std::string("\"") + (flag + 2) + "\""), std::string::npos) << r.out;
        }
    }

    const std::string file = harness.dbPath() + ".jsonl";
    RunResult exported = Process::capture({"export", "1", "--db", db, "-o", file});
    ASSERT_EQ(exported.code(), 0) << exported.err;
    const std::string copy = harness.dbPath() + ".copy.db";
    RunResult imported = Process::capture({"import", file, "--db", copy});
    ASSERT_EQ(imported.code(), 0) << imported.err;
    RunResult linked = Process::capture({"show", "1", "--edited", "--jsonl", "--db", copy});
    EXPECT_EQ(jsonlIds(linked.out), std::vector<std::string>{"1:3"}) << linked.err;
    RunResult exportedAgain = Process::capture({"export", "1", "--db", copy});
    EXPECT_NE(exportedAgain.out.find("\"edit_of\":2"), std::string::npos) << exportedAgain.out;
}

}  // namespace
}  // namespace rtmtap::test
