// Text and binary messages through the proxy: byte for byte, in order, reassembled, recorded;
// each test in every way a client reaches rtmtap (tests/support/ClientRoute.h): as its server
// (reverse mode) and as its HTTP proxy (regular mode, absolute-form and CONNECT).
#include "protocol/Message.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <thread>

namespace rtmtap::test {
namespace {

struct Sample {
    const char* label;
    int flags;
    std::string payload;
};

std::vector<Sample> samples() {
    return {
        {"text", kText, "hello"},
        {"empty text", kText, ""},
        {"text with NUL", kText, std::string("a\0b\0\0c", 6)},
        {"utf-8 text", kText, "h\xC3\xA9llo \xE2\x9C\x93"},
        {"json text", kText, R"({"command":"ws_ping","n":1.50})"},
        {"binary, every byte value", kBinary, randomBytes(256)},
        {"empty binary", kBinary, ""},
        {"binary with NULs", kBinary, std::string(100, '\0')},
        {"1 MiB binary", kBinary, randomBytes(1 << 20, 7)},
        {"1 MiB text", kText, asciiText(1 << 20, 9)},
    };
}

class ProxyRelay : public ::testing::TestWithParam<Route> {};

// The client closes with 1000 and waits for the proxy to finish the session.
void closeNormally(TestClient& client, ProxyHarness& harness, size_t endsExpected = 1) {
    client.sendClose(1000, "done");
    Received r = client.receiveOpcode(kOpClose);
    EXPECT_TRUE(r.isFrame()) << toString(r);
    EXPECT_TRUE(harness.waitForEnds(endsExpected)) << "the proxy never ended the session";
}

TEST_P(ProxyRelay, ClientMessagesArriveByteForByteAndEchoesReturn) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    auto all = samples();
    for (size_t i = 0; i < all.size(); ++i) {
        SCOPED_TRACE(all[i].label);
        client.sendRaw(all[i].flags, all[i].payload);
        ASSERT_TRUE(upstream.waitForFrames(i + 1));
        WsFrame got = upstream.frames()[i];
        EXPECT_EQ(got.flags, all[i].flags);
        EXPECT_TRUE(got.payload == all[i].payload) << "upstream got " << got.payload.size() << " bytes";
        Received echo = client.receive();
        ASSERT_TRUE(echo.isFrame()) << toString(echo);
        EXPECT_EQ(echo.frame.flags, all[i].flags);
        EXPECT_TRUE(echo.frame.payload == all[i].payload) << "client got " << echo.frame.payload.size() << " bytes";
    }
    closeNormally(client, harness);
    harness.stop();

    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    auto rows = harness.frames(sessions[0].id);
    ASSERT_GE(rows.size(), all.size() * 2);
    for (size_t i = 0; i < all.size(); ++i) {
        SCOPED_TRACE(all[i].label);
        for (int dir : {kC2S, kS2C}) {
            const FrameRecord& row = rows[2 * i + static_cast<size_t>(dir)];
            EXPECT_EQ(row.seq, static_cast<int64_t>(2 * i + static_cast<size_t>(dir) + 1));
            EXPECT_EQ(row.dir, dir) << describe(row);
            EXPECT_EQ(row.op, all[i].flags & 0x0f) << describe(row);
            EXPECT_EQ(row.size, static_cast<int64_t>(all[i].payload.size())) << describe(row);
            EXPECT_TRUE(row.payload == all[i].payload) << describe(row);
            EXPECT_FALSE(row.has(MessageFlag::Fragmented)) << describe(row);
        }
    }
    expectUnbrokenSeqRuns(harness);
}

TEST_P(ProxyRelay, ServerMessagesArriveByteForByte) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    auto all = samples();
    for (const auto& sample : all) {
        SCOPED_TRACE(sample.label);
        upstream.sendRaw(sample.flags, sample.payload);
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        EXPECT_EQ(r.frame.flags, sample.flags);
        EXPECT_TRUE(r.frame.payload == sample.payload) << "client got " << r.frame.payload.size() << " bytes";
    }
    closeNormally(client, harness);
    harness.stop();

    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), all.size());
    for (size_t i = 0; i < all.size(); ++i) {
        SCOPED_TRACE(all[i].label);
        EXPECT_EQ(rows[i].dir, kS2C) << describe(rows[i]);
        EXPECT_EQ(rows[i].op, all[i].flags & 0x0f) << describe(rows[i]);
        EXPECT_TRUE(rows[i].payload == all[i].payload) << describe(rows[i]);
    }
    expectUnbrokenSeqRuns(harness);
}

std::string streamMessage(const char* prefix, int i) {
    return std::string(prefix) + std::to_string(i) + ":" + asciiText(static_cast<size_t>(i % 300), static_cast<uint32_t>(i));
}

TEST_P(ProxyRelay, OrderHoldsFor2000MessagesEachWayAtOnce) {
    constexpr int kCount = 2000;
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/stream");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    // One sender thread per side while the client reads on this thread.
    std::thread clientSender([&] {
        for (int i = 0; i < kCount; ++i) {
            client.sendText(streamMessage("c2s-", i));
        }
    });
    std::thread upstreamSender([&] {
        for (int i = 0; i < kCount; ++i) {
            upstream.sendText(streamMessage("s2c-", i));
        }
    });
    std::vector<std::string> received;
    for (int i = 0; i < kCount; ++i) {
        Received r = client.receive();
        if (!r.isFrame()) {
            ADD_FAILURE() << "message " << i << ": " << toString(r);
            break;
        }
        received.push_back(r.frame.payload);
    }
    clientSender.join();
    upstreamSender.join();
    ASSERT_TRUE(upstream.waitForFrames(kCount));

    ASSERT_EQ(received.size(), static_cast<size_t>(kCount));
    auto upFrames = upstream.frames();
    for (int i = 0; i < kCount; ++i) {
        ASSERT_EQ(received[i], streamMessage("s2c-", i)) << "client side, message " << i;
        ASSERT_EQ(upFrames[i].payload, streamMessage("c2s-", i)) << "upstream side, message " << i;
        ASSERT_EQ(upFrames[i].flags, kText);
    }
    closeNormally(client, harness);
    harness.stop();

    auto rows = harness.frames(harness.sessions().at(0).id);
    int c2s = 0, s2c = 0;
    for (const auto& row : rows) {
        if (row.op != kOpText) {
            continue;
        }
        const char* prefix = row.dir == kC2S ? "c2s-" : "s2c-";
        int& next = row.dir == kC2S ? c2s : s2c;
        ASSERT_EQ(row.payload, streamMessage(prefix, next)) << describe(row);
        ++next;
    }
    EXPECT_EQ(c2s, kCount);
    EXPECT_EQ(s2c, kCount);
    expectUnbrokenSeqRuns(harness);
}

TEST_P(ProxyRelay, FragmentedClientMessageIsRelayedAndRecordedAsOne) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendRaw(0x01, "Hel");
    client.sendRaw(0x00, "lo, ");
    client.sendRaw(0x80, "world");
    Received echo = client.receive();
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.flags, kText);
    EXPECT_EQ(echo.frame.payload, "Hello, world");

    // Binary, and an empty fragmented message.
    client.sendRaw(0x02, std::string("\0\1", 2));
    client.sendRaw(0x80, std::string("\2\0", 2));
    client.sendRaw(0x01, "");
    client.sendRaw(0x80, "");
    ASSERT_TRUE(client.receive().isFrame());
    ASSERT_TRUE(client.receive().isFrame());

    ASSERT_TRUE(upstream.waitForFrames(3));
    auto got = upstream.frames();
    ASSERT_EQ(got.size(), 3u) << "upstream must see one frame per message";
    EXPECT_EQ(got[0].flags, kText);
    EXPECT_EQ(got[0].payload, "Hello, world");
    EXPECT_EQ(got[1].flags, kBinary);
    EXPECT_EQ(got[1].payload, std::string("\0\1\2\0", 4));
    EXPECT_EQ(got[2].flags, kText);
    EXPECT_EQ(got[2].payload, "");

    closeNormally(client, harness);
    harness.stop();
    // The client sent the last two messages before reading their echoes: compare per direction.
    std::vector<FrameRecord> c2s, s2c;
    for (const auto& row : harness.frames(harness.sessions().at(0).id)) {
        if (row.op == kOpText || row.op == kOpBinary) {
            (row.dir == kC2S ? c2s : s2c).push_back(row);
        }
    }
    ASSERT_EQ(c2s.size(), 3u);
    ASSERT_EQ(s2c.size(), 3u);
    EXPECT_EQ(c2s[0].op, kOpText);
    EXPECT_EQ(c2s[0].payload, "Hello, world");
    EXPECT_EQ(c2s[0].size, 12);
    EXPECT_EQ(c2s[1].op, kOpBinary);
    EXPECT_EQ(c2s[1].payload, std::string("\0\1\2\0", 4));
    EXPECT_EQ(c2s[2].op, kOpText);
    EXPECT_EQ(c2s[2].payload, "");
    for (const auto& row : c2s) {
        EXPECT_TRUE(row.has(MessageFlag::Fragmented)) << describe(row);
    }
    for (const auto& row : s2c) {
        EXPECT_FALSE(row.has(MessageFlag::Fragmented)) << "the echo came whole: " << describe(row);
    }
    expectUnbrokenSeqRuns(harness);
}

TEST_P(ProxyRelay, FragmentedServerMessageIsRelayedAndRecordedAsOne) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendRaw(0x01, "{\"event\":");
    upstream.sendRaw(0x00, "\"chat.");
    upstream.sendRaw(0x80, "postMessage\"}");
    Received r = client.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.flags, kText);
    EXPECT_EQ(r.frame.payload, "{\"event\":\"chat.postMessage\"}");

    closeNormally(client, harness);
    harness.stop();
    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), 1u);
    EXPECT_EQ(rows[0].dir, kS2C);
    EXPECT_EQ(rows[0].payload, "{\"event\":\"chat.postMessage\"}");
    EXPECT_TRUE(rows[0].has(MessageFlag::Fragmented)) << describe(rows[0]);
    EXPECT_EQ(rows[0].name, "chat.postMessage");
}

TEST_P(ProxyRelay, ControlFrameInsideFragmentedMessageIsRelayedFirst) {
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();

    client.sendRaw(0x01, "first ");
    client.sendRaw(kPing, "in-between");
    client.sendRaw(0x80, "second");
    ASSERT_TRUE(upstream.waitForFrames(2));
    auto got = upstream.frames();
    ASSERT_EQ(got.size(), 2u);
    EXPECT_EQ(got[0].flags, kPing);
    EXPECT_EQ(got[0].payload, "in-between");
    EXPECT_EQ(got[1].flags, kText);
    EXPECT_EQ(got[1].payload, "first second");

    closeNormally(client, harness);
    harness.stop();
    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[0].op, kOpPing);
    EXPECT_EQ(rows[1].op, kOpText);
    EXPECT_EQ(rows[1].payload, "first second");
    EXPECT_TRUE(rows[1].has(MessageFlag::Fragmented));
}

TEST_P(ProxyRelay, MalformedTextIsRelayedUnchangedAndFlagged) {
    const std::vector<std::string> bad = {"{not json", "{\"command\":\"ws_auth\",}", "[1,2", "plain words"};
    TestUpstream upstream;  // echo
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    for (size_t i = 0; i < bad.size(); ++i) {
        client.sendText(bad[i]);
        Received echo = client.receive();
        ASSERT_TRUE(echo.isFrame()) << toString(echo);
        EXPECT_EQ(echo.frame.payload, bad[i]);
        ASSERT_TRUE(upstream.waitForFrames(i + 1));
        EXPECT_EQ(upstream.frames()[i].payload, bad[i]);
    }
    client.sendText(R"({"command":"ws_ping"})");
    ASSERT_TRUE(client.receive().isFrame());
    closeNormally(client, harness);
    harness.stop();

    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), bad.size() * 2 + 2);
    for (size_t i = 0; i < bad.size() * 2; ++i) {
        EXPECT_EQ(rows[i].payload, bad[i / 2]) << describe(rows[i]);
        EXPECT_TRUE(rows[i].has(MessageFlag::Malformed)) << describe(rows[i]);
    }
    EXPECT_FALSE(rows[bad.size() * 2].has(MessageFlag::Malformed)) << describe(rows[bad.size() * 2]);
}

TEST_P(ProxyRelay, InvalidUtf8TextIsRelayedUnchangedAndFlagged) {
    const std::string invalid = std::string("caf\xC3", 4) + "\xFF";
    TestUpstream upstream;  // echo
    ProxyHarness harness(GetParam(), upstream.url());
    TestClient client(harness.route(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText(invalid);
    Received echo = client.receive();
    ASSERT_TRUE(echo.isFrame()) << toString(echo);
    EXPECT_EQ(echo.frame.payload, invalid);
    closeNormally(client, harness);
    harness.stop();
    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), 1u);
    EXPECT_EQ(rows[0].payload, invalid);
    EXPECT_TRUE(rows[0].has(MessageFlag::InvalidUtf8)) << describe(rows[0]);
}

INSTANTIATE_TEST_SUITE_P(Routes, ProxyRelay,
                         ::testing::ValuesIn(allRoutes()),
                         [](const ::testing::TestParamInfo<Route>& info) { return routeName(info.param); });

// What a recording says of one scripted session, without what differs from run to run (times,
// ids, the client's port) or by nature between the modes (the request headers: Host, Proxy-*).
struct Recorded {
    std::string session;
    std::vector<std::string> frames;
    std::string upstreamTarget;  // the request target the upstream got
};

Recorded recordScript(Route route) {
    TestUpstream::Options options;
    options.answerPings = true;
    TestUpstream upstream(options);  // echo
    ProxyHarness harness(route, upstream.url());
    TestClient client(harness.route(), "/rtm?v=2");
    Recorded r;
    if (!client.open()) {
        ADD_FAILURE() << client.status() << " " << client.error();
        return r;
    }
    // One round trip at a time, so that the rows' order across the directions is fixed.
    auto roundTrip = [&](const std::vector<std::pair<int, std::string>>& frames) {
        for (const auto& [flags, payload] : frames) {
            client.sendRaw(flags, payload);
        }
        Received echo = client.receive();
        EXPECT_TRUE(echo.isFrame()) << toString(echo);
    };
    roundTrip({{kText, R"({"command":"ws_auth","data":{"token":"t"}})"}});
    roundTrip({{kBinary, randomBytes(300, 3)}});
    roundTrip({{0x01, "{\"command\":"}, {0x80, "\"ws_ping\"}"}});
    roundTrip({{kPing, "beat"}});
    closeNormally(client, harness);
    harness.stop();
    auto sessions = harness.sessions();
    if (sessions.size() != 1u) {
        ADD_FAILURE() << sessions.size() << " sessions";
        return r;
    }
    const SessionRecord& s = sessions[0];
    std::string upstreamUrl = s.upstream;
    const std::string port = std::to_string(upstream.port());
    if (size_t at = upstreamUrl.find(":" + port + "/"); at != std::string::npos) {
        upstreamUrl.replace(at + 1, port.size(), "PORT");  // each run has an upstream of its own
    }
    r.session = "path=" + s.path + " upstream=" + upstreamUrl + " status=" + std::to_string(s.http_status.value_or(-1)) +
                " close=" + std::to_string(s.close_code.value_or(-1)) + " " + s.close_reason + " by " + s.closed_by +
                " error=" + s.error;
    for (const FrameRecord& f : harness.frames(s.id)) {
        r.frames.push_back("seq=" + std::to_string(f.seq) + " dir=" + std::to_string(f.dir) +
                           " op=" + std::to_string(f.op) + " flags=" + std::to_string(f.flags) +
                           " size=" + std::to_string(f.size) + " kind=" + std::to_string(f.kind.value_or(-1)) +
                           " name=" + f.name + " payload=" + f.payload);
    }
    if (upstream.waitForRequests(1)) {
        r.upstreamTarget = upstream.requests()[0].uri;
    }
    return r;
}

// The same session leaves the same rows whichever way the client came: the regular mode is the
// reverse mode's relay and recorder behind another front door.
TEST(ProxyRelayRoutes, EveryRouteRecordsTheSameRows) {
    const Recorded reverse = recordScript(Route::Reverse);
    ASSERT_EQ(reverse.frames.size(), 10u) << "4 messages and a ping each way, then the two closes";
    EXPECT_EQ(reverse.session,
              "path=/rtm?v=2 upstream=ws://127.0.0.1:PORT/rtm?v=2 status=101 close=1000 done by client error=");
    EXPECT_EQ(reverse.upstreamTarget, "/rtm?v=2");
    for (Route route : {Route::AbsoluteForm, Route::Connect}) {
        SCOPED_TRACE(routeName(route));
        const Recorded other = recordScript(route);
        EXPECT_EQ(other.session, reverse.session);
        EXPECT_EQ(other.frames, reverse.frames);
        EXPECT_EQ(other.upstreamTarget, reverse.upstreamTarget);
    }
}

}  // namespace
}  // namespace rtmtap::test
