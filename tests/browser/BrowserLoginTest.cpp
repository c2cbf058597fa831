// A real browser logs in as AirSend's web client does, from a page of another origin, through
// `rtmtap proxy --api-upstream` to `rtmtap simulate`: every API call is CORS-preflighted, the
// WebSocket is the one the proxy's rewritten rtm.connect names. Then the same page, unchanged,
// logs in through `rtmtap replay --api-listen` of that recording and lands in the replay. The
// page (login.html) and its driver (open-page.mjs: node, playwright-core, Debian's chromium) are
// installed by scripts/install-deps; without them the tests fail, unless RTMTAP_SKIP_BROWSER=1.
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/ApiRecordingProxy.h"
#include "tests/support/BrowserPage.h"
#include "tests/support/Process.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>
#include <unistd.h>

#include <algorithm>
#include <chrono>
#include <csignal>
#include <cstdlib>
#include <fstream>
#include <regex>
#include <sstream>
#include <thread>

namespace rtmtap::test {
namespace {

const std::string kBrowserDir = RTMTAP_BROWSER_DIR;

int count(const std::vector<std::string>& list, const std::string& item) {
    return static_cast<int>(std::count(list.begin(), list.end(), item));
}

// The names of the text frames of a session, each direction apart.
struct SessionFrames {
    std::vector<std::string> sent, got;
};

SessionFrames framesOf(Reader& reader, int64_t session) {
    SessionFrames out;
    reader.frames(session, [&](const FrameRow& row) {
        if (row.message.op == Opcode::Text) {
            (row.message.dir == Direction::ClientToServer ? out.sent : out.got).push_back(row.name);
        }
        return true;
    });
    return out;
}

const std::vector<std::string> kPageCommands = {"ws_auth", "ws_ping", "ws_ephemeral_typing", "ws_ping"};

// A recording of the page: what it saw, and where the proxy and the simulator listened.
struct Recorded {
    Poco::JSON::Object::Ptr page;
    std::string api;      // the proxy's API side
    uint16_t wsPort = 0;  // the proxy's WebSocket side
    std::string simWs;    // the simulator's WebSocket
};

class BrowserLogin : public BrowserTest {
protected:
    BrowserLogin() : BrowserTest(kBrowserDir) {}

    // Runs login.html in chromium against apiBase (".../api/v1"); result is the page's outcome,
    // which must be ok. shot: where to keep a screenshot ("" for none).
    void runPage(const std::string& apiBase, const std::string& shot, Poco::JSON::Object::Ptr& result) {
        const PageRun run = openPage(kBrowserDir, "login.html", apiBase, shot);
        result = run.result;
        ASSERT_NE(result, nullptr) << run.ran.describe() << "\nstdout: " << run.out << "\nstderr: " << run.err;
        std::ostringstream shown;
        result->stringify(shown, 1);
        ASSERT_TRUE(result->getValue<bool>("ok")) << result->getValue<std::string>("error") << "\n" << shown.str();
        EXPECT_TRUE(run.ran.exited && run.ran.code == 0) << run.ran.describe();
        for (const std::string& error : jsonStrings(result->getArray("consoleErrors"))) {
            EXPECT_EQ(error.find("Access-Control"), std::string::npos) << "the browser blocked an answer: " << error;
        }
        if (!shot.empty()) {
            EXPECT_TRUE(isPng(shot)) << shot;
        }
    }

    // The page logs in through `rtmtap proxy --api-upstream` to `rtmtap simulate`, recorded into
    // db; both are stopped (the recording complete) when this returns.
    void recordThroughProxy(const std::string& shot, Recorded& rec) {
        SimulateProcess sim;
        ASSERT_TRUE(sim.started()) << sim.output();
        ApiRecordingProxy proxy(sim.api(), db);
        ASSERT_TRUE(proxy.started()) << proxy.output();
        rec.simWs = sim.ws();
        rec.wsPort = proxy.wsPort();
        rec.api = proxy.api();

        ASSERT_NO_FATAL_FAILURE(runPage(rec.api + "/api/v1", shot, rec.page));

        ExitStatus stopped = proxy.stop();
        EXPECT_TRUE(stopped.exited && stopped.code == 0) << stopped.describe();
    }

    TempDir dir;
    const std::string db = dir.file("browser.db");
};

TEST_F(BrowserLogin, PageOfAnotherOriginLogsInThroughTheProxyToTheSimulator) {
    Recorded rec;
    ASSERT_NO_FATAL_FAILURE(recordThroughProxy(
        screenshotPath("RTMTAP_BROWSER_SCREENSHOT", RTMTAP_BROWSER_SCREENSHOT), rec));
    const Poco::JSON::Object::Ptr& result = rec.page;

    // What the page saw.
    const std::string page = result->getValue<std::string>("page");
    EXPECT_EQ(page.rfind("http://127.0.0.1:", 0), 0u) << page;
    EXPECT_NE(page, rec.api) << "the page must be of another origin than the API";
    auto login = result->getObject("login");
    EXPECT_EQ(login->getValue<int>("status"), 200);
    const int64_t userId = login->getValue<int64_t>("userId");
    auto channels = result->getObject("channelList");
    EXPECT_EQ(channels->getValue<int>("status"), 200) << "the simulator's channel.list, read from another origin";
    EXPECT_GE(channels->getValue<int>("count"), 1);
    auto connect = result->getObject("connect");
    EXPECT_EQ(connect->getValue<int>("status"), 200);
    const std::string endpoint = connect->getValue<std::string>("wsEndpoint");
    EXPECT_EQ(endpoint.rfind("ws://127.0.0.1:" + std::to_string(rec.wsPort) + "/_rtmtap/", 0), 0u) << endpoint;
    auto ws = result->getObject("ws");
    EXPECT_EQ(jsonStrings(ws->getArray("sent")), kPageCommands);
    const std::vector<std::string> received = jsonStrings(ws->getArray("received"));
    EXPECT_EQ(count(received, "pong"), 2);
    EXPECT_GE(count(received, "user.online"), 1) << "the simulator's own event";
    EXPECT_EQ(ws->getValue<int>("closeCode"), 1000);

    // What the proxy recorded: the browser's session, its frames, and every API call.
    const std::unique_ptr<Reader> reader = openReader(db);
    auto sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 1u);
    const SessionRow& s = sessions[0];
    EXPECT_EQ(s.user_id.value_or(0), userId);
    EXPECT_EQ(s.path.rfind("/_rtmtap/", 0), 0u) << s.path;
    EXPECT_EQ(s.upstream.rfind(rec.simWs, 0), 0u) << s.upstream << " vs " << rec.simWs;
    EXPECT_NE(s.user_agent.find("Chrome"), std::string::npos) << s.user_agent;
    EXPECT_NE(s.headers_json.find(page), std::string::npos) << "the upgrade's Origin: " << s.headers_json;
    EXPECT_EQ(s.close_code.value_or(0), 1000);
    EXPECT_EQ(s.closed_by, "client");
    const SessionFrames frames = framesOf(*reader, s.id);
    EXPECT_EQ(frames.sent, kPageCommands);
    EXPECT_EQ(count(frames.got, "pong"), 2);
    EXPECT_EQ(count(frames.got, "user.online"), count(received, "user.online"));

    Database calls(db, Database::Mode::ReadOnly);
    auto n = [&](const std::string& where) { return calls.queryInt("SELECT count(*) FROM api_calls WHERE " + where); };
    EXPECT_EQ(n("1"), 6) << "three calls, each after its preflight";
    EXPECT_EQ(n("method = 'OPTIONS' AND status = 200 AND length(request_body) = 0"), 3);
    EXPECT_EQ(n("request_headers LIKE '%\"Origin\":\"" + page + "\"%'"), 6) << "every call came from the page";
    EXPECT_EQ(n("path = '/api/v1/rtm.connect' AND method = 'OPTIONS' AND request_headers LIKE "
                "'%Access-Control-Request-Headers%authorization%' AND response_headers LIKE "
                "'%Access-Control-Allow-Headers%authorization%'"),
              1);
    EXPECT_EQ(n("response_headers LIKE '%\"Access-Control-Allow-Origin\":\"*\"%'"), 6);
    EXPECT_EQ(n("method = 'POST' AND path = '/api/v1/user.login' AND status = 200 AND "
                "CAST(request_body AS TEXT) LIKE '%password=[redacted]%'"),
              1);
    EXPECT_EQ(n("method = 'GET' AND path LIKE '/api/v1/channel.list%' AND status = 200"), 1);
    EXPECT_EQ(n("method = 'GET' AND path = '/api/v1/rtm.connect' AND status = 200 AND session = " +
                std::to_string(s.id)),
              1);
}

// The issue's "against a replay": the unchanged page logs in through the replay's API side (the
// recorded answers, CORS preflights answered by the replay), connects to the replay's WebSocket,
// and gets the recorded events; its pongs are held (--reactive) until it pings. It sends the same
// commands as when it was recorded, so --expect finds no difference.
TEST_F(BrowserLogin, ThePageLogsInToAReplayOfItsOwnRecordedSession) {
    Recorded rec;
    ASSERT_NO_FATAL_FAILURE(recordThroughProxy("", rec));
    const int64_t recorded = openReader(db)->sessions().at(0).id;

    Process replay({"replay", std::to_string(recorded), "--db", db, "--listen", "127.0.0.1:0", "--api-listen",
                    "127.0.0.1:0", "--reactive", "--expect", "--record", "--color", "never"});
    const uint16_t wsPort = replay.waitForListening(30000);
    ASSERT_NE(wsPort, 0) << replay.err();
    const std::string api = replay.waitForMatch(std::regex(R"(, API (http://\S+) \()"));
    ASSERT_NE(api, "") << replay.out();
    EXPECT_NE(replay.listeningLine().find("(3 recorded calls)"), std::string::npos)
        << "user.login, channel.list, rtm.connect (a preflight is no call of the session): " << replay.listeningLine();
    EXPECT_NE(replay.listeningLine().find(" held until their command"), std::string::npos) << replay.listeningLine();

    Poco::JSON::Object::Ptr result;
    ASSERT_NO_FATAL_FAILURE(runPage(
        api + "/api/v1",
        screenshotPath("RTMTAP_BROWSER_REPLAY_SCREENSHOT", RTMTAP_BROWSER_REPLAY_SCREENSHOT), result));
    const ExitStatus ended = replay.waitExit(30000);

    // What the page saw: the recorded answers and the replay's WebSocket.
    const std::string page = result->getValue<std::string>("page");
    EXPECT_NE(page, api) << "the page must be of another origin than the API";
    EXPECT_EQ(result->getObject("login")->getValue<int>("status"), 200);
    EXPECT_EQ(result->getObject("login")->getValue<int64_t>("userId"),
              rec.page->getObject("login")->getValue<int64_t>("userId"));
    auto channels = result->getObject("channelList");
    EXPECT_EQ(channels->getValue<int>("status"), 200);
    EXPECT_EQ(channels->getValue<int>("count"), rec.page->getObject("channelList")->getValue<int>("count"))
        << "the simulator's recorded channels";
    auto connect = result->getObject("connect");
    EXPECT_EQ(connect->getValue<int>("status"), 200);
    const std::string endpoint = connect->getValue<std::string>("wsEndpoint");
    EXPECT_EQ(endpoint, "ws://127.0.0.1:" + std::to_string(wsPort)) << "rtm.connect points at the replay";
    auto ws = result->getObject("ws");
    EXPECT_TRUE(ws->getValue<bool>("opened"));
    EXPECT_EQ(jsonStrings(ws->getArray("sent")), kPageCommands);
    const std::vector<std::string> received = jsonStrings(ws->getArray("received"));
    const std::vector<std::string> receivedThen = jsonStrings(rec.page->getObject("ws")->getArray("received"));
    EXPECT_EQ(count(received, "pong"), 2) << "both released by the page's pings";
    EXPECT_GE(count(received, "user.online"), 1);
    EXPECT_EQ(count(received, "user.online"), count(receivedThen, "user.online"));
    EXPECT_EQ(ws->getValue<int>("closeCode"), 1000);

    // What the replay said: every call answered from the recording, nothing held at the end, and
    // the page's commands are the recorded ones.
    const std::string out = replay.out();
    EXPECT_TRUE(ended.exited && ended.code == 0) << ended.describe() << "\n" << out << replay.err();
    EXPECT_NE(out.find("API POST /api/v1/user.login: 200 from the recording"), std::string::npos) << out;
    EXPECT_NE(out.find("API GET /api/v1/channel.list?exclude_closed=false: 200 from the recording"), std::string::npos)
        << out;
    EXPECT_NE(out.find("API GET /api/v1/rtm.connect: 200 from the recording"), std::string::npos) << out;
    EXPECT_EQ(out.find("not in the recording"), std::string::npos) << out;
    EXPECT_EQ(out.find("never released"), std::string::npos) << out;
    EXPECT_NE(out.find("expect: the client's commands match the recording (4 commands)"), std::string::npos) << out;

    // The --record'ed replay: a session of its own, naming the recorded one.
    const std::unique_ptr<Reader> reader = openReader(db);
    auto sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 2u);
    const SessionRow& r = sessions[1];
    EXPECT_EQ(r.replay_of.value_or(0), recorded);
    EXPECT_NE(r.headers_json.find("\"Origin\":\"" + page + "\""), std::string::npos)
        << "the browser's upgrade: " << r.headers_json;
    EXPECT_EQ(r.close_code.value_or(0), 1000);
    EXPECT_EQ(r.closed_by, "client");
    const SessionFrames frames = framesOf(*reader, r.id);
    EXPECT_EQ(frames.sent, kPageCommands);
    // All of the recorded server side (a held pong may pass an event that was recorded before it).
    std::vector<std::string> got = frames.got, gotThen = framesOf(*reader, recorded).got;
    std::sort(got.begin(), got.end());
    std::sort(gotThen.begin(), gotThen.end());
    EXPECT_EQ(got, gotThen);
}

}  // namespace
}  // namespace rtmtap::test
