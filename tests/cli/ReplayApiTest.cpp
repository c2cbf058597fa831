// `rtmtap replay --api-listen`: a client that knows only the API's base URL logs in against the
// recording's own API answers and lands in the replay, as an unchanged web or mobile client would.
// The recording is made for real: rtmtap proxy in front of its embedded simulator, driven by
// `rtmtap client` with a script.
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>
#include <gtest/gtest.h>

#include <csignal>
#include <fstream>
#include <regex>

namespace rtmtap::test {
namespace {

const std::string kScript =
    R"({"after_ms":100,"command":"ws_ping"})" "\n"
    R"({"after_ms":100,"command":"ws_ephemeral_typing","channel_id":11010000})" "\n";

uint16_t apiPortOf(const std::string& line) {
    std::smatch m;
    if (!std::regex_search(line, m, std::regex(R"(API http://127\.0\.0\.1:(\d+))"))) {
        return 0;
    }
    return static_cast<uint16_t>(std::stoi(m.str(1)));
}

std::vector<std::string> clientArgs(uint16_t apiPort, const std::string& script, const char* password) {
    return {"client", "--api", "http://127.0.0.1:" + std::to_string(apiPort), "--user", "user1@example.test",
            "--password", password, "--script", script, "--jsonl"};
}

// Records one logged-in session into db; returns the client's output.
std::string recordSession(const std::string& db, const std::string& script) {
    Process proxy({"proxy", "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0", "--db", db});
    EXPECT_NE(proxy.waitForListening(30000), 0) << proxy.err();
    uint16_t apiPort = apiPortOf(proxy.listeningLine());
    RunResult client = Process::capture(clientArgs(apiPort, script, "password"), 30000);
    EXPECT_EQ(client.code(), 0) << client.err;
    proxy.signal(SIGINT);
    EXPECT_EQ(proxy.waitExit().code, 0) << proxy.err();
    return client.out;
}

std::string httpGet(uint16_t port, const std::string& path, Poco::Net::HTTPResponse& resp) {
    Poco::Net::HTTPClientSession session("127.0.0.1", port);
    Poco::Net::HTTPRequest req("GET", path, Poco::Net::HTTPMessage::HTTP_1_1);
    req.set("Origin", "http://page.example");
    session.sendRequest(req);
    std::string body;
    Poco::StreamCopier::copyToString(session.receiveResponse(resp), body);
    return body;
}

TEST(ReplayApi, AClientLogsInFromTheRecordingAndLandsInTheReplay) {
    TempDir dir;
    const std::string db = dir.file("rec.db");
    const std::string script = dir.file("s.jsonl");
    std::ofstream(script) << kScript;
    const std::string recorded = recordSession(db, script);
    ASSERT_NE(recorded.find("\"event\":\"pong\""), std::string::npos) << recorded;

    Process replay({"replay", "1", "--db", db, "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0",
                    "--reactive", "--expect", "--color", "never"});
    ASSERT_NE(replay.waitForListening(), 0) << replay.err();
    uint16_t apiPort = apiPortOf(replay.listeningLine());
    ASSERT_NE(apiPort, 0) << replay.listeningLine();
    EXPECT_NE(replay.listeningLine().find("(2 recorded calls)"), std::string::npos) << replay.listeningLine();

    // A call the recording does not hold: 404, JSON, CORS, and shown.
    Poco::Net::HTTPResponse resp;
    std::string body = httpGet(apiPort, "/api/v1/channel.list", resp);
    EXPECT_EQ(resp.getStatus(), 404);
    EXPECT_EQ(body.rfind(R"({"meta":{"ok":false,"error":")", 0), 0u) << body;
    EXPECT_EQ(resp.get("Access-Control-Allow-Origin", ""), "*");

    // Any password: the recorded answer is the answer.
    RunResult client = Process::capture(clientArgs(apiPort, script, "not-the-password"), 30000);
    EXPECT_EQ(client.code(), 0) << client.err;
    EXPECT_NE(client.out.find("\"event\":\"pong\""), std::string::npos) << client.out;
    EXPECT_NE(client.out.find("user.online"), std::string::npos) << client.out;

    EXPECT_EQ(replay.waitExit().code, 0) << replay.out() << replay.err();
    EXPECT_NE(replay.out().find("API GET /api/v1/channel.list: not in the recording (404)"), std::string::npos)
        << replay.out();
    EXPECT_NE(replay.out().find("API POST /api/v1/user.login: 200 from the recording"), std::string::npos)
        << replay.out();
    EXPECT_NE(replay.out().find("expect: the client's commands match the recording (3 commands)"), std::string::npos)
        << replay.out();
}

}  // namespace
}  // namespace rtmtap::test
