// `rtmtap client` as a process: the built binary against a fake API and a scriptable WebSocket
// server on loopback.
#include "tests/support/FakeAirSendApi.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <sstream>

namespace rtmtap::test {
namespace {

std::string writeFile(const TempDir& dir, const std::string& name, const std::string& text) {
    std::ofstream out(dir.file(name));
    out << text;
    return dir.file(name);
}

std::vector<std::string> lines(const std::string& text) {
    std::vector<std::string> out;
    std::istringstream in(text);
    std::string line;
    while (std::getline(in, line)) {
        if (!line.empty()) {
            out.push_back(line);
        }
    }
    return out;
}

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// An API whose rtm.connect points at upstream.
struct Servers {
    explicit Servers(TestUpstream::Options o = {}) : upstream(o), api(apiOptions(upstream)) {}
    static FakeAirSendApi::Options apiOptions(const TestUpstream& upstream) {
        FakeAirSendApi::Options o;
        o.wsEndpoint = upstream.url();
        o.wsToken = "the-ws-token";
        return o;
    }
    std::vector<std::string> login() const {
        return {"client", "--api", api.url(), "--user", "user1@example.test", "--password", "password"};
    }
    TestUpstream upstream;
    FakeAirSendApi api;
};

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// Runs the client to its end and checks the error contract: exit 2, one line on stderr.
std::string expectOneLineError(const std::vector<std::string>& args) {
    std::string out, err;
    ExitStatus s = Process::run(args, out, err);
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe() << "\n" << err;
    auto errLines = lines(err);
    EXPECT_EQ(errLines.size(), 1u) << err;
    return errLines.empty() ? "" : errLines[0];
}

TEST(ClientCommandTest, ScriptRunsInOrderAfterWsAuthAndJsonlParses) {
    Servers s;  // the upstream echoes, so every command comes back as an s2c frame
    TempDir dir;
    std::string script = writeFile(dir, "s.jsonl",
                                   "# typing, then a read notification\n"
                                   "{\"command\":\"ws_ephemeral_typing\",\"channel_id\":11010000}\n"
                                   "\n"
                                   "{\"after_ms\":300,\"command\":\"ws_read_notification\",\"channel_id\":11010000,"
                                   "\"message_id\":10000}\n"
                                   "{\"after_ms\":200,\"command\":\"ws_ping\"}\n");
    std::string out, err;
    ExitStatus status = Process::run(s.login() + std::vector<std::string>{"--script", script, "--jsonl"}, out, err);
    ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << err;

    auto frames = s.upstream.frames();
    ASSERT_GE(frames.size(), 4u);
    auto auth = parse(frames[0].payload);
    EXPECT_EQ(auth->getValue<std::string>("command"), "ws_auth");
    EXPECT_EQ(auth->getValue<std::string>("auth_token"), "the-ws-token");
    EXPECT_EQ(frames[1].payload, R"({"command":"ws_ephemeral_typing","channel_id":11010000})");
    EXPECT_EQ(frames[2].payload, R"({"command":"ws_read_notification","channel_id":11010000,"message_id":10000})");
    EXPECT_EQ(frames[3].payload, R"({"command":"ws_ping"})");
    EXPECT_EQ(frames.back().opcode(), kOpClose) << "the client ends with a close frame";

    std::vector<int64_t> sentAt;
    int received = 0;
    for (const std::string& line : lines(out)) {
        auto obj = parse(line);  // throws (fails the test) on a line that is not JSON
        ASSERT_TRUE(obj->has("t_ms") && obj->has("dir") && obj->has("data")) << line;
        if (obj->getValue<std::string>("dir") == "c2s") {
            sentAt.push_back(obj->getValue<int64_t>("t_ms"));
        } else if (obj->getValue<std::string>("op") == "text") {
            EXPECT_TRUE(obj->getObject("data")->has("command")) << line;  // the echo, embedded as JSON
            ++received;
        }
    }
    ASSERT_EQ(sentAt.size(), 3u) << out;
    EXPECT_EQ(received, 4) << out;  // the echoes of ws_auth and the three commands
    // Delays count from the previous step: never earlier.
    EXPECT_GE(sentAt[1], sentAt[0] + 300);
    EXPECT_GE(sentAt[2], sentAt[1] + 200);
    EXPECT_NE(err.find("rtmtap: done: "), std::string::npos) << err;
}

TEST(ClientCommandTest, ReadableLinesNameTheEvent) {
    TestUpstream::Options o;
    o.echo = false;
    Servers s(o);
    Process p(s.login() + std::vector<std::string>{"--duration", "60"});
    ASSERT_TRUE(s.upstream.waitForFrames(1));
    s.upstream.sendText(R"({"meta":{"api":"v1"},"event":"chat.userTyping","payload":{"user":{"id":91010006},"channel_id":11010004}})");
    s.upstream.sendText("plain words");
    p.signal(SIGINT);
    ExitStatus status = p.waitExit();
    ASSERT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << p.err();
    auto out = lines(p.out());
    ASSERT_GE(out.size(), 2u) << p.out();
    EXPECT_NE(out[0].find(" < chat.userTyping channel=11010004 user=91010006 {"), std::string::npos) << out[0];
    EXPECT_NE(out[1].find(" < (not JSON) plain words"), std::string::npos) << out[1];
}

TEST(ClientCommandTest, PingIsAnsweredAndSigintClosesCleanly) {
    TestUpstream::Options o;
    o.echo = false;
    Servers s(o);
    Process p({"client", "--ws", s.upstream.url(), "--token", "tok"});  // no script, no duration: until SIGINT
    ASSERT_TRUE(s.upstream.waitForFrames(1));
    EXPECT_EQ(parse(s.upstream.frames()[0].payload)->getValue<std::string>("auth_token"), "tok");
    EXPECT_TRUE(s.api.requests().empty()) << "--ws skips the HTTP steps";
    s.upstream.sendPing("p1");
    auto pong = s.upstream.waitForOpcode(kOpPong);
    ASSERT_TRUE(pong.has_value());
    EXPECT_EQ(pong->payload, "p1");
    p.signal(SIGINT);
    ExitStatus status = p.waitExit();
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << p.err();
    auto close = s.upstream.waitForOpcode(kOpClose);
    ASSERT_TRUE(close.has_value());
    EXPECT_EQ(close->closeCode(), 1000);
    EXPECT_NE(p.err().find("1 pings answered"), std::string::npos) << p.err();
}

TEST(ClientCommandTest, DurationEndsTheRunWithoutAScript) {
    Servers s;
    std::string out, err;
    ExitStatus status = Process::run(s.login() + std::vector<std::string>{"--duration", "0.3"}, out, err);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << err;
    EXPECT_GE(s.upstream.frames().size(), 1u);
}

TEST(ClientCommandTest, BadCredentialsExit2WithOneLine) {
    Servers s;
    std::string line = expectOneLineError({"client", "--api", s.api.url(), "--user", "user1@example.test",
                                           "--password", "wrong"});
    EXPECT_EQ(line.rfind("rtmtap: login failed: 401", 0), 0u) << line;
}

TEST(ClientCommandTest, UnreachableApiExit2WithOneLine) {
    Poco::Net::ServerSocket socket(Poco::Net::SocketAddress("127.0.0.1", 0));
    std::string url = "http://127.0.0.1:" + std::to_string(socket.address().port());
    socket.close();
    std::string line = expectOneLineError({"client", "--api", url, "--user", "u", "--password", "p"});
    EXPECT_EQ(line.rfind("rtmtap: cannot reach the API at " + url, 0), 0u) << line;
}

TEST(ClientCommandTest, ScriptLineNotJsonExit2BeforeAnyLogin) {
    Servers s;
    TempDir dir;
    std::string script = writeFile(dir, "bad.jsonl", "{\"command\":\"ws_ping\"}\n{oops}\n");
    std::string line = expectOneLineError(s.login() + std::vector<std::string>{"--script", script});
    EXPECT_EQ(line, "rtmtap: script '" + script + "' line 2: not a JSON object: {oops}");
    EXPECT_TRUE(s.api.requests().empty());
    line = expectOneLineError(s.login() + std::vector<std::string>{"--script", dir.file("none.jsonl")});
    EXPECT_EQ(line.rfind("rtmtap: cannot read script", 0), 0u) << line;
}

TEST(ClientCommandTest, MissingEndpointAndRefusedUpgradeExit2WithOneLine) {
    FakeAirSendApi::Options o;
    o.rtmConnectBody = R"({"meta":{"ok":true},"rtm":{}})";
    FakeAirSendApi api(o);
    std::string line = expectOneLineError({"client", "--api", api.url(), "--user", "user1@example.test",
                                           "--password", "password"});
    EXPECT_EQ(line.rfind("rtmtap: rtm.connect failed: the answer has no rtm.ws_endpoint", 0), 0u) << line;

    TestUpstream::Options refuse;
    refuse.mode = TestUpstream::Mode::Refuse;
    refuse.refuseStatus = 401;
    TestUpstream upstream(refuse);
    line = expectOneLineError({"client", "--ws", upstream.url(), "--token", "t"});
    EXPECT_EQ(line, "rtmtap: WebSocket upgrade refused by " + upstream.url() + ": 401 Unauthorized");
}

TEST(ClientCommandTest, ServerDroppingTheSessionEarlyExit2WithOneLine) {
    TestUpstream::Options o;
    o.echo = false;
    TestUpstream upstream(o);
    Process p({"client", "--ws", upstream.url(), "--token", "t", "--duration", "60"});
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.drop();
    ExitStatus status = p.waitExit();
    EXPECT_TRUE(status.exited && status.code == 2) << status.describe();
    auto errLines = p.errLines();
    ASSERT_EQ(errLines.size(), 1u) << p.err();
    EXPECT_EQ(errLines[0], "rtmtap: the server ended the session early: connection dropped by the server (no close frame)");
}

TEST(ClientCommandTest, BadOptionsExit2WithOneLine) {
    EXPECT_EQ(expectOneLineError({"client"}).rfind("rtmtap: no server given", 0), 0u);
    EXPECT_EQ(expectOneLineError({"client", "--ws", "ws://127.0.0.1:1"}).rfind("rtmtap: --ws needs --token", 0), 0u);
    EXPECT_EQ(expectOneLineError({"client", "--api", "http://127.0.0.1:1", "--user", "u"})
                  .rfind("rtmtap: --api needs --user and --password", 0),
              0u);
    EXPECT_EQ(expectOneLineError({"client", "--api", "x", "--ws", "y", "--token", "t"}).rfind("rtmtap: give --api or --ws", 0),
              0u);
}

}  // namespace
}  // namespace rtmtap::test
