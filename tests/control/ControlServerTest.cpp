// The control socket of a running proxy, in process, on a real Proxy in front of a TestUpstream:
// the socket file (mode, stale file, a second server, long paths), the protocol with untrusted
// requests, and injection by session and by user in both directions.
#include "control/ControlClient.h"
#include "control/ControlServer.h"
#include "control/JsonLineChannel.h"
#include "control/LiveSessions.h"
#include "control/UnixSocketAddress.h"
#include "proxy/Proxy.h"
#include "tests/support/ControlFixture.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/StreamSocket.h>
#include <Poco/Timespan.h>

#include <gtest/gtest.h>

#include <chrono>
#include <cstring>
#include <fstream>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <thread>
#include <unistd.h>

namespace rtmtap::test {
namespace {

// ControlFixture's proxy and control server, and the requests these tests make.
class ControlServerTest : public ControlFixture {
protected:
    Poco::JSON::Object::Ptr ask(const std::string& request) {
        ControlClient client(db());
        return client.request(request);
    }

    // A raw connection to the control socket, for requests ControlClient would not send.
    std::unique_ptr<JsonLineChannel> raw() {
        UnixSocketAddress address(socketPath());
        Poco::Net::StreamSocket socket;
        socket.connect(address.address());
        socket.setReceiveTimeout(Poco::Timespan(10, 0));
        return std::make_unique<JsonLineChannel>(socket, 1u << 20);
    }
};

std::vector<int64_t> ids(const Poco::JSON::Object& answer, const std::string& key) {
    std::vector<int64_t> out;
    auto array = answer.getArray(key);
    for (size_t i = 0; array && i < array->size(); ++i) {
        out.push_back(array->get(i).convert<int64_t>());
    }
    return out;
}

TEST_F(ControlServerTest, SocketIsPrivateAndRemovedAtStop) {
    startServer();
    struct stat st {};
    ASSERT_EQ(::stat(socketPath().c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_TRUE(ask(R"({"cmd":"sessions"})")->getValue<bool>("ok"));
    server_->stop();
    EXPECT_NE(::stat(socketPath().c_str(), &st), 0);
    EXPECT_THROW(ControlClient client(db()), NoProxyRunning);
}

TEST_F(ControlServerTest, StaleSocketFileIsReplaced) {
    // What a killed proxy leaves: a socket file nobody listens on.
    int fd = ::socket(AF_UNIX, SOCK_STREAM, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    ASSERT_LT(socketPath().size(), sizeof addr.sun_path);
    std::strcpy(addr.sun_path, socketPath().c_str());
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr), 0);
    ::close(fd);
    try {
        ControlClient client(db());
        FAIL() << "connected to a stale socket";
    } catch (const NoProxyRunning& e) {
        EXPECT_NE(std::string(e.what()).find("left by one that ended"), std::string::npos) << e.what();
    }
    startServer();
    EXPECT_TRUE(ask(R"({"cmd":"sessions"})")->getValue<bool>("ok"));
}

TEST_F(ControlServerTest, ASecondServerOnALiveSocketIsRefusedAndTheFirstGoesOn) {
    startServer();
    try {
        ControlServer second(socketPath(), *proxy_, live_);
        FAIL() << "a second server took a live socket";
    } catch (const ControlSocketBusy& e) {
        EXPECT_NE(std::string(e.what()).find("another rtmtap proxy"), std::string::npos) << e.what();
    }
    EXPECT_TRUE(ask(R"({"cmd":"sessions"})")->getValue<bool>("ok"));
}

TEST_F(ControlServerTest, AFileThatIsNotASocketIsLeftAlone) {
    std::ofstream(socketPath()) << "mine";
    EXPECT_THROW(startServer(), std::runtime_error);
    std::ifstream in(socketPath());
    std::string text;
    in >> text;
    EXPECT_EQ(text, "mine");
}

TEST_F(ControlServerTest, APathLongerThanSunPathWorksThroughItsDirectory) {
    std::string deep = dir_.path();
    while (deep.size() < 150) {
        deep += "/a-rather-long-directory-name";
        ASSERT_EQ(::mkdir(deep.c_str(), 0700), 0);
    }
    std::string longDb = deep + "/rtmtap.db";
    std::string path = ControlServer::pathFor(longDb);
    ASSERT_GT(path.size(), UnixSocketAddress::kMaxPath);
    EXPECT_TRUE(UnixSocketAddress(path).viaDirectory());
    ControlServer server(path, *proxy_, live_);
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_TRUE(S_ISSOCK(st.st_mode));
    ControlClient client(longDb);
    EXPECT_TRUE(client.request(R"({"cmd":"sessions"})")->getValue<bool>("ok"));
    server.stop();
    EXPECT_NE(::stat(path.c_str(), &st), 0);
}

TEST_F(ControlServerTest, BadRequestsGetOneErrorAnswerEachAndRelayingGoesOn) {
    startServer();
    auto client = connect();
    auto channel = raw();
    const std::vector<std::pair<std::string, std::string>> cases = {
        {"not json", "bad_request"},
        {"[1,2]", "bad_request"},
        {R"({"cmd":42})", "bad_request"},
        {R"({"cmd":"reboot","id":7})", "unknown_command"},
        {R"({"cmd":"inject","dir":"c2s","payload":"x"})", "bad_request"},
        {R"({"cmd":"inject","session":1,"user":"1","dir":"c2s","payload":"x"})", "bad_request"},
        {R"({"cmd":"inject","session":1,"dir":"sideways","payload":"x"})", "bad_request"},
        {R"({"cmd":"inject","session":1,"dir":"c2s"})", "bad_request"},
        {R"({"cmd":"inject","session":1,"dir":"c2s","payload_base64":"***"})", "bad_request"},
        {R"({"cmd":"inject","session":1,"dir":"c2s","op":"close","payload":"x"})", "bad_request"},
        {R"({"cmd":"inject","session":1,"dir":"c2s","op":"ping","payload":")" + std::string(200, 'p') + "\"}",
         "bad_request"},
        {R"({"cmd":"inject","session":"one","dir":"c2s","payload":"x"})", "bad_request"},
        {R"({"cmd":"inject","session":999,"dir":"c2s","payload":"x"})", "not_live"},
        {std::string(300, '[') + std::string(300, ']'), "bad_request"},
    };
    for (const auto& [request, code] : cases) {
        SCOPED_TRACE(request.substr(0, 80));
        channel->writeLine(request);
        std::string line;
        ASSERT_EQ(channel->readLine(line), JsonLineChannel::Read::Line);
        Poco::JSON::Parser parser;
        auto answer = parser.parse(line).extract<Poco::JSON::Object::Ptr>();
        EXPECT_FALSE(answer->getValue<bool>("ok"));
        EXPECT_EQ(answer->getValue<std::string>("code"), code);
        EXPECT_FALSE(answer->getValue<std::string>("error").empty());
    }
    // The id comes back, on errors too.
    channel->writeLine(R"({"cmd":"reboot","id":7})");
    std::string line;
    ASSERT_EQ(channel->readLine(line), JsonLineChannel::Read::Line);
    EXPECT_NE(line.find("\"id\":7"), std::string::npos) << line;
    // The proxy relays as before, and the same connection still answers.
    client->sendText("still relayed");
    ASSERT_TRUE(upstream_.waitForFrames(1));
    EXPECT_EQ(upstream_.frames()[0].payload, "still relayed");
    channel->writeLine(R"({"cmd":"sessions","id":"s"})");
    ASSERT_EQ(channel->readLine(line), JsonLineChannel::Read::Line);
    EXPECT_NE(line.find("\"ok\":true,\"id\":\"s\""), std::string::npos) << line;
}

TEST_F(ControlServerTest, AnOverlongLineGetsAnErrorAndTheConnectionEnds) {
    ControlServerOptions options;
    options.maxLine = 64 * 1024;
    startServer(options);
    auto channel = raw();
    std::string huge(256 * 1024, 'x');  // no newline: the server must not wait for one
    try {
        channel->socket().sendBytes(huge.data(), static_cast<int>(huge.size()));
    } catch (const Poco::Exception&) {
        // The server may close before taking it all.
    }
    std::string line;
    ASSERT_EQ(channel->readLine(line), JsonLineChannel::Read::Line);
    EXPECT_NE(line.find("\"too_long\""), std::string::npos) << line;
    // Closed by the server: an end, or a reset for the bytes it left unread.
    JsonLineChannel::Read after = channel->readLine(line);
    EXPECT_TRUE(after == JsonLineChannel::Read::End || after == JsonLineChannel::Read::Error);
    EXPECT_TRUE(ask(R"({"cmd":"sessions"})")->getValue<bool>("ok"));
}

TEST_F(ControlServerTest, StalledClientsHoldUpNeitherTheProxyNorOtherClients) {
    ControlServerOptions options;
    options.idleTimeoutMs = 500;
    options.maxConnections = 2;
    startServer(options);
    auto client = connect();
    // Two clients that connect and never finish a request: one half a line, one nothing.
    auto silentOne = raw();
    auto halfLine = raw();
    halfLine->socket().sendBytes("{\"cmd\":", 7);
    // A third is answered (once a stalled one is let go), and the relay goes on meanwhile.
    client->sendText("while stalled");
    ASSERT_TRUE(upstream_.waitForFrames(1));
    EXPECT_TRUE(ask(R"({"cmd":"sessions"})")->getValue<bool>("ok"));
    std::string line;
    EXPECT_EQ(silentOne->readLine(line), JsonLineChannel::Read::End);  // closed by the server
    EXPECT_EQ(halfLine->readLine(line), JsonLineChannel::Read::End);
}

TEST_F(ControlServerTest, StopEndsOpenConnections) {
    startServer();
    auto channel = raw();
    channel->writeLine(R"({"cmd":"sessions"})");
    std::string line;
    ASSERT_EQ(channel->readLine(line), JsonLineChannel::Read::Line);
    server_->stop();  // returns although the connection is open and idle
    EXPECT_EQ(channel->readLine(line), JsonLineChannel::Read::End);
}

TEST_F(ControlServerTest, SessionsListsTheLiveOnes) {
    startServer();
    auto a = connect(91010006);
    auto b = connect();
    auto answer = ask(R"({"cmd":"sessions"})");
    ASSERT_TRUE(answer->getValue<bool>("ok"));
    auto sessions = answer->getArray("sessions");
    ASSERT_EQ(sessions->size(), 2u);
    LiveSession first = LiveSession::fromJson(*sessions->getObject(0));
    EXPECT_EQ(first.id, 1);
    EXPECT_EQ(first.user_id, 91010006);
    EXPECT_EQ(first.user_name, "u91010006@test.com");
    EXPECT_EQ(first.frames_c2s, 1u);
    LiveSession second = LiveSession::fromJson(*sessions->getObject(1));
    EXPECT_EQ(second.id, 2);
    EXPECT_FALSE(second.user_id);
    b->sendClose(1000, "bye");
    b->receiveOpcode(kOpClose);
    for (int i = 0; i < 500 && live_.list().size() != 1; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    EXPECT_EQ(ask(R"({"cmd":"sessions"})")->getArray("sessions")->size(), 1u);
}

TEST_F(ControlServerTest, InjectBySessionBothWays) {
    startServer();
    auto client = connect();
    auto toClient = ask(R"({"cmd":"inject","session":1,"dir":"s2c","payload":"{\"event\":\"x\"}"})");
    ASSERT_TRUE(toClient->getValue<bool>("ok"));
    EXPECT_EQ(ids(*toClient, "injected"), std::vector<int64_t>{1});
    Received r = client->receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, R"({"event":"x"})");
    EXPECT_EQ(r.opcode(), kOpText);

    auto toServer = ask(R"({"cmd":"inject","session":1,"dir":"c2s","op":"binary","payload_base64":"AAEC/w=="})");
    ASSERT_TRUE(toServer->getValue<bool>("ok"));
    ASSERT_TRUE(upstream_.waitForFrames(1));
    EXPECT_EQ(upstream_.frames()[0].payload, std::string("\x00\x01\x02\xff", 4));
    EXPECT_EQ(upstream_.frames()[0].opcode(), kOpBinary);
}

TEST_F(ControlServerTest, InjectByUserReachesEachOfTheirSessions) {
    startServer();
    auto a = connect(7);
    auto other = connect(8);
    auto b = connect(7);
    auto answer = ask(R"({"cmd":"inject","user":"7","dir":"s2c","payload":"hi seven"})");
    ASSERT_TRUE(answer->getValue<bool>("ok"));
    EXPECT_EQ(ids(*answer, "injected"), (std::vector<int64_t>{1, 3}));
    EXPECT_EQ(a->receive().frame.payload, "hi seven");
    EXPECT_EQ(b->receive().frame.payload, "hi seven");
    EXPECT_EQ(other->receive(300).kind, Received::Kind::Timeout);
    auto byName = ask(R"({"cmd":"inject","user":"u8@test.com","dir":"s2c","payload":"hi eight"})");
    EXPECT_EQ(ids(*byName, "injected"), std::vector<int64_t>{2});
    EXPECT_EQ(other->receive().frame.payload, "hi eight");
    auto nobody = ask(R"({"cmd":"inject","user":12345,"dir":"s2c","payload":"x"})");
    ASSERT_TRUE(nobody->getValue<bool>("ok"));
    EXPECT_TRUE(ids(*nobody, "injected").empty());
}

TEST_F(ControlServerTest, InjectIntoAnEndedSessionIsRefused) {
    startServer();
    auto client = connect();
    client->sendClose(1000, "bye");
    client->receiveOpcode(kOpClose);
    for (int i = 0; i < 500 && !live_.list().empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    auto answer = ask(R"({"cmd":"inject","session":1,"dir":"s2c","payload":"late"})");
    EXPECT_FALSE(answer->getValue<bool>("ok"));
    EXPECT_EQ(answer->getValue<std::string>("code"), "not_live");
    EXPECT_EQ(answer->getValue<std::string>("error"), "session 1 has ended");
    auto never = ask(R"({"cmd":"inject","session":5,"dir":"s2c","payload":"x"})");
    EXPECT_EQ(never->getValue<std::string>("error"), "there is no session 5 in this proxy (the newest is 1)");
}

}  // namespace
}  // namespace rtmtap::test
