#include "replay/RtmClient.h"

#include "proxy/FrameCodec.h"
#include "proxy/HttpHead.h"

#include "tests/support/EchoUpstream.h"
#include "tests/support/FakeAirSendApi.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <cctype>
#include <chrono>
#include <functional>
#include <condition_variable>
#include <mutex>
#include <thread>

namespace rtmtap {
namespace {

using test::FakeAirSendApi;
using test::TestUpstream;

// Frames the client delivered, with a timed wait.
class Inbox {
public:
    RtmClient::FrameHandler handler() {
        return [this](const Message& m) {
            std::lock_guard<std::mutex> lock(mutex_);
            frames_.push_back(m);
            changed_.notify_all();
        };
    }
    bool waitFor(size_t n, int timeoutMs = 10000) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return frames_.size() >= n; });
    }
    std::vector<Message> frames() {
        std::lock_guard<std::mutex> lock(mutex_);
        return frames_;
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Message> frames_;
};

TestUpstream::Options silentUpstream() {
    TestUpstream::Options o;
    o.echo = false;
    return o;
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// A port nothing listens on: bound once, then released.
uint16_t closedPort() {
    Poco::Net::ServerSocket s(Poco::Net::SocketAddress("127.0.0.1", 0));
    uint16_t port = s.address().port();
    s.close();
    return port;
}

std::string errorOf(const std::function<void()>& f) {
    try {
        f();
    } catch (const RtmClientError& e) {
        return e.what();
    }
    return "(no RtmClientError)";
}

// A WebSocket server written out by hand for one connection, to see the frames as they are on the
// wire (POCO's server unmasks without telling whether a frame was masked). It answers the client's
// close frame with one of its own and then ends.
class RawServer {
public:
    struct Frame {
        FrameHeader header;
        std::string payload;  // unmasked
    };

    RawServer() : listener_(Poco::Net::SocketAddress("127.0.0.1", 0)) {
        thread_ = std::thread([this] { serve(); });
    }
    ~RawServer() { wait(); }
    std::string url() const { return "ws://127.0.0.1:" + std::to_string(listener_.address().port()) + "/"; }
    // The frames received, once the connection is over.
    std::vector<Frame> frames() {
        wait();
        return frames_;
    }

private:
    void wait() {
        if (thread_.joinable()) {
            thread_.join();
        }
    }

    void serve() {
        try {
            if (!listener_.poll(Poco::Timespan(10, 0), Poco::Net::Socket::SELECT_READ)) {
                return;
            }
            Poco::Net::StreamSocket socket = listener_.acceptConnection();
            socket.setReceiveTimeout(Poco::Timespan(10, 0));
            std::string data;
            size_t headEnd;
            while ((headEnd = data.find("\r\n\r\n")) == std::string::npos) {
                if (!receive(socket, data)) {
                    return;
                }
            }
            std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                                   "Sec-WebSocket-Accept: " +
                                   computeWebSocketAccept(header(data.substr(0, headEnd), "sec-websocket-key")) +
                                   "\r\n\r\n";
            socket.sendBytes(response.data(), static_cast<int>(response.size()));
            data.erase(0, headEnd + 4);
            readFrames(socket, data);
        } catch (const Poco::Exception&) {
            // The test sees the frames that arrived, or none.
        }
    }

    static bool receive(Poco::Net::StreamSocket& socket, std::string& data) {
        char buffer[4096];
        int n = socket.receiveBytes(buffer, sizeof buffer);
        data.append(buffer, static_cast<size_t>(std::max(n, 0)));
        return n > 0;
    }

    static std::string header(const std::string& head, const std::string& lowerName) {
        std::string lower = head;
        std::transform(lower.begin(), lower.end(), lower.begin(), [](unsigned char c) { return std::tolower(c); });
        size_t at = lower.find(lowerName + ":");
        if (at == std::string::npos) {
            return "";
        }
        size_t start = head.find_first_not_of(' ', at + lowerName.size() + 1);
        return head.substr(start, head.find("\r\n", start) - start);
    }

    void readFrames(Poco::Net::StreamSocket& socket, std::string& data) {
        for (;;) {
            FrameHeader h;
            HeaderParse parsed = parseFrameHeader(data.data(), data.size(), h);
            if (parsed == HeaderParse::Invalid) {
                return;
            }
            if (parsed == HeaderParse::Incomplete || data.size() < h.headerSize + h.length) {
                if (!receive(socket, data)) {
                    return;
                }
                continue;
            }
            std::string payload = data.substr(h.headerSize, h.length);
            data.erase(0, h.headerSize + h.length);
            if (h.masked) {
                applyMask(payload.data(), payload.size(), h.mask);
            }
            frames_.push_back({h, payload});
            if (h.opcode == 0x8) {
                std::string answer;
                appendFrameHeader(answer, true, 0x8, 2, nullptr);
                socket.sendBytes((answer + payload.substr(0, 2)).data(), static_cast<int>(answer.size() + 2));
                return;
            }
        }
    }

    Poco::Net::ServerSocket listener_;
    std::thread thread_;
    std::vector<Frame> frames_;
};

TEST(RtmClientTest, FullLoginFlowSendsWsAuthWithTheTokenFirst) {
    TestUpstream upstream(silentUpstream());
    FakeAirSendApi::Options apiOptions;
    apiOptions.wsEndpoint = upstream.url("/rtm");
    apiOptions.wsToken = "eyJ.ws.token";
    FakeAirSendApi api(apiOptions);

    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    std::string bearer = client.login(api.url(), "user1@example.test", "password");
    EXPECT_EQ(bearer, "bearer-token-1");
    RtmEndpoint endpoint = client.rtmConnect(api.url(), bearer);
    EXPECT_EQ(endpoint.wsEndpoint, upstream.url("/rtm"));
    EXPECT_EQ(endpoint.wsToken, "eyJ.ws.token");
    client.connect(endpoint.wsEndpoint, endpoint.wsToken, inbox.handler());
    client.sendText(R"({"command":"ws_ping"})");

    ASSERT_TRUE(upstream.waitForFrames(2));
    auto frames = upstream.frames();
    EXPECT_EQ(frames[0].flags, test::kText);
    auto auth = parse(frames[0].payload);
    EXPECT_EQ(auth->getValue<std::string>("command"), "ws_auth");
    EXPECT_EQ(auth->getValue<std::string>("auth_token"), "eyJ.ws.token");
    EXPECT_EQ(frames[1].payload, R"({"command":"ws_ping"})");
    EXPECT_EQ(upstream.requests().at(0).uri, "/rtm");

    auto requests = api.requests();
    ASSERT_EQ(requests.size(), 2u);
    EXPECT_EQ(requests[0].method, "POST");
    EXPECT_EQ(requests[0].uri, "/api/v1/user.login");
    EXPECT_EQ(requests[0].contentType, "application/x-www-form-urlencoded");
    EXPECT_EQ(requests[0].body, "user=user1%40example.test&password=password");
    EXPECT_EQ(requests[1].method, "GET");
    EXPECT_EQ(requests[1].uri, "/api/v1/rtm.connect");
    EXPECT_EQ(requests[1].authorization, "Bearer bearer-token-1");
}

TEST(RtmClientTest, FormFieldsAreEscaped) {
    FakeAirSendApi::Options apiOptions;
    apiOptions.user = "a&b=c d@x";
    apiOptions.password = "p+w%d&";
    FakeAirSendApi api(apiOptions);
    RtmClient client;
    EXPECT_EQ(client.login(api.url() + "/", apiOptions.user, apiOptions.password), "bearer-token-1");
}

TEST(RtmClientTest, BadCredentialsGiveLoginFailed401) {
    FakeAirSendApi api({});
    RtmClient client;
    std::string what = errorOf([&] { client.login(api.url(), "user1@example.test", "wrong"); });
    EXPECT_EQ(what.rfind("login failed: 401", 0), 0u) << what;
    EXPECT_NE(what.find("Invalid credentials"), std::string::npos) << what;
    EXPECT_EQ(what.find('\n'), std::string::npos);
}

TEST(RtmClientTest, BadBearerGivesRtmConnectFailed401) {
    FakeAirSendApi api({});
    RtmClient client;
    std::string what = errorOf([&] { client.rtmConnect(api.url(), "not-the-token"); });
    EXPECT_EQ(what.rfind("rtm.connect failed: 401", 0), 0u) << what;
}

TEST(RtmClientTest, AnswerWithoutEndpointIsAnError) {
    FakeAirSendApi::Options apiOptions;
    apiOptions.rtmConnectBody = R"({"meta":{"ok":true},"rtm":{"ws_token":"t"}})";
    FakeAirSendApi api(apiOptions);
    RtmClient client;
    std::string what = errorOf([&] { client.rtmConnect(api.url(), "bearer-token-1"); });
    EXPECT_NE(what.find("no rtm.ws_endpoint"), std::string::npos) << what;
}

TEST(RtmClientTest, UnreachableApiIsAnError) {
    RtmClient client;
    std::string url = "http://127.0.0.1:" + std::to_string(closedPort());
    std::string what = errorOf([&] { client.login(url, "u", "p"); });
    EXPECT_EQ(what.rfind("cannot reach the API at " + url, 0), 0u) << what;
}

TEST(RtmClientTest, BadUrlsAreErrors) {
    RtmClient client;
    EXPECT_NE(errorOf([&] { client.login("ftp://x", "u", "p"); }).find("invalid URL"), std::string::npos);
    EXPECT_NE(errorOf([&] { client.connect("nonsense", "t", {}); }).find("invalid URL"), std::string::npos);
}

TEST(RtmClientTest, RefusedUpgradeGivesTheStatus) {
    TestUpstream::Options o;
    o.mode = TestUpstream::Mode::Refuse;
    o.refuseStatus = 403;
    TestUpstream upstream(o);
    RtmClient client;
    std::string what = errorOf([&] { client.connect(upstream.url(), "t", {}); });
    EXPECT_EQ(what, "WebSocket upgrade refused by " + upstream.url() + ": 403 Forbidden");
}

TEST(RtmClientTest, ProtocolPingIsAnsweredWithPongCarryingTheSamePayload) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendPing("ping-42");
    auto pong = upstream.waitForOpcode(test::kOpPong);
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->payload, "ping-42");
    EXPECT_TRUE(pong->fin());
    EXPECT_EQ(client.pingsAnswered(), 1u);
    EXPECT_TRUE(inbox.frames().empty()) << "pings are not delivered";
}

TEST(RtmClientTest, EveryOpcodeReachesTheServerIntact) {
    TestUpstream upstream(silentUpstream());  // records every frame; answers a close with the same code
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    const std::string binary("\x00\xff\x80\x01", 4);
    client.send(Opcode::Text, "h\xc3\xa9llo");
    client.send(Opcode::Binary, binary);
    client.send(Opcode::Ping, "ping-1");
    client.send(Opcode::Pong, "pong-2");
    client.send(Opcode::Binary, "");
    client.sendText(R"({"command":"ws_ping"})");
    client.sendClose(4001, "replay over");
    ASSERT_TRUE(client.waitEnded(10000));
    EXPECT_EQ(client.endReason(), "") << "the client closed; the server only answered";

    ASSERT_TRUE(upstream.waitForFrames(8));
    auto frames = upstream.frames();
    ASSERT_EQ(frames.size(), 8u);
    EXPECT_EQ(frames[1].flags, 0x81);
    EXPECT_EQ(frames[1].payload, "h\xc3\xa9llo");
    EXPECT_EQ(frames[2].flags, 0x82);
    EXPECT_EQ(frames[2].payload, binary);
    EXPECT_EQ(frames[3].flags, 0x89);
    EXPECT_EQ(frames[3].payload, "ping-1");
    EXPECT_EQ(frames[4].flags, 0x8A);
    EXPECT_EQ(frames[4].payload, "pong-2");
    EXPECT_EQ(frames[5].flags, 0x82);
    EXPECT_EQ(frames[5].payload, "");
    EXPECT_EQ(frames[6].payload, R"({"command":"ws_ping"})");
    EXPECT_EQ(frames[7].flags, 0x88);
    EXPECT_EQ(frames[7].closeCode(), 4001);
    EXPECT_EQ(frames[7].closeReason(), "replay over");
    ASSERT_TRUE(inbox.waitFor(1));
    EXPECT_EQ(inbox.frames().back().op, Opcode::Close) << "the server's answer is delivered";
    client.close();  // after sendClose: nothing more to send, and idempotent
}

TEST(RtmClientTest, EveryFrameOnTheWireIsMasked) {
    RawServer server;
    {
        RtmClient client;
        client.connect(server.url(), "t", {});
        client.send(Opcode::Text, "text");
        client.send(Opcode::Binary, std::string(70000, 'b'));  // a 64-bit length
        client.send(Opcode::Ping, "ping");
        client.send(Opcode::Pong, "pong");
        client.close();
        EXPECT_EQ(client.endReason(), "");
    }
    auto frames = server.frames();
    ASSERT_EQ(frames.size(), 6u);
    const int opcodes[] = {0x1, 0x1, 0x2, 0x9, 0xA, 0x8};
    for (size_t i = 0; i < frames.size(); ++i) {
        EXPECT_TRUE(frames[i].header.masked) << "frame " << i;
        EXPECT_TRUE(frames[i].header.fin) << "frame " << i;
        EXPECT_EQ(frames[i].header.opcode, opcodes[i]) << "frame " << i;
    }
    EXPECT_EQ(parse(frames[0].payload)->getValue<std::string>("command"), "ws_auth");
    EXPECT_EQ(frames[1].payload, "text");
    EXPECT_EQ(frames[2].payload, std::string(70000, 'b'));
    EXPECT_EQ(frames[3].payload, "ping");
    EXPECT_EQ(frames[4].payload, "pong");
    EXPECT_EQ(frames[5].payload, std::string("\x03\xe8", 2));
}

TEST(RtmClientTest, PingAndPongReachTheHandlerWhenAsked) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClientOptions options;
    options.deliverPingPong = true;
    RtmClient client(options);
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendPing("p1");
    upstream.sendPong("unsolicited");
    ASSERT_TRUE(inbox.waitFor(2));
    auto frames = inbox.frames();
    EXPECT_EQ(frames[0].op, Opcode::Ping);
    EXPECT_EQ(frames[0].payload, "p1");
    EXPECT_EQ(frames[0].dir, Direction::ServerToClient);
    EXPECT_GE(frames[0].t_us, 0);
    EXPECT_EQ(frames[1].op, Opcode::Pong);
    EXPECT_EQ(frames[1].payload, "unsolicited");
    auto pong = upstream.waitForOpcode(test::kOpPong);
    ASSERT_TRUE(pong.has_value()) << "still answered by default";
    EXPECT_EQ(pong->payload, "p1");
    EXPECT_EQ(client.pingsAnswered(), 1u);
}

TEST(RtmClientTest, WithoutAutoPongTheCallerAnswers) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClientOptions options;
    options.autoPong = false;
    options.deliverPingPong = true;
    RtmClient client(options);
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendPing("p2");
    ASSERT_TRUE(inbox.waitFor(1));
    EXPECT_EQ(inbox.frames()[0].op, Opcode::Ping);
    // An automatic pong would have gone out before the ping was delivered, so before this one.
    client.sendText("marker");
    ASSERT_TRUE(upstream.waitForFrames(2));
    EXPECT_EQ(upstream.frames()[1].payload, "marker");
    client.send(Opcode::Pong, "p2");
    auto pong = upstream.waitForOpcode(test::kOpPong);
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->payload, "p2");
    EXPECT_EQ(upstream.frames().size(), 3u);
    EXPECT_EQ(client.pingsAnswered(), 0u);
}

TEST(RtmClientTest, FramesTheRfcForbidsAreRefused) {
    TestUpstream::Options o = silentUpstream();
    o.replyToClose = false;
    TestUpstream upstream(o);
    RtmClientOptions options;
    options.timeoutMs = 300;  // close() waits this long for an answer that never comes
    RtmClient client(options);
    client.connect(upstream.url(), "t", {});
    EXPECT_NE(errorOf([&] { client.send(Opcode::Continuation, "x"); }).find("continuation"), std::string::npos);
    std::string what = errorOf([&] { client.send(Opcode::Ping, std::string(126, 'p')); });
    EXPECT_EQ(what, "cannot send a ping frame of 126 bytes (at most 125, RFC 6455 5.5)");
    EXPECT_NE(errorOf([&] { client.sendClose(999, ""); }).find("1000 to 4999"), std::string::npos);
    EXPECT_NE(errorOf([&] { client.sendClose(1000, std::string(124, 'r')); }).find("at most 123"), std::string::npos);
    client.send(Opcode::Ping, std::string(125, 'p'));  // the largest allowed
    client.sendClose(1000, std::string(123, 'r'));
    what = errorOf([&] { client.sendText("late"); });
    EXPECT_EQ(what, "cannot send: the client already sent its close frame");
    EXPECT_EQ(errorOf([&] { client.send(Opcode::Close, ""); }), what);
    ASSERT_TRUE(upstream.waitForFrames(3));
    EXPECT_EQ(upstream.frames()[1].payload, std::string(125, 'p'));
    EXPECT_EQ(upstream.frames()[2].closeReason(), std::string(123, 'r'));
}

TEST(RtmClientTest, EventsReachTheCallbackWholeAndInOrder) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendText(R"({"event":"chat.userTyping","payload":{"channel_id":11010000}})");
    upstream.sendRaw(0x01, R"({"event":"chat.)");  // a fragmented text message
    upstream.sendRaw(0x00, R"(postMessage",)");
    upstream.sendRaw(0x80, R"("payload":{}})");
    upstream.sendBinary(std::string("\x00\xff", 2));
    ASSERT_TRUE(inbox.waitFor(3));
    auto frames = inbox.frames();
    EXPECT_EQ(frames[0].payload, R"({"event":"chat.userTyping","payload":{"channel_id":11010000}})");
    EXPECT_EQ(frames[0].op, Opcode::Text);
    EXPECT_EQ(frames[0].dir, Direction::ServerToClient);
    EXPECT_EQ(frames[1].payload, R"({"event":"chat.postMessage","payload":{}})");
    EXPECT_EQ(frames[2].op, Opcode::Binary);
    EXPECT_EQ(frames[2].payload, std::string("\x00\xff", 2));
    EXPECT_LE(frames[0].t_us, frames[2].t_us);
}

TEST(RtmClientTest, ServerCloseIsAnsweredAndReported) {
    TestUpstream upstream(silentUpstream());
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client;
    client.connect(upstream.url(), "t", inbox.handler());
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendClose(1001, "going away");
    ASSERT_TRUE(client.waitEnded(10000));
    EXPECT_EQ(client.endReason(), "closed by the server: 1001 going away");
    auto reply = upstream.waitForOpcode(test::kOpClose);
    ASSERT_TRUE(reply.has_value());
    EXPECT_EQ(reply->closeCode(), 1001);
    ASSERT_TRUE(inbox.waitFor(1));
    EXPECT_EQ(inbox.frames()[0].op, Opcode::Close);
    std::string what = errorOf([&] { client.sendText("{}"); });
    EXPECT_EQ(what.rfind("cannot send: closed by the server", 0), 0u) << what;
}

TEST(RtmClientTest, DroppedConnectionIsReported) {
    TestUpstream upstream(silentUpstream());
    RtmClient client;
    client.connect(upstream.url(), "t", {});
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.drop();
    ASSERT_TRUE(client.waitEnded(10000));
    EXPECT_EQ(client.endReason(), "connection dropped by the server (no close frame)");
}

TEST(RtmClientTest, CloseSendsCloseFrame1000AndEnds) {
    TestUpstream upstream(silentUpstream());
    RtmClient client;
    client.connect(upstream.url(), "t", {});
    ASSERT_TRUE(upstream.waitForFrames(1));
    client.close();
    EXPECT_TRUE(client.ended());
    EXPECT_EQ(client.endReason(), "");
    auto close = upstream.waitForOpcode(test::kOpClose);
    ASSERT_TRUE(close.has_value());
    EXPECT_EQ(close->closeCode(), 1000);
    ASSERT_TRUE(upstream.waitForEnd());
    client.close();  // idempotent
}

TEST(RtmClientTest, WssEndpointWithTheRightCa) {
    test::EchoUpstream::Options o;
    o.tlsCert = std::string(RTMTAP_TEST_DATA) + "/server.pem";
    o.tlsKey = std::string(RTMTAP_TEST_DATA) + "/server.key";
    test::EchoUpstream upstream(o);
    RtmClientOptions options;
    options.caFile = std::string(RTMTAP_TEST_DATA) + "/ca.pem";
    Inbox inbox;  // declared first: it must outlive the client, whose reader thread delivers to it
    RtmClient client(options);
    client.connect(upstream.url("", "localhost"), "tls-token", inbox.handler());
    client.sendText(R"({"command":"ws_ping"})");
    ASSERT_TRUE(inbox.waitFor(2));  // the echoes of ws_auth and of the command
    auto frames = inbox.frames();
    EXPECT_EQ(parse(frames[0].payload)->getValue<std::string>("auth_token"), "tls-token");
    EXPECT_EQ(frames[1].payload, R"({"command":"ws_ping"})");
    client.close();
    EXPECT_EQ(client.endReason(), "");
}

TEST(RtmClientTest, WssEndpointWithAWrongCaIsRefused) {
    test::EchoUpstream::Options o;
    o.tlsCert = std::string(RTMTAP_TEST_DATA) + "/server.pem";
    o.tlsKey = std::string(RTMTAP_TEST_DATA) + "/server.key";
    test::EchoUpstream upstream(o);
    RtmClientOptions options;
    options.caFile = std::string(RTMTAP_TEST_DATA) + "/other-ca.pem";
    RtmClient client(options);
    std::string what = errorOf([&] { client.connect(upstream.url("", "localhost"), "t", {}); });
    EXPECT_EQ(what.rfind("cannot connect to " + upstream.url("", "localhost") + ": ", 0), 0u) << what;
    EXPECT_EQ(upstream.echoed(), 0u);

    RtmClientOptions insecure;
    insecure.insecure = true;
    RtmClient unchecked(insecure);
    unchecked.connect(upstream.url(), "t", {});
    unchecked.close();
}

}  // namespace
}  // namespace rtmtap
