// A real browser runs AirSend's web client sequence (webclient.html) from a page of another
// origin: it logs in, loads its channels, teams, groups and alerts, opens the WebSocket, shows
// General's history (every page of it, by cursor), posts a message and sees it come back as an
// event, and sends system.ping and gets its event. Against `rtmtap simulate` directly, and through
// `rtmtap proxy --api-upstream`, where every call (preflights included) must be recorded and
// linked to the browser's session. Needs what scripts/install-deps installs (see BrowserPage.h).
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Statement.h"
#include "tests/support/ApiRecordingProxy.h"
#include "tests/support/BrowserPage.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <set>
#include <sstream>

namespace rtmtap::test {
namespace {

const std::string kBrowserDir = RTMTAP_BROWSER_DIR;

const std::vector<std::string> kRoutes = {"handshake", "user.login", "user.info", "channel.list", "team.list",
                                          "channel.group.list", "user.alerts", "rtm.connect", "channel.info",
                                          "channel.history", "team.members", "chat.postmessage", "system.ping"};

class BrowserWebClient : public BrowserTest {
protected:
    BrowserWebClient() : BrowserTest(kBrowserDir) {}

    // The page against apiBase; its result, which must say ok.
    Poco::JSON::Object::Ptr run(const std::string& apiBase, const std::string& shot) {
        const PageRun page = openPage(kBrowserDir, "webclient.html", apiBase, shot);
        EXPECT_NE(page.result, nullptr) << page.ran.describe() << "\nstdout: " << page.out << "\nstderr: " << page.err;
        if (!page.result) {
            return nullptr;
        }
        std::ostringstream shown;
        page.result->stringify(shown, 1);
        EXPECT_TRUE(page.result->optValue("ok", false)) << page.result->optValue<std::string>("error", "") << "\n"
                                                        << shown.str();
        for (const std::string& error : jsonStrings(page.result->getArray("consoleErrors"))) {
            ADD_FAILURE() << "the browser console: " << error;
        }
        if (!shot.empty()) {
            EXPECT_TRUE(isPng(shot)) << shot;
        }
        return page.result->optValue("ok", false) ? page.result : nullptr;
    }

    // Every route of the real client's sequence was called and answered 200.
    static void expectEveryRoute(const Poco::JSON::Object::Ptr& result) {
        std::set<std::string> called;
        for (const auto& item : *result->getArray("calls")) {
            auto call = item.extract<Poco::JSON::Object::Ptr>();
            EXPECT_EQ(call->getValue<int>("status"), 200) << call->getValue<std::string>("route");
            called.insert(call->getValue<std::string>("route"));
        }
        for (const std::string& route : kRoutes) {
            EXPECT_TRUE(called.count(route)) << route << " was not called";
        }
    }

    TempDir dir;
};

TEST_F(BrowserWebClient, ShowsAChannelsHistoryFromTheSimulator) {
    SimulateProcess sim;
    ASSERT_TRUE(sim.started()) << sim.output();
    auto result = run(sim.api() + "/api/v1", "");
    ASSERT_NE(result, nullptr);
    expectEveryRoute(result);
    auto channel = result->getObject("channel");
    EXPECT_EQ(channel->getValue<std::string>("name"), "General");
    EXPECT_GE(channel->getValue<int>("messages"), 5) << "a greeting from each of the 5 members, at least";
    EXPECT_GE(result->getValue<int>("channels"), 1);
    EXPECT_TRUE(result->getObject("posted")->getValue<bool>("event"));
    EXPECT_NE(result->getObject("systemPing")->getValue<std::string>("token"), "");
    EXPECT_EQ(result->getObject("ws")->getValue<int>("closeCode"), 1000);
}

TEST_F(BrowserWebClient, ThroughTheProxyEveryCallIsRecordedAndLinkedToTheSession) {
    const std::string db = dir.file("webclient.db");
    SimulateProcess sim;
    ASSERT_TRUE(sim.started()) << sim.output();
    ApiRecordingProxy proxy(sim.api(), db);
    ASSERT_TRUE(proxy.started()) << proxy.output();
    auto result = run(proxy.api() + "/api/v1",
                      screenshotPath("RTMTAP_BROWSER_WEBCLIENT_SCREENSHOT", RTMTAP_BROWSER_WEBCLIENT_SCREENSHOT));
    const ExitStatus stopped = proxy.stop();
    EXPECT_TRUE(stopped.exited && stopped.code == 0) << stopped.describe();
    ASSERT_NE(result, nullptr);
    expectEveryRoute(result);
    const int calls = static_cast<int>(result->getArray("calls")->size());
    const std::string page = result->getValue<std::string>("page");
    EXPECT_EQ(result->getObject("ws")->getValue<std::string>("url").rfind(
                  "ws://127.0.0.1:" + std::to_string(proxy.wsPort()) + "/_rtmtap/", 0),
              0u);

    const std::unique_ptr<Reader> reader = openReader(db);
    auto sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 1u);
    const std::string session = std::to_string(sessions[0].id);
    EXPECT_EQ(sessions[0].user_id.value_or(0), result->getValue<int64_t>("userId"));
    EXPECT_EQ(sessions[0].close_code.value_or(0), 1000);
    Database calls_(db, Database::Mode::ReadOnly);
    auto n = [&](const std::string& where) { return calls_.queryInt("SELECT count(*) FROM api_calls WHERE " + where); };
    auto text = [&](const std::string& sql) {
        Statement s(calls_, sql);
        return s.step() ? s.columnText(0) : std::string();
    };
    EXPECT_EQ(n("method <> 'OPTIONS'"), calls);
    EXPECT_EQ(n("method = 'OPTIONS' AND status = 200"), calls) << "each call was preflighted";
    EXPECT_EQ(n("request_headers NOT LIKE '%\"Origin\":\"" + page + "\"%'"), 0) << "every call came from the page";
    for (const char* route : {"channel.info", "channel.history", "team.members", "chat.postmessage", "system.ping"}) {
        EXPECT_EQ(n("path LIKE '/api/v1/" + std::string(route) + "%' AND session IS NOT " + session), 0)
            << route << ", made while the session was open, and its preflight belong to it";
    }
    EXPECT_EQ(calls_.queryInt("SELECT count(*) FROM v_session_api WHERE session = " + session), 2 * calls - 2)
        << "every call and preflight but handshake's, made before the login; not linked: "
        << text("SELECT group_concat(method || ' ' || path || ' ' || started_us, ', ') FROM api_calls "
                            "WHERE id NOT IN (SELECT id FROM v_session_api WHERE session = " + session + ")")
        << " (rtm.connect at "
        << text("SELECT started_us FROM api_calls WHERE path = '/api/v1/rtm.connect' AND method = 'GET'")
        << ")";
    // The socket carried the events the calls caused.
    const std::string posted = "\"id\":" + std::to_string(result->getObject("posted")->getValue<int64_t>("id"));
    int postedEvents = 0;
    int pingEvents = 0;
    reader->frames(sessions[0].id, [&](const FrameRow& row) {
        if (row.message.dir == Direction::ServerToClient) {
            postedEvents += row.name == "chat.postMessage" && row.message.payload.find(posted) != std::string::npos;
            pingEvents += row.name == "system.ping";
        }
        return true;
    });
    EXPECT_EQ(postedEvents, 1) << "the page's own message (the simulator's chatter posts others)";
    EXPECT_EQ(pingEvents, 1);
}

}  // namespace
}  // namespace rtmtap::test
