// rtmtap ui's JSON API (docs/ui-api.md) on a real socket, against a database recorded through the
// store's Recorder: each endpoint answers what the read command it stands for prints (sessions
// --json, query --jsonl/--count, stats --json, export), filters are the flags' own, and access
// is refused where it must be; and every endpoint on recordings made to hurt a viewer
// (tests/support/HostileSessions) answers valid JSON.
#include "cli/LintStore.h"
#include "cli/QueryCommand.h"
#include "cli/SessionsCommand.h"
#include "cli/StatsCommand.h"
#include "lint/Finding.h"
#include "protocol/CloseFrame.h"
#include "protocol/JsonScanner.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/HostileSessions.h"
#include "tests/support/LoginSession.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "ui/UiServer.h"

#include <Poco/JSON/Parser.h>
#include <Poco/JSON/Stringifier.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/StreamCopier.h>

#include <gtest/gtest.h>

#include <chrono>
#include <sstream>
#include <thread>

namespace rtmtap::test {
namespace {

using Poco::Dynamic::Var;

struct Answer {
    int status = 0;
    std::string body;
    Poco::Net::HTTPResponse head;
};

std::string canonical(const Var& value) {
    std::ostringstream out;
    Poco::JSON::Stringifier::stringify(value, out);
    return out.str();
}

Var parse(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text);
}

// The same frames as the query parameters of a URL, one canonical JSON text each.
std::vector<std::string> canonicalLines(const std::string& jsonl) {
    std::vector<std::string> lines;
    std::istringstream in(jsonl);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(canonical(parse(line)));
        }
    }
    return lines;
}

std::vector<std::string> canonicalItems(const Poco::JSON::Array::Ptr& array) {
    std::vector<std::string> items;
    for (size_t i = 0; i < array->size(); ++i) {
        items.push_back(canonical(array->get(static_cast<unsigned>(i))));
    }
    return items;
}

class UiApiTest : public ::testing::Test {
protected:
    static constexpr int64_t kStart = CraftedSession::kStartWallUs;

    void SetUp() override {
        db_ = dir_.file("ui.db");
        CraftedSession a(7, kStart);
        a.client(wsAuthFrame(R"({"user_id":42,"user_name":"Ada"})"))
            .at(0.5)
            .server(R"({"event":"chat.postMessage","payload":{"message":{"id":100,"channel_id":5,"text":"hello there"}}})")
            .server(R"({"event":"chat.userTyping","payload":{"channel_id":5,"user_id":43}})")
            .at(1.0)
            .server("p1", Opcode::Ping)
            .at(1.2)
            .client("p1", Opcode::Pong)
            .at(2.0)
            .server("p2", Opcode::Ping)
            .at(40.0)  // a silence of 38 s after the unanswered ping
            .server(R"({"event":"chat.postMessage","payload":{"message":{"id":101,"channel_id":6,"text":"late news"}}})")
            .clientClose(1000, "bye")
            .serverClose(1000, "bye");
        CraftedSession b(8, kStart + 60'000'000);
        b.client(wsAuthFrame(R"({"user_id":43,"user_name":"Grace"})"))
            .server(R"({"event":"chat.postMessage","payload":{"message":{"id":200,"channel_id":5,"text":"other session"}}})");
        recordSessions(db_, {&a, &b});
        recordLoggedInSession(db_, kStart + 120'000'000);  // session 9: with its login
        cli::LintStore lint;
        Finding finding;
        finding.rule = "late-event";
        finding.severity = Severity::Warn;
        finding.session = 7;
        finding.seq = 7;
        finding.sentence = "an event came after a silence";
        finding.section = "Events";
        lint.add(7, {finding});
        lint.write(db_);
        start();
    }

    void start(const std::string& host = "127.0.0.1") {
        ui::UiConfig config;
        config.db = db_;
        config.host = host;
        config.port = 0;
        config.version = "test";
        config.tailPollMs = 20;
        server_ = std::make_unique<ui::UiServer>(config);
        server_->start();
    }

    Answer get(const std::string& target, const std::vector<std::pair<std::string, std::string>>& headers = {},
               const std::string& method = "GET") {
        Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
        session.setTimeout(Poco::Timespan(20, 0));
        Poco::Net::HTTPRequest request(method, target, Poco::Net::HTTPMessage::HTTP_1_1);
        for (const auto& [name, value] : headers) {
            request.set(name, value);
        }
        session.sendRequest(request);
        Answer answer;
        std::istream& in = session.receiveResponse(answer.head);
        Poco::StreamCopier::copyToString(in, answer.body);
        answer.status = answer.head.getStatus();
        return answer;
    }

    Poco::JSON::Object::Ptr getObject(const std::string& target) {
        Answer answer = get(target);
        EXPECT_EQ(answer.status, 200) << target << ": " << answer.body;
        return parse(answer.body).extract<Poco::JSON::Object::Ptr>();
    }

    std::string query(const FrameFilter& filter, bool count = false) {
        cli::QueryOptions options;
        options.db = db_;
        options.filter = filter;
        options.format = cli::FrameFormat::Jsonl;
        options.count = count;
        std::ostringstream out, err;
        cli::runQuery(options, out, err);
        return out.str();
    }

    TempDir dir_;
    std::string db_;
    std::unique_ptr<ui::UiServer> server_;
};

TEST_F(UiApiTest, SessionsAreWhatSessionsJsonPrints) {
    std::ostringstream out, err;
    ASSERT_EQ(cli::runSessions(cli::SessionsOptions(db_, true), out, err), 0) << err.str();
    Answer answer = get("/api/sessions");
    ASSERT_EQ(answer.status, 200) << answer.body;
    EXPECT_EQ(answer.head.getContentType(), "application/json; charset=utf-8");
    EXPECT_EQ(answer.head.get("Cache-Control"), "no-store");
    auto api = parse(answer.body).extract<Poco::JSON::Array::Ptr>();
    EXPECT_EQ(canonicalItems(api), canonicalItems(parse(out.str()).extract<Poco::JSON::Array::Ptr>()));
    ASSERT_EQ(api->size(), 3u);
    EXPECT_EQ(api->getObject(0)->getValue<std::string>("ending"), "open");
}

TEST_F(UiApiTest, SessionFiltersAreTheCommandsFilters) {
    auto byUser = parse(get("/api/sessions?user=43").body).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(byUser->size(), 1u);
    EXPECT_EQ(byUser->getObject(0)->getValue<int64_t>("id"), 8);
    auto none = parse(get("/api/sessions?since=2099-01-01").body).extract<Poco::JSON::Array::Ptr>();
    EXPECT_EQ(none->size(), 0u);
    Answer bad = get("/api/sessions?since=yesterday");
    EXPECT_EQ(bad.status, 400);
    EXPECT_NE(bad.body.find("since"), std::string::npos) << bad.body;
}

TEST_F(UiApiTest, FramesArePagesOfQueryJsonl) {
    FrameFilter all;
    std::vector<std::string> expected = canonicalLines(query(all));
    ASSERT_GT(expected.size(), 10u);
    std::vector<std::string> paged;
    for (int offset = 0; offset < static_cast<int>(expected.size()); offset += 4) {
        auto page = getObject("/api/frames?limit=4&offset=" + std::to_string(offset));
        EXPECT_EQ(page->getValue<int64_t>("total"), static_cast<int64_t>(expected.size()));
        EXPECT_EQ(page->getValue<int64_t>("offset"), offset);
        for (const std::string& item : canonicalItems(page->getArray("frames"))) {
            paged.push_back(item);
        }
    }
    EXPECT_EQ(paged, expected);
}

TEST_F(UiApiTest, FiltersInTheUrlMeanWhatTheFlagsMean) {
    FrameFilter filter;
    filter.sessions = {7};
    filter.events = {"chat.*"};
    filter.dirs = {Direction::ServerToClient};
    filter.channels = {5};
    auto page = getObject("/api/frames?session=7&event=chat.*&dir=s2c&channel=5");
    EXPECT_EQ(canonicalItems(page->getArray("frames")), canonicalLines(query(filter)));
    EXPECT_EQ(std::to_string(page->getValue<int64_t>("total")) + "\n", query(filter, true));
    EXPECT_EQ(page->getArray("frames")->size(), 2u);
    EXPECT_EQ(page->getValue<std::string>("query"),
              "rtmtap query --db " + db_ + " --session 7 --event 'chat.*' --dir s2c --channel 5");

    FrameFilter words;
    words.words = {"news"};
    auto text = getObject("/api/frames?text=news");
    EXPECT_EQ(canonicalItems(text->getArray("frames")), canonicalLines(query(words)));
    ASSERT_EQ(text->getArray("frames")->size(), 1u);

    auto where = getObject("/api/frames?where=payload.message.id%3D200");
    ASSERT_EQ(where->getArray("frames")->size(), 1u);
    EXPECT_EQ(where->getArray("frames")->getObject(0)->getValue<int64_t>("session"), 8);

    auto findings = getObject("/api/frames?finding=late-event");
    ASSERT_EQ(findings->getArray("frames")->size(), 1u);
    EXPECT_EQ(findings->getArray("frames")->getObject(0)->getValue<int64_t>("seq"), 7);
}

// A switch is on for any value but 0, false and off, and its command line is the bare flag.
TEST_F(UiApiTest, SwitchesAreFlagsInTheQueryCommand) {
    FrameFilter malformed;
    malformed.malformed = true;
    for (const std::string value : {"1", "yes", ""}) {
        auto page = getObject("/api/frames?malformed=" + value + "&edited=0&injected=off");
        EXPECT_EQ(page->getValue<std::string>("query"), "rtmtap query --db " + db_ + " --malformed") << value;
        EXPECT_EQ(std::to_string(page->getValue<int64_t>("total")) + "\n", query(malformed, true)) << value;
    }
}

TEST_F(UiApiTest, BadParametersAreOneLineWith400) {
    struct Case {
        const char* target;
        const char* words;
    } cases[] = {
        {"/api/frames?dir=sideways", "--dir"},
        {"/api/frames?sesion=7", "unknown parameter 'sesion'"},
        {"/api/frames?limit=0", "limit=0"},
        {"/api/frames?limit=99999", "limit=99999"},
        {"/api/frames?at=3", "at=SEQ needs exactly one session"},
        {"/api/frames?order=sideways", "order=sideways"},
        {"/api/frames?where=nonsense", "--where"},
        {"/api/frames?help=1", "unknown parameter 'help'"},
        // An empty value, not the next parameter taken for it.
        {"/api/frames?text=&since=yesterday", "--text"},
        {"/api/frames?event=,&command=ws_auth", "--event"},
        {"/api/frames?event=[]&dir=c2s", "--event"},
        {"/api/frames?since=13-13-13", "--since"},
        {"/api/stats?session=x", "session=x"},
        {"/api/export?session=7&format=pdf", "format=pdf"},
        {"/api/export", "session=ID is needed"},
    };
    for (const Case& c : cases) {
        Answer answer = get(c.target);
        EXPECT_EQ(answer.status, 400) << c.target << ": " << answer.body;
        auto error = parse(answer.body).extract<Poco::JSON::Object::Ptr>()->getValue<std::string>("error");
        EXPECT_NE(error.find(c.words), std::string::npos) << c.target << ": " << error;
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
    }
    EXPECT_EQ(get("/api/sessions/99").status, 404);
    EXPECT_EQ(get("/api/stats?session=99").status, 404);
    EXPECT_EQ(get("/api/nothing").status, 404);
    EXPECT_EQ(get("/api/sessions", {}, "POST").status, 405);
    EXPECT_EQ(get("/api/frames?%zz").status, 400);
}

TEST_F(UiApiTest, AtOpensTheFrameInContext) {
    auto page = getObject("/api/frames?session=7&at=7&limit=4");
    ASSERT_FALSE(page->isNull("at_index"));
    const int64_t atIndex = page->getValue<int64_t>("at_index");
    const int64_t offset = page->getValue<int64_t>("offset");
    auto frames = page->getArray("frames");
    ASSERT_GE(atIndex, offset);
    ASSERT_LT(atIndex - offset, static_cast<int64_t>(frames->size()));
    EXPECT_EQ(frames->getObject(static_cast<unsigned>(atIndex - offset))->getValue<int64_t>("seq"), 7);
    // With a filter the index counts only the frames that pass it.
    auto events = getObject("/api/frames?session=7&kind=event&at=7");
    EXPECT_EQ(events->getValue<int64_t>("at_index"), 2);
}

TEST_F(UiApiTest, SessionDetailHoldsLoginFindingsAndCommands) {
    auto seven = getObject("/api/sessions/7");
    EXPECT_EQ(seven->getObject("session")->getValue<int64_t>("id"), 7);
    auto findings = seven->getArray("findings");
    ASSERT_EQ(findings->size(), 1u);
    EXPECT_EQ(findings->getObject(0)->getValue<std::string>("rule"), "late-event");
    EXPECT_EQ(findings->getObject(0)->getValue<int64_t>("seq"), 7);
    EXPECT_EQ(findings->getObject(0)->getValue<std::string>("source"), "lint");
    EXPECT_EQ(seven->getArray("api_calls")->size(), 0u);
    EXPECT_EQ(seven->getObject("commands")->getValue<std::string>("replay"), "rtmtap replay 7 --db " + db_);

    auto nine = getObject("/api/sessions/9");
    auto calls = nine->getArray("api_calls");
    ASSERT_EQ(calls->size(), 2u);  // user.login and rtm.connect: its login, nothing else
    EXPECT_NE(calls->getObject(0)->getValue<std::string>("path").find("user.login"), std::string::npos);
    EXPECT_NE(calls->getObject(1)->getValue<std::string>("path").find("rtm.connect"), std::string::npos);
}

TEST_F(UiApiTest, StatsAreStatsJsonWithTheTimeline) {
    cli::StatsOptions options;
    options.db = db_;
    options.session = 7;
    options.json = true;
    std::ostringstream out, err;
    ASSERT_EQ(cli::runStats(options, out, err, false), 0) << err.str();
    auto api = getObject("/api/stats?session=7&buckets=50");
    auto timeline = api->getObject("timeline");
    ASSERT_TRUE(timeline);
    api->remove("timeline");
    EXPECT_EQ(canonical(api), canonical(parse(out.str())));

    EXPECT_EQ(timeline->getValue<int64_t>("start_us"), kStart);
    const int64_t bucket = timeline->getValue<int64_t>("bucket_us");
    EXPECT_LE(40'000'000 / bucket, 50);  // 40 s in at most 50 buckets
    int64_t counted = 0;
    auto names = timeline->getArray("names");
    for (size_t i = 0; i < names->size(); ++i) {
        auto counts = names->getObject(static_cast<unsigned>(i))->getArray("counts");
        for (size_t j = 0; j < counts->size(); ++j) {
            counted += counts->getElement<int64_t>(static_cast<unsigned>(j));
        }
    }
    EXPECT_EQ(counted, 9);  // every frame of session 7 once
    EXPECT_EQ(names->getObject(0)->getValue<std::string>("name"), "chat.postMessage");
    auto trips = timeline->getArray("round_trips");
    ASSERT_EQ(trips->size(), 1u);
    EXPECT_EQ(trips->getObject(0)->getValue<std::string>("kind"), "ping");
    EXPECT_EQ(trips->getObject(0)->getValue<int64_t>("seq"), 4);
    EXPECT_EQ(trips->getObject(0)->getValue<int64_t>("rtt_us"), 200'000);
    auto unanswered = timeline->getArray("unanswered");
    ASSERT_EQ(unanswered->size(), 1u);
    EXPECT_EQ(unanswered->getObject(0)->getValue<int64_t>("seq"), 6);
    auto silences = timeline->getArray("silences");
    ASSERT_EQ(silences->size(), 1u);
    EXPECT_EQ(silences->getObject(0)->getValue<int64_t>("seq"), 6);
    EXPECT_EQ(silences->getObject(0)->getValue<int64_t>("t_us"), 2'000'000);
    auto closes = timeline->getArray("closes");
    ASSERT_EQ(closes->size(), 2u);
    EXPECT_EQ(closes->getObject(0)->getValue<int>("code"), 1000);
    EXPECT_EQ(closes->getObject(0)->getValue<std::string>("reason"), "bye");
    EXPECT_EQ(closes->getObject(0)->getValue<std::string>("dir"), "c2s");
}

TEST_F(UiApiTest, ExportIsTheExportCommandsFile) {
    for (const std::string format : {"jsonl", "har"}) {
        RunResult cli = Process::capture({"export", "9", "--db", db_, "--format", format});
        ASSERT_EQ(cli.code(), 0) << cli.err;
        Answer answer = get("/api/export?session=9&format=" + format);
        ASSERT_EQ(answer.status, 200) << answer.body;
        EXPECT_EQ(answer.body, cli.out) << format;
        EXPECT_EQ(answer.head.get("Content-Disposition"), "attachment; filename=\"session-9." + format + "\"");
    }
}

TEST_F(UiApiTest, TailStreamsFramesAsTheyAreRecorded) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request("GET", "/api/tail?session=11", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse head;
    std::istream& in = session.receiveResponse(head);
    ASSERT_EQ(head.getStatus(), 200);
    EXPECT_EQ(head.getContentType(), "text/event-stream; charset=utf-8");
    std::string line;
    std::string firstId;
    while (std::getline(in, line) && firstId.empty()) {
        if (line.rfind("id: ", 0) == 0) {
            firstId = line.substr(4);  // where the stream starts: the frames recorded so far
        }
    }
    ASSERT_FALSE(firstId.empty());
    CraftedSession other(10, kStart + 200'000'000);
    other.server(R"({"event":"chat.postMessage","payload":{"message":{"id":300,"channel_id":5,"text":"not this"}}})");
    CraftedSession live(11, kStart + 200'000'000);
    live.server(R"({"event":"chat.postMessage","payload":{"message":{"id":301,"channel_id":5,"text":"live one"}}})");
    recordSessions(db_, {&other, &live});
    std::vector<std::string> data;
    std::string lastId;
    while (data.empty() && std::getline(in, line)) {
        if (line.rfind("data: ", 0) == 0) {
            data.push_back(line.substr(6));
        }
    }
    ASSERT_EQ(data.size(), 1u);
    auto frame = parse(data[0]).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(frame->getValue<int64_t>("session"), 11);  // session 10's frame did not pass the filter
    EXPECT_NE(frame->getValue<std::string>("data").find("live one"), std::string::npos);
    while (lastId.empty() && std::getline(in, line)) {
        if (line.rfind("id: ", 0) == 0) {
            lastId = line.substr(4);
        }
    }
    EXPECT_GT(std::stoll(lastId), std::stoll(firstId));

    // A browser that reconnects with Last-Event-ID gets what came after it, from the start.
    Poco::Net::HTTPClientSession again("127.0.0.1", server_->port());
    again.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest resume("GET", "/api/tail?session=11", Poco::Net::HTTPMessage::HTTP_1_1);
    resume.set("Last-Event-ID", firstId);
    again.sendRequest(resume);
    std::istream& resumed = again.receiveResponse(head);
    std::string resumedData;
    while (resumedData.empty() && std::getline(resumed, line)) {
        if (line.rfind("data: ", 0) == 0) {
            resumedData = line.substr(6);
        }
    }
    EXPECT_EQ(resumedData, data[0]);
}

TEST_F(UiApiTest, StopEndsOpenStreamsAtOnce) {
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request("GET", "/api/tail", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse head;
    session.receiveResponse(head);
    ASSERT_EQ(head.getStatus(), 200);
    auto before = std::chrono::steady_clock::now();
    server_->stop();
    EXPECT_LT(std::chrono::steady_clock::now() - before, std::chrono::seconds(10));
}

TEST_F(UiApiTest, OnLoopbackOnlyLoopbackHostsAreAnswered) {
    EXPECT_EQ(get("/api/info").status, 200);
    EXPECT_EQ(get("/api/info", {{"Host", "localhost:" + std::to_string(server_->port())}}).status, 200);
    EXPECT_EQ(get("/api/info", {{"Host", "[::1]:" + std::to_string(server_->port())}}).status, 200);
    Answer rebound = get("/api/info", {{"Host", "attacker.example:" + std::to_string(server_->port())}});
    EXPECT_EQ(rebound.status, 403);
    EXPECT_NE(rebound.body.find("loopback"), std::string::npos);
    EXPECT_FALSE(server_->needsToken());
    auto info = getObject("/api/info");
    EXPECT_EQ(info->getValue<std::string>("db"), db_);
    EXPECT_EQ(info->getValue<std::string>("listen"), "127.0.0.1:" + std::to_string(server_->port()));
}

TEST_F(UiApiTest, OffLoopbackEveryRequestNeedsTheToken) {
    server_.reset();
    start("0.0.0.0");
    ASSERT_TRUE(server_->needsToken());
    const std::string url = server_->url();
    const std::string token = url.substr(url.find("?token=") + 7);
    ASSERT_EQ(token.size(), 32u);
    Answer without = get("/api/info");
    EXPECT_EQ(without.status, 401);
    EXPECT_NE(without.body.find("token"), std::string::npos);
    EXPECT_EQ(get("/api/info?token=" + std::string(32, '0')).status, 401);
    Answer with = get("/api/info?token=" + token);
    EXPECT_EQ(with.status, 200);
    const std::string cookie = with.head.get("Set-Cookie", "");
    EXPECT_EQ(cookie.rfind("rtmtap_ui=" + token, 0), 0u) << cookie;
    EXPECT_NE(cookie.find("HttpOnly"), std::string::npos) << cookie;
    EXPECT_NE(cookie.find("SameSite=Strict"), std::string::npos) << cookie;
    EXPECT_EQ(get("/api/info", {{"Cookie", "rtmtap_ui=" + token}}).status, 200);
    EXPECT_EQ(get("/api/info", {{"Authorization", "Bearer " + token}}).status, 200);
    EXPECT_EQ(get("/api/info", {{"Authorization", "Bearer nope"}}).status, 401);
}

TEST_F(UiApiTest, AMissingDatabaseListsNoSessionsAndSaysWhyElsewhere) {
    server_.reset();
    db_ = dir_.file("not-yet.db");
    start();
    EXPECT_EQ(get("/api/sessions").body, "[]\n");
    Answer frames = get("/api/frames");
    EXPECT_EQ(frames.status, 500);
    EXPECT_NE(frames.body.find("not-yet.db"), std::string::npos) << frames.body;
}

// JSON as RFC 8259 has it (UTF-8 included), at any depth: what JSON.parse takes in a browser.
bool isValidJson(const std::string& text) {
    JsonScanOptions options;
    options.maxDepth = JsonScanOptions::kUnlimited;
    return jsonMembers(text, options).valid;
}

// Every endpoint on the hostile recordings: markup, control characters, invalid UTF-8, 1 MiB
// payloads, JSON 100,000 levels deep, numbers past 2^53, int64's ends as times, empty sessions.
class UiApiHostileTest : public UiApiTest {
protected:
    void SetUp() override {
        db_ = dir_.file("hostile.db");
        ids_ = importHostileSessions(db_, dir_.path());
        ASSERT_EQ(ids_.size(), 4u);
        start();
    }

    // target answers 200 with valid JSON; its body.
    std::string json(const std::string& target) {
        Answer answer = get(target);
        EXPECT_EQ(answer.status, 200) << target << ": " << answer.body.substr(0, 300);
        EXPECT_EQ(answer.head.getContentType(), "application/json; charset=utf-8") << target;
        EXPECT_TRUE(isValidJson(answer.body)) << target << ": " << answer.body.substr(0, 300);
        return answer.body;
    }

    std::vector<int64_t> ids_;
};

TEST_F(UiApiHostileTest, EveryEndpointAnswersValidJson) {
    for (const std::string target : {"/api/info", "/api/sessions", "/api/stats", "/api/sessions?label=*svg*"}) {
        json(target);
    }
    for (const int64_t id : ids_) {
        const std::string s = std::to_string(id);
        const int64_t frames = openReader(db_)->session(id)->frames;
        json("/api/sessions/" + s);
        const std::string page = json("/api/frames?session=" + s + "&limit=5000");
        EXPECT_NE(page.find("\"total\":" + std::to_string(frames) + ","), std::string::npos) << s;
        for (const std::string extra : {"&order=desc", "&at=1", "&at=999", "&kind=command", "&kind=event", "&kind=control",
                                        "&kind=other", "&limit=1&offset=3", "&finding=any", "&since=@9223372036854"}) {
            json("/api/frames?session=" + s + extra);
        }
        for (const std::string extra : {"", "&buckets=1", "&buckets=2000", "&gap=1"}) {
            json("/api/stats?session=" + s + extra);
        }
        for (const std::string format : {"jsonl", "har"}) {
            Answer answer = get("/api/export?session=" + s + "&format=" + format);
            ASSERT_EQ(answer.status, 200) << s << " " << format << ": " << answer.body.substr(0, 300);
            std::istringstream lines(format == "har" ? std::string() : answer.body);
            for (std::string line; std::getline(lines, line);) {
                EXPECT_TRUE(isValidJson(line)) << s << ": " << line.substr(0, 300);
            }
            EXPECT_TRUE(format == "jsonl" || isValidJson(answer.body)) << s << ": " << answer.body.substr(0, 300);
        }
    }
    // Searches for the hostile words, and filters on the hostile keys and numbers.
    for (const std::string query : {"text=onerror", "text=%3Cimg%20src%3Dx", "text=%22%3E%3Csvg", "text=javascript",
                                    "text=%E2%80%AE", "text=%00", "where=payload.__proto__.polluted%3D1",
                                    "where=payload.constructor.prototype.polluted%3D1", "where=payload.channel_id%3D9007199254740993",
                                    "where=payload.big%3D1e400", "event=__proto__", "event=%3Cimg*", "command=%22%3E*",
                                    "user=9007199254740993", "channel=123456789012345678901234567890"}) {
        Answer answer = get("/api/frames?" + query);
        EXPECT_TRUE(answer.status == 200 || answer.status == 400) << query << ": " << answer.status;
        EXPECT_TRUE(isValidJson(answer.body)) << query << ": " << answer.body.substr(0, 300);
    }
    FrameFilter onerror;
    onerror.words = {"onerror"};
    const std::string count = query(onerror, true);
    ASSERT_NE(count, "0\n");
    EXPECT_NE(json("/api/frames?text=onerror").find("\"total\":" + count.substr(0, count.size() - 1) + ","), std::string::npos);
    // The user id past 2^53 as recorded, digit for digit.
    EXPECT_NE(json("/api/sessions").find(std::string("\"user_id\":") + kHostileUserId + ","), std::string::npos);
}

TEST_F(UiApiHostileTest, TheTailStreamsEveryFrameAsValidJson) {
    int64_t expected = 0;
    for (const int64_t id : ids_) {
        expected += openReader(db_)->session(id)->frames;
    }
    Poco::Net::HTTPClientSession session("127.0.0.1", server_->port());
    session.setTimeout(Poco::Timespan(20, 0));
    Poco::Net::HTTPRequest request("GET", "/api/tail?from=0", Poco::Net::HTTPMessage::HTTP_1_1);
    session.sendRequest(request);
    Poco::Net::HTTPResponse head;
    std::istream& in = session.receiveResponse(head);
    ASSERT_EQ(head.getStatus(), 200);
    int64_t seen = 0;
    std::string line;
    while (seen < expected && std::getline(in, line)) {
        if (line.rfind("data: ", 0) == 0) {
            ++seen;
            EXPECT_TRUE(isValidJson(line.substr(6))) << line.substr(0, 300);
        }
    }
    EXPECT_EQ(seen, expected);
}

}  // namespace
}  // namespace rtmtap::test
