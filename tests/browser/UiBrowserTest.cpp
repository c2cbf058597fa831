// The page of `rtmtap ui` (ui/web/) in a real browser: tests/browser/ui-check.mjs drives Debian's
// chromium (playwright-core) through one scenario a run against `rtmtap ui` serving a database,
// and prints what the page showed; this test holds that against the database (store/Reader,
// rtmtap query and show). The databases: `rtmtap demo` (simulator, proxy and three clients) with
// its lint findings stored; a session a proxy records while the page looks at it; one session of
// 100,000 frames written straight into the file (tests/support/BigSession); recordings made to hurt
// a viewer (tests/support/HostileSessions), where nothing may run. Screenshots of the
// main views go to the build directory, or to $RTMTAP_UI_SCREENSHOTS (a directory; relative to
// the sources, e.g. docs). Needs what scripts/install-deps installs (see BrowserPage.h).
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/ApiRecordingProxy.h"
#include "tests/support/BigSession.h"
#include "tests/support/BrowserPage.h"
#include "tests/support/Eventually.h"
#include "tests/support/HostileSessions.h"
#include "tests/support/Process.h"
#include "tests/support/Shell.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/WebClient.h"

#include <Poco/JSON/Parser.h>
#include <Poco/URI.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <map>
#include <regex>
#include <sstream>

namespace rtmtap::test {
namespace {

const std::string kBrowserDir = RTMTAP_BROWSER_DIR;
constexpr int kNodeTimeoutMs = 100000;

// `rtmtap ui --db DB --listen 127.0.0.1:0`, its URL as it printed it.
class UiProcess {
public:
    explicit UiProcess(const std::string& db)
        : process_({"ui", "--db", db, "--listen", "127.0.0.1:0"}),
          url_(process_.waitForMatch(std::regex(R"(rtmtap ui: (http://127\.0\.0\.1:\d+/)\s)"))) {}

    bool started() const { return !url_.empty(); }
    const std::string& url() const { return url_; }
    uint16_t port() const { return static_cast<uint16_t>(Poco::URI(url_).getPort()); }
    std::string output() const { return process_.out() + process_.err(); }

private:
    Process process_;
    std::string url_;
};

// One run of ui-check.mjs: its last line (result) and the scenario's findings in it (saw).
struct Check {
    Poco::JSON::Object::Ptr result, saw;
    ExitStatus ran;
    std::string out, err;
};

std::vector<std::string> checkArgs(const std::string& url, const std::string& scenario,
                                   const std::vector<std::string>& extra, const std::string& shot) {
    std::vector<std::string> args = {kBrowserDir + "/ui-check.mjs", "--url", url, "--scenario", scenario};
    args.insert(args.end(), extra.begin(), extra.end());
    if (!shot.empty()) {
        std::remove(shot.c_str());
        args.insert(args.end(), {"--screenshot", shot});
    }
    return args;
}

Check finish(Process& node) {
    Check check;
    check.ran = node.waitExit(kNodeTimeoutMs);
    check.out = node.out();
    check.err = node.err();
    check.result = lastJsonLine(check.out);
    check.saw = check.result ? check.result->getObject("saw") : nullptr;
    return check;
}

Check runCheck(const std::string& url, const std::string& scenario, const std::vector<std::string>& extra = {},
               const std::string& shot = "") {
    Process node(checkArgs(url, scenario, extra, shot), nodeBinary());
    return finish(node);
}

// The page said ok, and the browser's console has no error (a CSP violation would be one).
::testing::AssertionResult passed(const Check& check) {
    if (!check.result || !check.saw || !check.result->optValue("ok", false)) {
        return ::testing::AssertionFailure() << "ui-check.mjs: " << check.ran.describe() << "\nstdout: " << check.out
                                             << "\nstderr: " << check.err;
    }
    const std::vector<std::string> errors = jsonStrings(check.result->getArray("consoleErrors"));
    if (!errors.empty()) {
        return ::testing::AssertionFailure() << "the browser console: " << errors.front() << " (" << errors.size()
                                             << " in all)";
    }
    return ::testing::AssertionSuccess();
}

// A directory for the screenshots: $RTMTAP_UI_SCREENSHOTS (relative to the sources), else the build's.
std::string shotPath(const std::string& name) {
    const char* env = std::getenv("RTMTAP_UI_SCREENSHOTS");
    std::string dir = env && *env ? env : RTMTAP_UI_SCREENSHOT_DIR;
    if (dir.front() != '/') {
        dir = std::string(RTMTAP_SOURCE_DIR) + "/" + dir;
    }
    return dir + "/" + name;
}

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The same JSON, keys sorted (the parser's objects keep them so): for comparing two values.
std::string canonical(const Poco::Dynamic::Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

std::vector<int64_t> ints(const Poco::JSON::Array::Ptr& array) {
    std::vector<int64_t> out;
    for (size_t i = 0; array && i < array->size(); ++i) {
        out.push_back(array->getElement<int64_t>(static_cast<unsigned>(i)));
    }
    return out;
}

int64_t framesOf(const std::string& db, int64_t session) {
    int64_t n = 0;
    openReader(db)->frames(session, [&](const FrameRow&) {
        ++n;
        return true;
    });
    return n;
}

// `rtmtap query --count` with these filters.
int64_t queryCount(const std::string& db, const std::vector<std::string>& filters) {
    std::vector<std::string> args = {"query", "--db", db, "--count"};
    args.insert(args.end(), filters.begin(), filters.end());
    const RunResult r = Process::capture(args);
    EXPECT_TRUE(r.code() == 0 || r.code() == 1) << r.err;
    return r.out.empty() ? -1 : std::stoll(r.out);
}

// The line `rtmtap show SESSION --jsonl` prints for frame seq.
std::string showLine(const std::string& db, int64_t session, int64_t seq) {
    const RunResult r = Process::capture({"show", std::to_string(session), "--db", db, "--jsonl"});
    std::istringstream lines(r.out);
    const std::string key = "\"seq\":" + std::to_string(seq) + ",";
    for (std::string line; std::getline(lines, line);) {
        if (line.find(key) != std::string::npos) {
            return line;
        }
    }
    return "";
}

class UiBrowser : public BrowserTest {
protected:
    UiBrowser() : BrowserTest(kBrowserDir) {}

    // `rtmtap demo` records three clients' sessions through the proxy in front of the simulator
    // (logins included); `rtmtap lint --store` keeps its findings.
    void fillWithDemo() {
        const RunResult demo = Process::capture({"demo", "--seconds", "3", "--clients", "3", "--quiet", "--db", db}, 60000);
        ASSERT_EQ(demo.code(), 0) << demo.out << demo.err;
        const RunResult lint = Process::capture({"lint", "--store", "--db", db}, 60000);
        ASSERT_TRUE(lint.code() == 0 || lint.code() == 1) << lint.out << lint.err;
    }

    // The session with the most frames, and its frames' names by seq.
    int64_t busiestSession() {
        int64_t best = 0;
        int64_t most = -1;
        for (const SessionRow& s : openReader(db)->sessions()) {
            if (s.frames > most) {
                most = s.frames;
                best = s.id;
            }
        }
        return best;
    }

    std::vector<FrameRow> frames(int64_t session) {
        std::vector<FrameRow> out;
        openReader(db)->frames(session, [&](const FrameRow& row) {
            out.push_back(row);
            return true;
        });
        return out;
    }

    TempDir dir;
    const std::string db = dir.file("ui.db");
};

TEST_F(UiBrowser, TheSessionsListShowsEverySessionWithItsFrames) {
    ASSERT_NO_FATAL_FAILURE(fillWithDemo());
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const std::string shot = shotPath("ui-sessions.png");
    const Check check = runCheck(ui.url(), "sessions", {}, shot);
    ASSERT_TRUE(passed(check));

    const std::vector<SessionRow> sessions = openReader(db)->sessions();
    ASSERT_EQ(sessions.size(), 3u);
    const Poco::JSON::Array::Ptr rows = check.saw->getArray("rows");
    ASSERT_EQ(rows->size(), sessions.size());
    for (size_t i = 0; i < sessions.size(); ++i) {
        const SessionRow& s = sessions[sessions.size() - 1 - i];  // newest first
        const auto row = rows->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(row->getValue<int64_t>("id"), s.id);
        EXPECT_EQ(row->getValue<int64_t>("frames"), framesOf(db, s.id)) << "session " << s.id;
        EXPECT_EQ(row->getValue<std::string>("ending"), "1000 by client") << "session " << s.id;
        EXPECT_FALSE(row->getValue<bool>("abnormal")) << "session " << s.id;
    }
    EXPECT_EQ(check.saw->getValue<std::string>("openedByKeyboard"), "#/session/" + std::to_string(sessions.back().id))
        << "j then Enter opens the first row";
    EXPECT_TRUE(isPng(shot)) << shot;
}

TEST_F(UiBrowser, FilteringByAnEventShowsItsFramesOnly) {
    ASSERT_NO_FATAL_FAILURE(fillWithDemo());
    const int64_t session = busiestSession();
    std::map<std::string, int> events;
    std::map<std::string, std::vector<int64_t>> seqs;
    for (const FrameRow& f : frames(session)) {
        events[f.kind == "event" ? f.name : ""] += 1;
        seqs[f.name].push_back(f.message.seq);
    }
    events.erase("");
    ASSERT_FALSE(events.empty());
    std::string event = events.begin()->first;
    for (const auto& [name, n] : events) {
        event = n > events[event] ? name : event;
    }
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const std::string id = std::to_string(session);
    const Check check = runCheck(ui.url(), "filter", {"--session", id, "--event", event});
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;

    EXPECT_EQ(saw->getValue<int64_t>("before"), framesOf(db, session));
    EXPECT_EQ(saw->getValue<int64_t>("total"), queryCount(db, {"--session", id, "--event", event}));
    EXPECT_EQ(saw->getValue<int64_t>("total"), events[event]);
    // The rows in the DOM (those in view and a margin) are the first of that event's frames.
    const std::vector<std::string> names = jsonStrings(saw->getArray("names"));
    ASSERT_FALSE(names.empty());
    EXPECT_EQ(names, std::vector<std::string>(names.size(), event));
    const std::vector<int64_t> shown = ints(saw->getArray("rowSeqs"));
    ASSERT_LE(shown.size(), seqs[event].size());
    EXPECT_EQ(shown, std::vector<int64_t>(seqs[event].begin(), seqs[event].begin() + static_cast<long>(shown.size())));
    EXPECT_EQ(saw->getValue<std::string>("hash"), "#/session/" + id + "?event=" + event);
    EXPECT_EQ(saw->getValue<std::string>("bar"), "--event " + event);
    EXPECT_TRUE(saw->getValue<bool>("leftBar")) << "Escape leaves the bar";
    EXPECT_EQ(ints(saw->getArray("selectedAfterJJ")), std::vector<int64_t>{saw->getValue<int64_t>("secondRow")});

    // The server's one line for a bad value, under the bar.
    const HttpResult bad = TestClient::httpGet(ui.port(), "/api/frames?session=" + id + "&dir=sideways");
    ASSERT_EQ(bad.status, 400) << bad.body;
    EXPECT_EQ(saw->getValue<std::string>("badFilterError"), parseObject(bad.body)->getValue<std::string>("error"));
    EXPECT_NE(saw->getValue<std::string>("badFilterError").find("sideways"), std::string::npos);
}

TEST_F(UiBrowser, AFramesJsonAndItsCopiesAreTheFrameInTheDatabase) {
    ASSERT_NO_FATAL_FAILURE(fillWithDemo());
    const int64_t session = busiestSession();
    // A JSON event in the first screen of rows, a posted message if there is one.
    int64_t seq = 0;
    for (const FrameRow& f : frames(session)) {
        const bool early = f.kind == "event" && f.message.seq > 1 && f.message.seq <= 16;
        if (early && (seq == 0 || f.name == "chat.postMessage")) {
            seq = f.message.seq;
            if (f.name == "chat.postMessage") {
                break;
            }
        }
    }
    ASSERT_NE(seq, 0);
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const std::string id = std::to_string(session);
    const std::string shot = shotPath("ui-session.png");
    const Check check = runCheck(ui.url(), "frame", {"--session", id, "--seq", std::to_string(seq)}, shot);
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;
    EXPECT_EQ(saw->getValue<std::string>("hash"), "#/session/" + id + "?seq=" + std::to_string(seq));
    EXPECT_EQ(ints(saw->getArray("selected")), std::vector<int64_t>{seq});

    // The tree's text is the frame, its data parsed.
    const std::string line = showLine(db, session, seq);
    ASSERT_NE(line, "");
    const Poco::JSON::Object::Ptr stored = parseObject(line);
    Poco::JSON::Object::Ptr shown = saw->getObject("json");
    ASSERT_NE(shown, nullptr);
    EXPECT_EQ(canonical(shown->get("data")), canonical(Poco::JSON::Parser().parse(stored->getValue<std::string>("data"))));
    shown->set("data", stored->get("data"));
    EXPECT_EQ(canonical(shown), canonical(stored));

    // Copy as JSON: the frame as query --jsonl prints it, indented.
    EXPECT_EQ(canonical(Poco::JSON::Parser().parse(saw->getValue<std::string>("copiedJson"))), canonical(stored));
    // Copy as rtmtap query: a command line that prints exactly this frame.
    const std::string query = saw->getValue<std::string>("copiedQuery");
    ASSERT_EQ(query.rfind("rtmtap query --db ", 0), 0u) << query;
    const RunResult ran = runShell(shellQuote(RTMTAP_BINARY) + query.substr(std::string("rtmtap").size()));
    EXPECT_EQ(ran.code(), 0) << query << "\n" << ran.err;
    EXPECT_EQ(ran.out, line + "\n") << query;
    EXPECT_TRUE(isPng(shot)) << shot;
}

TEST_F(UiBrowser, ATimelineMarkerSelectsItsFrameAndADragSelectsASpan) {
    ASSERT_NO_FATAL_FAILURE(fillWithDemo());
    const int64_t session = busiestSession();
    const std::vector<FrameRow> rows = frames(session);
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const std::string id = std::to_string(session);
    const Check check = runCheck(ui.url(), "timeline", {"--session", id});
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;

    const auto marker = saw->getObject("marker");
    EXPECT_EQ(marker->getValue<std::string>("kind"), "tl-close") << "the clients closed their sessions";
    const int64_t seq = marker->getValue<int64_t>("seq");
    ASSERT_TRUE(seq >= 1 && seq <= static_cast<int64_t>(rows.size())) << seq;
    EXPECT_EQ(rows[static_cast<size_t>(seq - 1)].message.op, Opcode::Close) << "the marker's frame";
    EXPECT_EQ(saw->getValue<std::string>("hash"), "#/session/" + id + "?seq=" + std::to_string(seq));
    EXPECT_EQ(ints(saw->getArray("selected")), std::vector<int64_t>{seq});
    EXPECT_TRUE(saw->getValue<bool>("selectedInView")) << "row and box, top and bottom: " << canonical(saw->get("selectedBox"));

    // The drag: --since/--until in the bar, the frames of that span in the table.
    const auto brushed = saw->getObject("brushed");
    const std::string bar = brushed->getValue<std::string>("bar");
    std::smatch m;
    ASSERT_TRUE(std::regex_match(bar, m, std::regex(R"(--since (\S+Z) --until (\S+Z))"))) << bar;
    EXPECT_EQ(brushed->getValue<int64_t>("total"), queryCount(db, {"--session", id, "--since", m.str(1), "--until", m.str(2)}))
        << bar;
    EXPECT_LT(brushed->getValue<int64_t>("total"), saw->getValue<int64_t>("before"));
    EXPECT_EQ(brushed->getValue<int>("span"), 1) << "the span shaded on the timeline";
    const auto cleared = saw->getObject("cleared");
    EXPECT_EQ(cleared->getValue<std::string>("hash"), "#/session/" + id);
    EXPECT_EQ(cleared->getValue<int64_t>("total"), static_cast<int64_t>(rows.size()));
}

TEST_F(UiBrowser, AFrameAppearsLiveWhileAProxyRecords) {
    SimulateProcess sim;
    ASSERT_TRUE(sim.started()) << sim.output();
    ApiRecordingProxy proxy(sim.api(), db);
    ASSERT_TRUE(proxy.started()) << proxy.output();
    WebClient web(static_cast<uint16_t>(Poco::URI(proxy.api()).getPort()));
    ASSERT_TRUE(web.logIn("user1@example.test")) << web.failure();
    ASSERT_TRUE(web.openSocket()) << web.failure();
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    // The recorder writes in batches: the session is in the file a moment after the socket opened.
    std::vector<SessionRow> sessions;
    ASSERT_TRUE(eventually([&] {
        sessions = openReader(db)->sessions();
        return sessions.size() == 1 && sessions[0].frames > 0;
    })) << sessions.size();
    const int64_t session = sessions[0].id;

    Process node(checkArgs(ui.url(), "live", {"--session", std::to_string(session), "--event", "ws_ping"}, ""),
                 nodeBinary());
    const std::string waiting = node.waitForMatch(std::regex(R"("waiting":true,"total":(\d+))"), 60000);
    ASSERT_NE(waiting, "") << node.out() << node.err();
    ASSERT_TRUE(web.wsPing()) << web.failure();  // ws_ping through the proxy, its pong back
    const Check check = finish(node);
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;
    EXPECT_TRUE(saw->getValue<bool>("noReload")) << "the row came without a reload";
    EXPECT_GT(saw->getValue<int64_t>("total"), saw->getValue<int64_t>("before"));
    const auto fresh = saw->getArray("fresh");
    ASSERT_GT(fresh->size(), 0u);
    web.closeSocket(1000);
    const ExitStatus stopped = proxy.stop();
    EXPECT_TRUE(stopped.exited && stopped.code == 0) << stopped.describe();

    // Each new row is the frame recorded with its seq.
    const std::vector<FrameRow> rows = frames(session);
    bool sawPing = false;
    for (size_t i = 0; i < fresh->size(); ++i) {
        const auto row = fresh->getObject(static_cast<unsigned>(i));
        const int64_t seq = row->getValue<int64_t>("seq");
        ASSERT_TRUE(seq >= 1 && seq <= static_cast<int64_t>(rows.size())) << seq;
        const FrameRow& stored = rows[static_cast<size_t>(seq - 1)];
        const std::string name = stored.name.empty() ? toString(stored.message.op) : stored.name;
        EXPECT_EQ(row->getValue<std::string>("name").rfind(name, 0), 0u) << "seq " << seq;
        sawPing = sawPing || stored.name == "ws_ping";
    }
    EXPECT_TRUE(sawPing) << "the ws_ping sent while the page was open";
}

TEST_F(UiBrowser, AHundredThousandFrameSessionScrollsToItsEnd) {
    constexpr int kFrames = 100'000;
    const int64_t session = writeBigSession(db, kFrames);
    const std::vector<FrameRow> rows = frames(session);
    ASSERT_EQ(rows.size(), static_cast<size_t>(kFrames));
    const int64_t lastSeq = rows.back().message.seq;
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const Check check = runCheck(ui.url(), "scroll", {"--session", std::to_string(session)},
                                 std::string(RTMTAP_UI_SCREENSHOT_DIR) + "/ui-scroll.png");
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;

    EXPECT_EQ(saw->getValue<int64_t>("total"), kFrames);
    EXPECT_EQ(saw->getValue<int64_t>("lastVisibleSeq"), lastSeq) << "the last row, in view at the bottom";
    EXPECT_EQ(saw->getObject("end")->getValue<int64_t>("last"), lastSeq);
    EXPECT_EQ(ints(saw->getArray("selectedAtEnd")), std::vector<int64_t>{lastSeq}) << "End selects the last frame";
    EXPECT_LT(saw->getValue<int>("mostRowsInDom"), 300) << "only the rows in view (and a margin) exist";
    EXPECT_LT(saw->getValue<int>("rowsInDomAtEnd"), 300);
    for (const char* where : {"afterWheel", "middle", "end"}) {
        EXPECT_TRUE(saw->getObject(where)->getValue<bool>("contiguous")) << where << ": rows in seq order, none missing";
    }
    EXPECT_GT(saw->getObject("afterWheel")->getValue<int64_t>("first"), 1) << "the wheel scrolled";
    const int64_t middle = saw->getObject("middle")->getValue<int64_t>("first");
    EXPECT_TRUE(middle > kFrames / 2 - 1000 && middle < kFrames / 2 + 1000) << middle;
}

TEST_F(UiBrowser, ASearchAcrossSessionsOpensAResultInItsSession) {
    ASSERT_NO_FATAL_FAILURE(fillWithDemo());
    // A word of a message the simulator's users posted.
    std::string word;
    for (const SessionRow& s : openReader(db)->sessions()) {
        for (const FrameRow& f : frames(s.id)) {
            if (word.empty() && f.name == "chat.postMessage") {
                const std::string content =
                    parseObject(f.message.payload)->getObject("payload")->getObject("message")->getValue<std::string>("content");
                std::smatch m;
                if (std::regex_search(content, m, std::regex("[A-Za-z]{4,}"))) {
                    word = m.str(0);
                }
            }
        }
    }
    ASSERT_NE(word, "");
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const std::string shot = shotPath("ui-search.png");
    const Check check = runCheck(ui.url(), "search", {"--text", word}, shot);
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;

    EXPECT_EQ(saw->getValue<int64_t>("total"), queryCount(db, {"--text", word})) << word;
    const RunResult query = Process::capture({"query", "--db", db, "--text", word, "--jsonl"});
    std::istringstream lines(query.out);
    const auto results = saw->getArray("results");
    ASSERT_GT(results->size(), 0u);
    for (size_t i = 0; i < results->size(); ++i) {
        std::string line;
        ASSERT_TRUE(static_cast<bool>(std::getline(lines, line))) << "more results than query --text prints";
        const auto frame = parseObject(line);
        const auto result = results->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(result->getValue<int64_t>("session"), frame->getValue<int64_t>("session")) << i;
        EXPECT_EQ(result->getValue<int64_t>("seq"), frame->getValue<int64_t>("seq")) << i;
    }
    const auto first = results->getObject(0);
    const int64_t session = first->getValue<int64_t>("session");
    const int64_t seq = first->getValue<int64_t>("seq");
    EXPECT_EQ(saw->getValue<std::string>("opened"), "#/session/" + std::to_string(session) + "?seq=" + std::to_string(seq));
    const auto selected = saw->getArray("selected");
    ASSERT_EQ(selected->size(), 1u);
    EXPECT_EQ(selected->getObject(0)->getValue<int64_t>("session"), session);
    EXPECT_EQ(selected->getObject(0)->getValue<int64_t>("seq"), seq);
    EXPECT_TRUE(isPng(shot)) << shot;
}

// The hostile recordings, every view of them used: nothing they hold runs (no handler set the flag,
// the CSP blocked nothing, no markup or javascript: link of theirs in the DOM), the browser logs
// no error, the page answers a click at the end, and their text shows as the text it is.
TEST_F(UiBrowser, HostileRecordingsShowAsTextAndRunNothing) {
    const std::vector<int64_t> ids = importHostileSessions(db, dir.path());
    ASSERT_EQ(ids.size(), 4u);
    UiProcess ui(db);
    ASSERT_TRUE(ui.started()) << ui.output();
    const std::vector<std::string> words = {"onerror", "<img src=x", "\"><svg", "javascript"};
    std::vector<std::string> args;
    for (const std::string& word : words) {
        args.insert(args.end(), {"--text", word});
    }
    const Check check = runCheck(ui.url(), "hostile", args);
    ASSERT_TRUE(passed(check));
    const auto& saw = check.saw;
    EXPECT_TRUE(saw->isNull("pwned")) << "an injected handler ran";
    EXPECT_EQ(jsonStrings(saw->getArray("violations")), std::vector<std::string>{}) << "the CSP blocked something";
    EXPECT_EQ(jsonStrings(saw->getArray("foreign")), std::vector<std::string>{}) << "recorded text became markup";
    EXPECT_EQ(saw->getValue<int>("rowsAtEnd"), 4) << "a click on the list after it all";

    // The list: session 1's texts as recorded, its user id past 2^53 digit for digit.
    const SessionRow hostile = *openReader(db)->session(ids[0]);
    const auto list = saw->getArray("list");
    ASSERT_EQ(list->size(), 4u);
    const auto row = list->getObject(3);  // newest first
    ASSERT_EQ(row->getValue<int64_t>("id"), ids[0]);
    EXPECT_EQ(row->getValue<std::string>("label"), hostileLabel());
    EXPECT_EQ(row->getValue<std::string>("client"), kHostileSvg);
    const std::string user = hostileUserName() + " (" + kHostileUserId + ")";
    EXPECT_EQ(row->getValue<std::string>("user"), user);
    EXPECT_EQ(row->getValue<std::string>("endingTitle"), hostile.close_reason + " · " + hostile.error);
    EXPECT_EQ(saw->getValue<int>("svgRows"), 2) << "the words typed filter the rows as text";

    const auto sessions = saw->getArray("sessions");
    ASSERT_EQ(sessions->size(), 4u);
    for (size_t i = 0; i < sessions->size(); ++i) {
        const auto shown = sessions->getObject(static_cast<unsigned>(i));
        const int64_t id = shown->getValue<int64_t>("id");
        const std::string s = std::to_string(id);
        const std::vector<FrameRow> stored = frames(id);
        EXPECT_EQ(shown->getValue<int64_t>("total"), static_cast<int64_t>(stored.size())) << s;
        const auto kinds = shown->getObject("kinds");
        for (const std::string kind : {"command", "event", "control", "other"}) {
            EXPECT_EQ(kinds->getValue<int64_t>(kind), queryCount(db, {"--session", s, "--kind", kind})) << s << " " << kind;
        }
        const auto shownFrames = shown->getArray("frames");
        ASSERT_EQ(shownFrames->size(), stored.size()) << s;
        for (size_t f = 0; f < stored.size(); ++f) {
            const auto frame = shownFrames->getObject(static_cast<unsigned>(f));
            const FrameRow& row = stored[static_cast<size_t>(frame->getValue<int64_t>("seq") - 1)];
            const std::string where = s + ":" + std::to_string(row.message.seq);
            // A name shows whole up to 200 characters (these are ASCII past that), and filters whole.
            if (row.name.size() > 200) {
                EXPECT_EQ(frame->getValue<std::string>("name"), row.name.substr(0, 200) + "…") << where;
                EXPECT_EQ(frame->getValue<size_t>("filterChars"), row.name.size()) << where;
            } else if (!row.name.empty()) {
                EXPECT_EQ(frame->getValue<std::string>("name"), row.name) << where;
            }
            EXPECT_GT(frame->getValue<int64_t>("jsonChars"), 0) << where << ": the frame's JSON tree";
            EXPECT_EQ(frame->getValue<std::string>("copiedQuery").rfind("rtmtap query --db ", 0), 0u) << where;
            EXPECT_GT(frame->getValue<int64_t>("copiedJson"), 0) << where;
        }
    }
    // Session 1: its head, its three API calls unfolded, the deep and the wide payloads cut short
    // as a tree.
    const auto first = sessions->getObject(3);
    ASSERT_EQ(first->getValue<int64_t>("id"), ids[0]);
    EXPECT_EQ(jsonStrings(first->getObject("head")->getArray("facts")).front(), user);
    const auto calls = first->getArray("calls");
    ASSERT_EQ(calls->size(), 3u);
    EXPECT_TRUE(calls->getObject(0)->getValue<bool>("open"));
    EXPECT_EQ(calls->getObject(0)->getValue<std::string>("method"), kHostileImg);
    EXPECT_EQ(calls->getObject(0)->getValue<std::string>("path"), std::string(kHostileUrl) + kHostileSvg);
    const auto frames1 = first->getArray("frames");
    for (const int seq : {12, 13}) {  // 100,000 and 5,000 levels
        EXPECT_EQ(frames1->getObject(static_cast<unsigned>(seq - 1))->getValue<int>("deeper"), 1) << seq;
    }
    EXPECT_EQ(frames1->getObject(15)->getValue<int>("more"), 1) << "500,000 items: the first shown, then the rest counted";
    EXPECT_EQ(frames1->getObject(9)->getValue<int>("more"), 0) << "a 1 MiB string is one value";
    // Payloads whose numbers JSON.parse would change (past 2^53; 1e400 to Infinity) as their text.
    for (const int seq : {2, 14, 15}) {
        EXPECT_EQ(frames1->getObject(static_cast<unsigned>(seq - 1))->getValue<std::string>("data"), "jt-string") << seq;
    }
    EXPECT_EQ(frames1->getObject(3)->getValue<std::string>("data"), "jt-container") << "__proto__ keys: a tree";

    // Each search found what rtmtap query --text finds, its words marked.
    const auto searches = saw->getArray("searches");
    ASSERT_EQ(searches->size(), words.size());
    for (size_t i = 0; i < words.size(); ++i) {
        const auto search = searches->getObject(static_cast<unsigned>(i));
        EXPECT_EQ(search->getValue<int64_t>("total"), queryCount(db, {"--text", words[i]})) << words[i];
        EXPECT_GT(search->getValue<int64_t>("total"), 0) << words[i];
        EXPECT_FALSE(search->isNull("opened")) << words[i];
    }
}

}  // namespace
}  // namespace rtmtap::test
