// The test client against the test upstream with no proxy between them: shows the tools see the
// wire as it is, so a proxy test that fails points at the proxy, not at the tools.
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

namespace rtmtap::test {
namespace {

TEST(TestTools, EchoKeepsFlagsAndFragmentsArriveAsSent) {
    TestUpstream upstream;
    TestClient client(upstream.port(), "/direct?q=1", {{"X-Custom", "v"}});
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error() << client.body();
    ASSERT_TRUE(upstream.waitForRequests(1));
    EXPECT_EQ(upstream.requests()[0].uri, "/direct?q=1");
    EXPECT_EQ(upstream.requests()[0].header("x-custom").value_or(""), "v");

    client.sendBinary(randomBytes(1 << 20));
    Received big = client.receive();
    ASSERT_TRUE(big.isFrame()) << toString(big);
    EXPECT_EQ(big.frame.flags, kBinary);
    EXPECT_TRUE(big.frame.payload == randomBytes(1 << 20));

    // Without a proxy nothing joins fragments: three frames each way.
    client.sendRaw(0x01, "a");
    client.sendRaw(0x00, "b");
    client.sendRaw(0x80, "c");
    for (int flags : {0x01, 0x00, 0x80}) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        EXPECT_EQ(r.frame.flags, flags);
    }
    ASSERT_TRUE(upstream.waitForFrames(4));
    EXPECT_EQ(upstream.frames()[2].flags, 0x00);
}

TEST(TestTools, PingIsNotAnsweredUnlessAsked) {
    TestUpstream upstream;
    TestClient client(upstream.port());
    ASSERT_TRUE(client.open());
    client.sendPing("x");
    EXPECT_TRUE(upstream.waitForOpcode(kOpPing));
    EXPECT_EQ(client.receive(200).kind, Received::Kind::Timeout);
}

TEST(TestTools, CloseHandshakeAndDropsAreVisible) {
    TestUpstream upstream;
    {
        TestClient client(upstream.port());
        ASSERT_TRUE(client.open());
        client.sendClose(4001, "why");
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        EXPECT_EQ(r.frame.closeCode(), 4001);
        EXPECT_EQ(r.frame.closeReason(), "why");
        EXPECT_EQ(client.receive().kind, Received::Kind::Closed);
    }
    TestClient dropped(upstream.port());
    ASSERT_TRUE(dropped.open());
    ASSERT_TRUE(upstream.waitForConnections(2));
    upstream.drop(1);
    EXPECT_TRUE(dropped.receive().endedWithoutClose());
    TestClient dropper(upstream.port());
    ASSERT_TRUE(dropper.open());
    ASSERT_TRUE(upstream.waitForConnections(3));
    dropper.drop();
    ASSERT_TRUE(upstream.waitForEnd(2));
    EXPECT_TRUE(upstream.end(2).eof);
    EXPECT_TRUE(upstream.frames(2).empty());
}

TEST(TestTools, RefusalKeepsStatusAndBody) {
    TestUpstream::Options options;
    options.mode = TestUpstream::Mode::Refuse;
    options.refuseStatus = 401;
    options.refuseBody = "who are you";
    TestUpstream upstream(options);
    TestClient client(upstream.port());
    EXPECT_FALSE(client.open());
    EXPECT_EQ(client.status(), 401);
    EXPECT_EQ(client.body(), "who are you");
    EXPECT_EQ(client.responseHeader("Content-Type").value_or(""), "text/plain");
}

TEST(TestTools, SubprotocolIsChosen) {
    TestUpstream::Options options;
    options.subprotocol = "b";
    TestUpstream upstream(options);
    TestClient client(upstream.port(), "/", {}, {"a", "b"});
    ASSERT_TRUE(client.open());
    EXPECT_EQ(client.responseHeader("Sec-WebSocket-Protocol").value_or(""), "b");
}

TEST(TestTools, NeverAnsweringUpstreamTimesOutTheClient) {
    TestUpstream::Options options;
    options.mode = TestUpstream::Mode::NeverAnswer;
    TestUpstream upstream(options);
    TestClient client(upstream.port(), "/", {}, {}, 300);
    EXPECT_FALSE(client.open());
    EXPECT_EQ(client.status(), 0);
    EXPECT_NE(client.error(), "");
    EXPECT_TRUE(upstream.waitForRequests(1));
}

}  // namespace
}  // namespace rtmtap::test
