// What the proxy records: JWT claims, classification, timings, sequence numbers, shutdown.
#include "protocol/Message.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace rtmtap::test {
namespace {

int64_t wallNowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

void closeAndWait(TestClient& client, ProxyHarness& harness, size_t ends = 1) {
    client.sendClose(1000, "");
    Received r = client.receiveOpcode(kOpClose);
    EXPECT_TRUE(r.isFrame()) << toString(r);
    EXPECT_TRUE(harness.waitForEnds(ends));
}

TEST(ProxyRecording, WsAuthClaimsAreDecodedIntoTheSession) {
    const std::string claims =
        R"j({"user_id":91010006,"user_name":"test1@test.com","client_ip":"10.1.2.3",)j"
        R"j("user_agent":"AirSend/3.1 (Android)","expiry":"2031-02-03 04:05:06","finger_print":"fp-7f3a"})j";
    const std::string signature = "c2VjcmV0LXNpZ25hdHVyZS12YWx1ZQ";
    const std::string token = makeJwt(claims, signature);
    const std::string auth = R"({"command":"ws_auth","auth_token":")" + token + R"("})";

    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText(auth);
    ASSERT_TRUE(upstream.waitForFrames(1));
    EXPECT_EQ(upstream.frames()[0].payload, auth) << "the token must reach the upstream whole";
    ASSERT_TRUE(client.receive().isFrame());
    closeAndWait(client, harness);
    harness.stop();

    auto s = harness.sessions().at(0);
    EXPECT_EQ(s.user_id, 91010006);
    EXPECT_EQ(s.user_name, "test1@test.com");
    EXPECT_EQ(s.client_ip, "10.1.2.3");
    EXPECT_EQ(s.user_agent, "AirSend/3.1 (Android)");
    EXPECT_EQ(s.token_expiry, "2031-02-03 04:05:06");
    EXPECT_EQ(s.finger_print, "fp-7f3a");
    EXPECT_EQ(s.auth_token.find(signature), std::string::npos) << "signature kept: " << s.auth_token;
    EXPECT_EQ(s.auth_token, token.substr(0, token.size() - signature.size())) << "expected h.p.";

    auto rows = harness.frames(s.id);
    ASSERT_GE(rows.size(), 2u);
    EXPECT_EQ(rows[0].name, "ws_auth");
    EXPECT_EQ(rows[0].kind, 1);
    for (const auto& row : rows) {
        EXPECT_EQ(row.payload.find(signature), std::string::npos) << "stored payload keeps the signature: " << describe(row);
    }
    EXPECT_TRUE(rows[0].has(MessageFlag::Redacted)) << describe(rows[0]);
}

TEST(ProxyRecording, KeepSecretsKeepsTheWholeToken) {
    const std::string token = makeJwt(R"({"user_id":5,"user_name":"u"})", "c2ln");
    TestUpstream upstream;
    ProxyHarness harness(upstream.url(), {}, [](RecorderOptions& o) { o.keepSecrets = true; });
    TestClient client(harness.port(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    client.sendText(R"({"command":"ws_auth","auth_token":")" + token + R"("})");
    ASSERT_TRUE(client.receive().isFrame());
    closeAndWait(client, harness);
    harness.stop();
    auto s = harness.sessions().at(0);
    EXPECT_EQ(s.auth_token, token);
    EXPECT_EQ(s.user_id, 5);
}

TEST(ProxyRecording, RtmEventsAndCommandsAreClassified) {
    const std::string event = R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":)"
                              R"({"user_id":91010006,"channel_id":11010004,"id":10004,"content":"fs"}}})";
    const std::string command = R"({"command":"ws_read_notification","channel_id":"1101000","message_id":"10000"})";
    const std::string other = R"([1,2,3])";

    TestUpstream::Options options;
    options.echo = false;
    options.answerPings = true;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));

    upstream.sendText(event);
    ASSERT_TRUE(client.receive().isFrame());
    client.sendText(command);
    ASSERT_TRUE(upstream.waitForFrames(1));
    client.sendText(other);
    ASSERT_TRUE(upstream.waitForFrames(2));
    client.sendPing("hb");
    ASSERT_TRUE(client.receive().isFrame());  // the pong
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), 5u);
    const FrameRecord& e = rows[0];
    EXPECT_EQ(e.dir, kS2C);
    EXPECT_EQ(e.kind, 2) << describe(e);
    EXPECT_EQ(e.name, "chat.postMessage");
    EXPECT_EQ(e.channel_id, 11010004);
    EXPECT_EQ(e.message_id, 10004);
    EXPECT_EQ(e.user_id, 91010006);
    EXPECT_FALSE(e.has(MessageFlag::Malformed));

    const FrameRecord& c = rows[1];
    EXPECT_EQ(c.dir, kC2S);
    EXPECT_EQ(c.kind, 1) << describe(c);
    EXPECT_EQ(c.name, "ws_read_notification");
    EXPECT_EQ(c.channel_id, 1101000);
    EXPECT_EQ(c.message_id, 10000);

    const FrameRecord& o = rows[2];
    EXPECT_EQ(o.kind, 0) << describe(o);
    EXPECT_EQ(o.name, "");
    EXPECT_FALSE(o.has(MessageFlag::Malformed));

    EXPECT_EQ(rows[3].op, kOpPing);
    EXPECT_EQ(rows[3].kind, 3) << describe(rows[3]);
    EXPECT_EQ(rows[4].op, kOpPong);
    EXPECT_EQ(rows[4].kind, 3) << describe(rows[4]);
}

TEST(ProxyRecording, TimesAreMonotonicPerDirectionAndForwardedAfterArrival) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    const int64_t before = wallNowUs();
    for (int i = 0; i < 200; ++i) {
        client.sendText("{\"n\":" + std::to_string(i) + "}");
        if (i % 10 == 9) {
            client.sendBinary(randomBytes(static_cast<size_t>(i) * 100, static_cast<uint32_t>(i)));
        }
    }
    for (int i = 0; i < 220; ++i) {
        ASSERT_TRUE(client.receive().isFrame()) << i;
    }
    closeAndWait(client, harness);
    const int64_t after = wallNowUs();
    harness.stop();

    auto rows = harness.frames(harness.sessions().at(0).id);
    ASSERT_GE(rows.size(), 440u);
    int64_t last[2] = {-1, -1};
    for (const auto& row : rows) {
        ASSERT_TRUE(row.dir == kC2S || row.dir == kS2C) << describe(row);
        EXPECT_GE(row.t_us, 0) << describe(row);
        EXPECT_GE(row.t_us, last[row.dir]) << "t_us went backwards: " << describe(row);
        last[row.dir] = row.t_us;
        EXPECT_GE(row.fwd_us, row.t_us) << describe(row);
        EXPECT_GE(row.wall_us, before - 1000000) << describe(row);
        EXPECT_LE(row.wall_us, after + 1000000) << describe(row);
        EXPECT_EQ(row.size, static_cast<int64_t>(row.payload.size())) << describe(row);
    }
    expectUnbrokenSeqRuns(harness);
}

TEST(ProxyRecording, StopClosesLiveSessionsWith1001AndKeepsEveryRecord) {
    TestUpstream upstream;  // echo, replies to close
    ProxyHarness harness(upstream.url());
    TestClient client(harness.port(), "/");
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    for (int i = 0; i < 50; ++i) {
        client.sendText("message " + std::to_string(i));
        ASSERT_TRUE(client.receive().isFrame());
    }

    // stop() waits for close replies, so it runs beside the client that answers.
    std::thread stopper([&] { harness.stop(); });
    Received close = client.receiveOpcode(kOpClose);
    if (close.isFrame()) {
        EXPECT_EQ(close.frame.closeCode(), 1001);
        client.sendClose(1001, "");
    } else {
        ADD_FAILURE() << "the client got no close frame: " << toString(close);
    }
    stopper.join();
    auto upClose = upstream.waitForOpcode(kOpClose, 0, 1000);
    ASSERT_TRUE(upClose) << "the upstream got no close frame";
    EXPECT_EQ(upClose->closeCode(), 1001);

    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].close_code, 1001);
    EXPECT_EQ(sessions[0].closed_by, "proxy");
    EXPECT_TRUE(sessions[0].ended_us.has_value());
    auto rows = harness.frames(sessions[0].id);
    int texts[2] = {0, 0};
    for (const auto& row : rows) {
        if (row.op == kOpText) {
            EXPECT_EQ(row.payload, "message " + std::to_string(texts[row.dir])) << describe(row);
            ++texts[row.dir];
        }
    }
    EXPECT_EQ(texts[kC2S], 50);
    EXPECT_EQ(texts[kS2C], 50);
    expectUnbrokenSeqRuns(harness);
    EXPECT_EQ(harness.queryText("PRAGMA integrity_check"), "ok");
}

TEST(ProxyRecording, EverySessionHasAnUnbrokenSeqRun) {
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url());
    for (int s = 0; s < 3; ++s) {
        TestClient client(harness.port(), "/s" + std::to_string(s));
        ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
        for (int i = 0; i < 10 * (s + 1); ++i) {
            client.sendText(std::to_string(i));
            client.sendPing("p");
            ASSERT_TRUE(client.receive().isFrame());
        }
        closeAndWait(client, harness, static_cast<size_t>(s) + 1);
    }
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 3u);
    for (int s = 0; s < 3; ++s) {
        auto rows = harness.frames(sessions[s].id);
        // Each round: text c2s, ping c2s, echo s2c; then the two close frames.
        EXPECT_EQ(rows.size(), static_cast<size_t>(10 * (s + 1) * 3 + 2)) << "session " << sessions[s].id;
        EXPECT_EQ(rows.empty() ? 0 : rows.back().seq, static_cast<int64_t>(rows.size()));
    }
    expectUnbrokenSeqRuns(harness);
}

}  // namespace
}  // namespace rtmtap::test
