// Intercepting on the control socket, in process: a real Proxy in front of a TestUpstream, its
// ControlServer, and a raw control connection as the controller. Frames are held and announced,
// forwarded, dropped, edited, forwarded all, expire, and are all released when the controller's
// connection ends; what is not matched, the other direction and other sessions go on.
#include "control/ControlServer.h"
#include "control/JsonLineChannel.h"
#include "control/LiveSessions.h"
#include "control/UnixSocketAddress.h"
#include "protocol/Base64.h"
#include "protocol/JsonText.h"
#include "proxy/Proxy.h"
#include "tests/support/ControlFixture.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <gtest/gtest.h>

#include <chrono>
#include <deque>
#include <thread>

namespace rtmtap::test {
namespace {

using Object = Poco::JSON::Object::Ptr;

Object parse(const std::string& line) {
    Poco::JSON::Parser parser;
    return parser.parse(line).extract<Object>();
}

// The controller's end of an intercepting connection: answers and events told apart.
class Controller {
public:
    explicit Controller(const std::string& socketPath) {
        UnixSocketAddress address(socketPath);
        Poco::Net::StreamSocket socket;
        socket.connect(address.address());
        socket.setReceiveTimeout(Poco::Timespan(10, 0));
        channel_ = std::make_unique<JsonLineChannel>(socket, 64u << 20);
    }

    // Sends a request and returns its answer; events that come first are kept for event().
    Object request(const std::string& json) {
        channel_->writeLine(json);
        for (;;) {
            Object line = next();
            if (!line) {
                return nullptr;
            }
            if (line->has("ok")) {
                return line;
            }
            events_.push_back(line);
        }
    }

    // The next event; null when none came within the receive timeout.
    Object event() {
        if (!events_.empty()) {
            Object e = events_.front();
            events_.pop_front();
            return e;
        }
        Object line = next();
        EXPECT_TRUE(!line || line->has("event")) << "an answer nobody asked for";
        return line;
    }

    Object decide(int64_t id, const std::string& action, const std::string& extra = "") {
        return request(R"({"cmd":"decide","id":)" + std::to_string(id) + R"(,"action":")" + action + "\"" + extra + "}");
    }

    void close() { channel_->socket().close(); }
    JsonLineChannel& channel() { return *channel_; }

private:
    Object next() {
        std::string line;
        if (channel_->readLine(line) != JsonLineChannel::Read::Line) {
            return nullptr;
        }
        return parse(line);
    }

    std::unique_ptr<JsonLineChannel> channel_;
    std::deque<Object> events_;
};

class InterceptTest : public ControlFixture {
protected:
    InterceptTest() {
        ControlServerOptions options;
        options.idleTimeoutMs = 200;  // an intercepting connection outlives it
        startServer(options);
    }

    std::unique_ptr<Controller> intercept(const std::string& request) {
        auto controller = std::make_unique<Controller>(server_->path());
        Object ok = controller->request(request);
        EXPECT_TRUE(ok && ok->getValue<bool>("ok")) << (ok ? ok->optValue<std::string>("error", "") : "no answer");
        return controller;
    }
};

std::string text(const Received& r) {
    return r.isFrame() ? r.frame.payload : "<" + toString(r) + ">";
}

const std::string kChatA = R"({"event":"chat.postMessage","payload":{"n":1}})";
const std::string kChatB = R"({"event":"chat.deleteMessage","payload":{"n":2}})";
const std::string kOther = R"({"event":"user.online"})";

TEST_F(InterceptTest, HeldFramesAreAnnouncedThenForwardedDroppedOrEdited) {
    auto client = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"dir":"s2c","event":"chat.*"}})");
    std::this_thread::sleep_for(std::chrono::milliseconds(500));  // past the idle timeout: still there

    upstream_.sendText(kChatA);
    Object held = controller->event();
    ASSERT_TRUE(held);
    EXPECT_EQ(held->getValue<std::string>("event"), "held");
    EXPECT_EQ(held->getValue<int64_t>("id"), 1);
    EXPECT_EQ(held->getValue<int64_t>("session"), 1);
    EXPECT_EQ(held->getValue<std::string>("dir"), "s2c");
    EXPECT_EQ(held->getValue<std::string>("op"), "text");
    EXPECT_EQ(held->getValue<std::string>("kind"), "event");
    EXPECT_EQ(held->getValue<std::string>("name"), "chat.postMessage");
    EXPECT_EQ(held->getValue<int64_t>("size"), int64_t(kChatA.size()));
    EXPECT_EQ(held->getValue<int64_t>("hold_timeout_ms"), 60000);
    EXPECT_EQ(held->getValue<std::string>("payload"), kChatA);
    EXPECT_EQ(client->receive(200).kind, Received::Kind::Timeout) << "held";
    Object forwarded = controller->decide(1, "forward");
    ASSERT_TRUE(forwarded);
    EXPECT_TRUE(forwarded->getValue<bool>("ok"));
    EXPECT_EQ(forwarded->getValue<int64_t>("id"), 1);
    EXPECT_EQ(text(client->receive()), kChatA);

    upstream_.sendText(kChatB);
    upstream_.sendText(kOther);  // not matched: waits behind the held frame, then goes on
    ASSERT_TRUE(held = controller->event());
    EXPECT_EQ(held->getValue<int64_t>("id"), 2);
    EXPECT_EQ(client->receive(200).kind, Received::Kind::Timeout);
    EXPECT_TRUE(controller->decide(2, "drop")->getValue<bool>("ok"));
    EXPECT_EQ(text(client->receive()), kOther) << "the dropped frame never arrives";

    upstream_.sendText(kChatA);
    ASSERT_TRUE(held = controller->event());
    EXPECT_EQ(held->getValue<int64_t>("id"), 3);
    Object bad = controller->decide(3, "edit", R"(,"payload_base64":"not base64!")");
    EXPECT_FALSE(bad->getValue<bool>("ok"));
    EXPECT_EQ(bad->getValue<std::string>("code"), "bad_request");
    const std::string edited = "{\n  \"event\": \"chat.postMessage\",\n  \"payload\": {\"n\": 99}\n}";
    Object ok = controller->decide(3, "edit", ",\"payload\":" + jsonString(edited));
    ASSERT_TRUE(ok);
    EXPECT_TRUE(ok->getValue<bool>("ok")) << ok->optValue<std::string>("error", "");
    EXPECT_EQ(text(client->receive()), edited) << "sent as given, byte for byte";
    Object again = controller->decide(3, "forward");
    EXPECT_EQ(again->getValue<std::string>("code"), "not_held");
}

TEST_F(InterceptTest, BinaryFramesComeAsBase64AndEditAsBase64) {
    auto client = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"op":"binary"}})");
    const std::string bytes("\x00\xff\x01 binary", 10);
    upstream_.sendBinary(bytes);
    Object held = controller->event();
    ASSERT_TRUE(held);
    EXPECT_FALSE(held->has("payload"));
    EXPECT_EQ(decodeBase64(held->getValue<std::string>("payload_base64")), bytes);
    EXPECT_EQ(held->getValue<std::string>("op"), "binary");
    EXPECT_TRUE(held->isNull("name"));
    const std::string instead("\x01\x02\xfe", 3);
    Object ok = controller->decide(1, "edit", R"(,"payload_base64":")" + encodeBase64(instead) + "\"");
    EXPECT_TRUE(ok->getValue<bool>("ok")) << ok->optValue<std::string>("error", "");
    Received r = client->receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.opcode(), kOpBinary);
    EXPECT_EQ(r.frame.payload, instead);
}

// Only the held frame's session and direction wait: the client's frames reach the server, and
// another session's frames reach its client.
TEST_F(InterceptTest, TheOtherDirectionAndOtherSessionsGoOn) {
    auto first = connect();
    auto second = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"event":"chat.*"}})");
    upstream_.sendText(kChatA, 0);
    Object held = controller->event();
    ASSERT_TRUE(held);
    EXPECT_EQ(held->getValue<int64_t>("session"), 1);
    upstream_.sendText(kOther, 0);  // behind the held one
    first->sendText(R"({"command":"ws_ping"})");
    ASSERT_TRUE(upstream_.waitForFrames(1, 0)) << "the client-to-server direction is not held";
    upstream_.sendText(kOther, 1);
    EXPECT_EQ(text(second->receive()), kOther) << "another session is not held";
    EXPECT_EQ(first->receive(200).kind, Received::Kind::Timeout);
    EXPECT_TRUE(controller->decide(1, "forward")->getValue<bool>("ok"));
    EXPECT_EQ(text(first->receive()), kChatA);
    EXPECT_EQ(text(first->receive()), kOther) << "in the order they came";
}

TEST_F(InterceptTest, AFrameWhoseHoldTimePassesGoesOnUnchangedAndIsSaid) {
    auto client = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"event":"chat.*"},"hold_timeout_ms":300})");
    upstream_.sendText(kChatA);
    Object held = controller->event();
    ASSERT_TRUE(held);
    EXPECT_EQ(held->getValue<int64_t>("hold_timeout_ms"), 300);
    Object expired = controller->event();
    ASSERT_TRUE(expired);
    EXPECT_EQ(expired->getValue<std::string>("event"), "expired");
    EXPECT_EQ(expired->getValue<int64_t>("id"), 1);
    EXPECT_EQ(expired->getValue<int64_t>("session"), 1);
    EXPECT_EQ(text(client->receive()), kChatA);
    Object late = controller->decide(1, "drop");
    EXPECT_EQ(late->getValue<std::string>("code"), "not_held");
}

TEST_F(InterceptTest, ForwardAllReleasesEverythingAndStopsHolding) {
    auto client = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"event":"chat.*"}})");
    upstream_.sendText(kChatA);
    upstream_.sendText(kChatB);
    ASSERT_TRUE(controller->event());
    ASSERT_TRUE(controller->event());
    Object all = controller->request(R"({"cmd":"forward_all"})");
    ASSERT_TRUE(all);
    EXPECT_TRUE(all->getValue<bool>("ok"));
    EXPECT_EQ(all->getValue<int64_t>("forwarded"), 2);
    EXPECT_EQ(text(client->receive()), kChatA);
    EXPECT_EQ(text(client->receive()), kChatB);
    upstream_.sendText(kChatA);
    EXPECT_EQ(text(client->receive()), kChatA) << "nothing is held any more";
    Object sessions = controller->request(R"({"cmd":"sessions"})");
    EXPECT_TRUE(sessions && sessions->getValue<bool>("ok")) << "the connection answers plain requests again";
}

TEST_F(InterceptTest, WhenTheControllerGoesAwayEveryHeldFrameGoesOn) {
    auto first = connect();
    auto second = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{}})");
    upstream_.sendText(kChatA, 0);
    upstream_.sendText(kChatB, 1);
    second->sendText(R"({"command":"ws_ping"})");
    for (int i = 0; i < 3; ++i) {
        ASSERT_TRUE(controller->event());
    }
    EXPECT_EQ(first->receive(100).kind, Received::Kind::Timeout);
    controller->close();
    const auto start = std::chrono::steady_clock::now();
    EXPECT_EQ(text(first->receive(5000)), kChatA);
    EXPECT_EQ(text(second->receive(5000)), kChatB);
    ASSERT_TRUE(upstream_.waitForFrames(1, 1, 5000));
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::seconds(30)) << "not by the hold timeout";
    upstream_.sendText(kOther, 0);
    EXPECT_EQ(text(first->receive()), kOther) << "the filter is gone";
}

// Frames held in the loop threads while the connection ends are released all the same (the
// closed flag and the registry share one lock): none waits for its hold time.
TEST_F(InterceptTest, FramesHeldWhileTheConnectionEndsAreNotLost) {
    auto client = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"event":"chat.*"}})");
    constexpr int kFrames = 300;
    std::thread sender([&] {
        for (int i = 0; i < kFrames; ++i) {
            upstream_.sendText(R"({"event":"chat.n","payload":{"i":)" + std::to_string(i) + "}}");
        }
    });
    ASSERT_TRUE(controller->event());
    controller->close();
    sender.join();
    for (int i = 0; i < kFrames; ++i) {
        Received r = client->receive(5000);
        ASSERT_EQ(text(r), R"({"event":"chat.n","payload":{"i":)" + std::to_string(i) + "}}") << i;
    }
}

TEST_F(InterceptTest, AFrameOfASessionThatEndsIsSaid) {
    auto client = connect();
    auto controller = intercept(R"({"cmd":"intercept","match":{"dir":"s2c"}})");
    upstream_.sendText(kChatA);
    ASSERT_TRUE(controller->event());
    client->drop();
    Object ended = controller->event();
    ASSERT_TRUE(ended);
    EXPECT_EQ(ended->getValue<std::string>("event"), "ended");
    EXPECT_EQ(ended->getValue<int64_t>("id"), 1);
    EXPECT_EQ(controller->decide(1, "forward")->getValue<std::string>("code"), "not_held");
}

TEST_F(InterceptTest, BadRequestsSayWhatIsWrong) {
    Controller plain(server_->path());
    EXPECT_EQ(plain.request(R"({"cmd":"decide","id":1,"action":"forward"})")->getValue<std::string>("code"),
              "not_intercepting");
    Object bad = plain.request(R"({"cmd":"intercept","match":{"event":"[x"}})");
    EXPECT_EQ(bad->getValue<std::string>("code"), "bad_request");
    EXPECT_NE(bad->getValue<std::string>("error").find("match.event"), std::string::npos)
        << bad->getValue<std::string>("error");
    EXPECT_NE(plain.request(R"({"cmd":"intercept","match":{"nth":2}})")->getValue<std::string>("error").find("match.nth"),
              std::string::npos);
    EXPECT_EQ(plain.request(R"({"cmd":"intercept","hold_timeout_ms":0})")->getValue<std::string>("code"), "bad_request");
    EXPECT_EQ(plain.request(R"({"cmd":"intercept","match":[]})")->getValue<std::string>("code"), "bad_request");

    auto controller = intercept(R"({"cmd":"intercept"})");
    EXPECT_EQ(controller->request(R"({"cmd":"intercept"})")->getValue<std::string>("code"), "intercepting");
    EXPECT_EQ(controller->decide(5, "forward")->getValue<std::string>("code"), "not_held");
    EXPECT_EQ(controller->decide(5, "maybe")->getValue<std::string>("code"), "bad_request");
    EXPECT_EQ(controller->request("not json")->getValue<std::string>("code"), "bad_request");
}

}  // namespace
}  // namespace rtmtap::test
