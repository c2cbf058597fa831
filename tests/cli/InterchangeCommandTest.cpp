// `rtmtap export` and `rtmtap import` run as a user would: the JSONL round trip byte for byte,
// a Chrome-shaped HAR imported into the right sessions and frames, the HAR export read back, and
// bad files refused with one line, exit 2 and the database unchanged.
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "tests/support/Files.h"
#include "tests/support/LoginSession.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace rtmtap {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::ExitStatus;
using test::Process;
using test::RunResult;
using test::modeOf;
using test::slurp;
using test::spit;

constexpr int64_t kStart = 1'764'000'000'000'000;

RunResult rtmtap(const std::vector<std::string>& args) {
    return Process::capture(args);
}

Message frame(int64_t seq, Direction dir, Opcode op, std::string payload, uint32_t flags = 0) {
    Message m;
    m.session = 1;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.flags = flags;
    m.t_us = seq * 1500;
    m.fwd_us = seq * 1500 + 40;
    m.wall_us = kStart + seq * 1500;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

// One session with every kind of payload the JSONL format has a form for.
void recordSession(const std::string& db) {
    RecorderOptions options;
    options.dbPath = db;
    Recorder recorder(options);
    SessionInfo info;
    info.id = recorder.nextSessionId();
    info.started_wall_us = kStart;
    info.client = "127.0.0.1:50000";
    info.upstream = "ws://127.0.0.1:9001/rtm?x=1";
    info.path = "/rtm?x=1";
    info.subprotocol = "rtm.v1";
    info.headers = {{"Host", "127.0.0.1"}, {"Authorization", "Bearer secret"}, {"X-Multi", "a"}, {"X-Multi", "b"}};
    recorder.onSessionStart(info);
    std::string auth = R"({"command":"ws_auth","auth_token":")" + test::makeJwt(R"({"user_id":7,"user_name":"Al"})") +
                       R"("})";
    const Direction c2s = Direction::ClientToServer, s2c = Direction::ServerToClient;
    std::vector<Message> frames = {
        frame(1, c2s, Opcode::Text, auth),
        frame(2, s2c, Opcode::Text, R"({"event":"chat.postMessage","payload":{"message":{"id":5,"channel_id":11}}})"),
        frame(3, s2c, Opcode::Text, R"( {"event":"padded"} )"),
        frame(4, s2c, Opcode::Text, "{\n  \"event\": \"pretty\"\n}"),
        frame(5, c2s, Opcode::Text, "not json at all \"quoted\" \t tab"),
        frame(6, c2s, Opcode::Text, std::string("bad utf8 \xff\xfe", 11)),
        frame(7, c2s, Opcode::Text, R"({"base64":"QUJD"})"),
        frame(8, c2s, Opcode::Text, R"("a JSON string")"),
        frame(9, c2s, Opcode::Binary, std::string("\x00\x01\x02\xff", 4)),
        frame(10, c2s, Opcode::Binary, R"({"command":"bin"})"),
        frame(11, c2s, Opcode::Ping, "p1"),
        frame(12, s2c, Opcode::Pong, "p1"),
        frame(13, s2c, Opcode::Ping, std::string("\x80", 1)),
        frame(14, c2s, Opcode::Text, "", MessageFlag::Oversize),
        frame(15, c2s, Opcode::Close, std::string("\x03\xe8", 2) + "bye"),
        frame(16, s2c, Opcode::Close, std::string("\x03\xe8", 2), MessageFlag::Dropped),
    };
    frames[13].size = 5'000'000;
    for (const Message& m : frames) {
        recorder.onMessage(m);
    }
    SessionEnd end;
    end.id = info.id;
    end.ended_wall_us = kStart + 30'000;
    end.duration_us = 30'000;
    end.close_code = 1000;
    end.close_reason = "bye";
    end.closed_by = "client";
    recorder.onSessionEnd(end);
    recorder.close();
}

int64_t countRows(const std::string& db, const std::string& sql) {
    Database d(db, Database::Mode::ReadOnly);
    return d.queryInt(sql);
}

class InterchangeTest : public ::testing::Test {
protected:
    void SetUp() override { recordSession(db); }

    test::TempDir dir;
    std::string db = dir.file("a.db");
};

TEST_F(InterchangeTest, JsonlRoundTripIsByteForByte) {
    RunResult first = rtmtap({"export", "1", "--db", db, "-o", dir.file("one.jsonl")});
    ASSERT_EQ(first.status.code, 0) << first.err;
    RunResult imported = rtmtap({"import", dir.file("one.jsonl"), "--db", db});
    ASSERT_EQ(imported.status.code, 0) << imported.err;
    EXPECT_EQ(imported.out, "2\n");
    RunResult second = rtmtap({"export", "2", "--db", db});
    ASSERT_EQ(second.status.code, 0) << second.err;
    const std::string original = slurp(dir.file("one.jsonl"));
    // The session line carries the original id; everything else must be identical.
    std::string expected = original;
    expected.replace(expected.find("\"id\":1,"), 7, "\"id\":2,");
    EXPECT_EQ(second.out, expected);
    // Frames in the store match too: the classification and the claims came back.
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM frames WHERE session = 2"), 16);
    EXPECT_EQ(countRows(db, "SELECT user_id FROM sessions WHERE id = 2"), 7);
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM frames a JOIN frames b ON a.seq = b.seq AND a.session = 1 AND "
                            "b.session = 2 WHERE a.payload = b.payload AND a.flags = b.flags AND a.kind = b.kind AND "
                            "a.name_id IS b.name_id AND a.channel_id IS b.channel_id AND a.size = b.size AND "
                            "a.t_us = b.t_us AND a.dir = b.dir AND a.op = b.op"),
              16);
}

// A second session that replays session 1 and was edited from it (as rtmtap replay --record and
// rtmtap edit mark theirs).
void recordLinkedSession(const std::string& db) {
    RecorderOptions options;
    options.dbPath = db;
    Recorder recorder(options);
    SessionInfo info;
    info.id = recorder.nextSessionId();
    info.started_wall_us = kStart + 60'000'000;
    info.client = "127.0.0.1:50001";
    info.upstream = "session 1 of a.db";
    info.path = "/rtm";
    info.replay_of = 1;
    info.derived_from = 1;
    recorder.onSessionStart(info);
    Message m = frame(1, Direction::ServerToClient, Opcode::Text, R"({"event":"user.online"})");
    m.session = info.id;
    recorder.onMessage(m);
    recorder.close();
}

std::string sessionLineOf(const std::string& jsonl) {
    return jsonl.substr(0, jsonl.find('\n'));
}

// replay_of and derived_from go out on the session line and come back: into the same database
// as they were, into another only when it holds the session they name (a file of both sessions
// links them anew); export, import, export is identical but for the id.
TEST_F(InterchangeTest, JsonlCarriesReplayOfAndDerivedFrom) {
    recordLinkedSession(db);
    RunResult first = rtmtap({"export", "2", "--db", db, "-o", dir.file("two.jsonl")});
    ASSERT_EQ(first.status.code, 0) << first.err;
    const std::string original = slurp(dir.file("two.jsonl"));
    EXPECT_NE(sessionLineOf(original).find(R"(,"replay_of":1,"derived_from":1})"), std::string::npos) << original;
    RunResult imported = rtmtap({"import", dir.file("two.jsonl"), "--db", db});
    ASSERT_EQ(imported.status.code, 0) << imported.err;
    EXPECT_EQ(imported.out, "3\n");
    RunResult again = rtmtap({"export", "3", "--db", db});
    std::string expected = original;
    expected.replace(expected.find("\"id\":2,"), 7, "\"id\":3,");
    EXPECT_EQ(again.out, expected);

    // Alone into a new database: session 1 is not there, the links go.
    const std::string other = dir.file("b.db");
    ASSERT_EQ(rtmtap({"import", dir.file("two.jsonl"), "--db", other}).status.code, 0);
    RunResult alone = rtmtap({"export", "1", "--db", other});
    EXPECT_EQ(sessionLineOf(alone.out).find("replay_of"), std::string::npos) << alone.out;
    EXPECT_EQ(sessionLineOf(alone.out).find("derived_from"), std::string::npos) << alone.out;

    // With the session it names before it, into a third: linked to that session's new id.
    ASSERT_EQ(rtmtap({"export", "1", "--db", db, "-o", dir.file("one.jsonl")}).status.code, 0);
    spit(dir.file("both.jsonl"), slurp(dir.file("one.jsonl")) + original);
    const std::string third = dir.file("c.db");
    ASSERT_EQ(rtmtap({"import", dir.file("both.jsonl"), "--db", third}).status.code, 0);
    ASSERT_EQ(rtmtap({"import", dir.file("both.jsonl"), "--db", third}).status.code, 0);  // 3 and 4
    RunResult linked = rtmtap({"export", "4", "--db", third});
    EXPECT_NE(sessionLineOf(linked.out).find(R"(,"replay_of":3,"derived_from":3})"), std::string::npos) << linked.out;
}

TEST(InterchangeLoginTest, JsonlCarriesTheLoginThroughExportImportExport) {
    test::TempDir dir;
    const std::string db = dir.file("l.db");
    test::recordLoggedInSession(db, kStart);
    RunResult first = rtmtap({"export", "1", "--db", db, "-o", dir.file("one.jsonl")});
    ASSERT_EQ(first.status.code, 0) << first.err;
    const std::string original = slurp(dir.file("one.jsonl"));
    std::istringstream in(original);
    std::vector<std::string> lines;
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 5u) << original;  // session, user.login, rtm.connect, two frames
    EXPECT_EQ(lines[0].rfind(R"({"rtmtap":"session","version":2,"id":1,)", 0), 0u) << lines[0];
    EXPECT_EQ(lines[1].rfind(R"({"rtmtap":"api_call","started_at":"2025-11-24T15:59:59.997000Z","method":"POST",)", 0), 0u)
        << lines[1];
    EXPECT_NE(lines[2].find(R"("path":"/api/v1/rtm.connect")"), std::string::npos) << lines[2];
    // Imported twice: each copy exports as the original, its login its own.
    for (const std::string id : {"2", "3"}) {
        RunResult imported = rtmtap({"import", dir.file("one.jsonl"), "--db", db});
        ASSERT_EQ(imported.status.code, 0) << imported.err;
        EXPECT_EQ(imported.out, id + "\n");
        RunResult again = rtmtap({"export", id, "--db", db});
        ASSERT_EQ(again.status.code, 0) << again.err;
        std::string expected = original;
        expected.replace(expected.find("\"id\":1,"), 7, "\"id\":" + id + ",");
        EXPECT_EQ(again.out, expected);
        EXPECT_EQ(countRows(db, "SELECT count(*) FROM api_calls WHERE session = " + id), 2);
    }
}

TEST_F(InterchangeTest, JsonlShowsJsonAsJsonAndOtherPayloadsAsStringsOrBase64) {
    RunResult r = rtmtap({"export", "1", "--db", db, "--format", "jsonl"});
    ASSERT_EQ(r.status.code, 0) << r.err;
    std::vector<std::string> lines;
    std::istringstream in(r.out);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 17u);
    EXPECT_NE(lines[0].find(R"({"rtmtap":"session","version":1,"id":1,)"), std::string::npos) << lines[0];
    EXPECT_NE(lines[2].find(R"("data":{"event":"chat.postMessage","payload")"), std::string::npos) << lines[2];
    EXPECT_NE(lines[3].find(R"("data":" {\"event\":\"padded\"} ")"), std::string::npos) << lines[3];
    EXPECT_NE(lines[6].find(R"("flags":["malformed","invalid_utf8"])"), std::string::npos) << lines[6];
    EXPECT_NE(lines[6].find(R"("data":{"base64":")"), std::string::npos) << lines[6];
    EXPECT_NE(lines[7].find(R"("data":"{\"base64\":\"QUJD\"}")"), std::string::npos) << lines[7];
    EXPECT_NE(lines[9].find(R"("data":{"base64":"AAEC/w=="})"), std::string::npos) << lines[9];
    EXPECT_NE(lines[11].find(R"("data":"p1")"), std::string::npos) << lines[11];
    EXPECT_NE(lines[14].find(R"("size":5000000)"), std::string::npos) << lines[14];
    EXPECT_NE(lines[15].find(R"("data":{"code":1000,"reason":"bye"})"), std::string::npos) << lines[15];
}

TEST_F(InterchangeTest, ImportLabelIsStoredAndExported) {
    ASSERT_EQ(rtmtap({"export", "1", "--db", db, "-o", dir.file("one.jsonl")}).status.code, 0);
    RunResult r = rtmtap({"import", dir.file("one.jsonl"), "--db", db, "--label", "bug 1234"});
    ASSERT_EQ(r.status.code, 0) << r.err;
    RunResult again = rtmtap({"export", "2", "--db", db});
    EXPECT_NE(again.out.find(R"("label":"bug 1234"})"), std::string::npos);
    // Two sessions in one file (cat a.jsonl b.jsonl) import as two sessions.
    spit(dir.file("two.jsonl"), slurp(dir.file("one.jsonl")) + again.out);
    RunResult two = rtmtap({"import", dir.file("two.jsonl"), "--db", db});
    ASSERT_EQ(two.status.code, 0) << two.err;
    EXPECT_EQ(two.out, "3\n4\n");
}

TEST_F(InterchangeTest, HarExportReadsBackAsChromeWritesIt) {
    RunResult r = rtmtap({"export", "1", "--db", db, "-o", dir.file("one.har")});
    ASSERT_EQ(r.status.code, 0) << r.err;
    Poco::JSON::Parser parser;
    Object::Ptr log = parser.parse(slurp(dir.file("one.har"))).extract<Object::Ptr>()->getObject("log");
    ASSERT_TRUE(log);
    EXPECT_EQ(log->getValue<std::string>("version"), "1.2");
    EXPECT_EQ(log->getObject("creator")->getValue<std::string>("name"), "rtmtap");
    Array::Ptr entries = log->getArray("entries");
    ASSERT_EQ(entries->size(), 1u);
    Object::Ptr e = entries->getObject(0);
    EXPECT_EQ(e->getValue<std::string>("startedDateTime"), "2025-11-24T16:00:00.000Z");
    EXPECT_EQ(e->getValue<std::string>("_resourceType"), "websocket");
    Object::Ptr request = e->getObject("request");
    EXPECT_EQ(request->getValue<std::string>("method"), "GET");
    EXPECT_EQ(request->getValue<std::string>("url"), "ws://127.0.0.1:9001/rtm?x=1");
    EXPECT_EQ(request->getValue<std::string>("httpVersion"), "HTTP/1.1");
    Array::Ptr headers = request->getArray("headers");
    ASSERT_EQ(headers->size(), 3u);
    EXPECT_EQ(headers->getObject(1)->getValue<std::string>("name"), "Authorization");
    EXPECT_EQ(headers->getObject(1)->getValue<std::string>("value"), "[redacted]");
    EXPECT_EQ(headers->getObject(2)->getValue<std::string>("value"), "a, b");
    for (const char* key : {"queryString", "cookies"}) {
        EXPECT_TRUE(request->isArray(key)) << key;
    }
    Object::Ptr response = e->getObject("response");
    EXPECT_EQ(response->getValue<int>("status"), 101);
    EXPECT_EQ(response->getValue<std::string>("statusText"), "Switching Protocols");
    EXPECT_EQ(response->getObject("content")->getValue<std::string>("mimeType"), "x-unknown");
    EXPECT_TRUE(e->getObject("timings") && e->getObject("cache"));
    EXPECT_DOUBLE_EQ(e->getValue<double>("time"), 30.0);
    Array::Ptr messages = e->getArray("_webSocketMessages");
    // 16 frames less 3 ping/pong and 2 close.
    ASSERT_EQ(messages->size(), 11u);
    Object::Ptr second = messages->getObject(1);
    EXPECT_EQ(second->getValue<std::string>("type"), "receive");
    EXPECT_EQ(second->getValue<int>("opcode"), 1);
    EXPECT_NEAR(second->getValue<double>("time"), 1764000000.003, 1e-6);
    Object::Ptr binary = messages->getObject(8);
    EXPECT_EQ(binary->getValue<std::string>("type"), "send");
    EXPECT_EQ(binary->getValue<int>("opcode"), 2);
    EXPECT_EQ(binary->getValue<std::string>("data"), "AAEC/w==");
}

TEST_F(InterchangeTest, HarExportImportsBack) {
    ASSERT_EQ(rtmtap({"export", "1", "--db", db, "-o", dir.file("one.har")}).status.code, 0);
    RunResult r = rtmtap({"import", dir.file("one.har"), "--db", db});
    ASSERT_EQ(r.status.code, 0) << r.err;
    EXPECT_EQ(r.out, "2\n");
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM frames WHERE session = 2"), 11);
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM frames a JOIN frames b ON a.session = 1 AND b.session = 2 AND "
                            "a.payload = b.payload AND a.t_us = b.t_us AND a.op = b.op AND a.dir = b.dir"),
              10);
    // HAR data is a JSON string: text that is not UTF-8 comes back with U+FFFD (frame 6).
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM frames WHERE session = 2 AND seq = 6 AND "
                            "payload = CAST('bad utf8 ' || char(65533, 65533) AS BLOB)"),
              1);
}

// A HAR as Chrome DevTools saves it: a page load with ordinary requests around two WebSockets.
std::string chromeHar() {
    return R"({"log":{"version":"1.2","creator":{"name":"WebInspector","version":"537.36"},
"pages":[{"startedDateTime":"2026-11-25T14:03:06.000Z","id":"page_1","title":"https://app.example/","pageTimings":{}}],
"entries":[
{"startedDateTime":"2026-11-25T14:03:06.100Z","time":12.5,"request":{"method":"GET","url":"https://app.example/",
 "httpVersion":"HTTP/2.0","headers":[{"name":":authority","value":"app.example"}],"queryString":[],"cookies":[],
 "headersSize":-1,"bodySize":0},"response":{"status":200,"statusText":"","httpVersion":"HTTP/2.0","headers":[],
 "cookies":[],"content":{"size":10,"mimeType":"text/html","text":"<html></html>"},"redirectURL":"","headersSize":-1,
 "bodySize":-1},"cache":{},"timings":{"blocked":1,"dns":-1,"ssl":-1,"connect":-1,"send":0.1,"wait":10,"receive":1},
 "_resourceType":"document"},
{"startedDateTime":"2026-11-25T14:03:07.000Z","time":0,"request":{"method":"GET",
 "url":"wss://rtm.example/socket?v=2","httpVersion":"HTTP/1.1","headers":[{"name":"Host","value":"rtm.example"},
 {"name":"Origin","value":"https://app.example"},{"name":"Cookie","value":"sid=secret"}],"queryString":[{"name":"v","value":"2"}],
 "cookies":[],"headersSize":-1,"bodySize":0},"response":{"status":101,"statusText":"Switching Protocols",
 "httpVersion":"HTTP/1.1","headers":[{"name":"Sec-WebSocket-Protocol","value":"rtm.v1"}],"cookies":[],
 "content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},
 "timings":{"blocked":-1,"dns":-1,"ssl":-1,"connect":-1,"send":0,"wait":0,"receive":0},"_resourceType":"websocket",
 "_webSocketMessages":[
  {"type":"send","time":1795615387.25,"opcode":1,"data":"{\"command\":\"ws_auth\",\"auth_token\":\"x\"}"},
  {"type":"receive","time":1795615387.5,"opcode":1,"data":"{\"event\":\"chat.postMessage\",\"payload\":{\"channel_id\":42}}"},
  {"type":"receive","time":1795615388.0,"opcode":2,"data":"AAEC"}]},
{"startedDateTime":"2026-11-25T14:03:08.000Z","time":3,"request":{"method":"POST","url":"https://app.example/api",
 "httpVersion":"HTTP/2.0","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":2,
 "postData":{"mimeType":"application/json","text":"{}"}},"response":{"status":200,"statusText":"",
 "httpVersion":"HTTP/2.0","headers":[],"cookies":[],"content":{"size":2,"mimeType":"application/json"},
 "redirectURL":"","headersSize":-1,"bodySize":-1},"cache":{},"timings":{"send":0,"wait":2,"receive":1},
 "_resourceType":"fetch"},
{"startedDateTime":"2026-11-25T15:03:09.000+01:00","time":0,"request":{"method":"GET","url":"ws://rtm.example/other",
 "httpVersion":"HTTP/1.1","headers":[],"queryString":[],"cookies":[],"headersSize":-1,"bodySize":0},
 "response":{"status":101,"statusText":"Switching Protocols","httpVersion":"HTTP/1.1","headers":[],"cookies":[],
 "content":{"size":0,"mimeType":"x-unknown"},"redirectURL":"","headersSize":-1,"bodySize":0},"cache":{},
 "timings":{"send":0,"wait":0,"receive":0},
 "_webSocketMessages":[{"type":"send","time":1795615389.001,"opcode":1,"data":"hello"},
  {"type":"error","time":1795615389.5,"opcode":-1,"data":"net::ERR_CONNECTION_RESET"}]}
]}})";
}

TEST(InterchangeHarTest, ChromeHarBecomesOneSessionPerWebSocket) {
    test::TempDir dir;
    const std::string db = dir.file("h.db");
    spit(dir.file("chrome.har"), chromeHar());
    RunResult r = rtmtap({"import", dir.file("chrome.har"), "--db", db, "--label", "from chrome"});
    ASSERT_EQ(r.status.code, 0) << r.err;
    EXPECT_EQ(r.out, "1\n2\n");
    const std::unique_ptr<Reader> reader = openReader(db);
    std::vector<SessionRow> sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 2u);
    const SessionRow& s = sessions[0];
    EXPECT_EQ(s.upstream, "wss://rtm.example/socket?v=2");
    EXPECT_EQ(s.path, "/socket?v=2");
    EXPECT_EQ(s.subprotocol, "rtm.v1");
    EXPECT_EQ(s.started_wall_us, 1'795'615'387'000'000);
    EXPECT_EQ(s.headers_json, R"({"Host":"rtm.example","Origin":"https://app.example","Cookie":"[redacted]"})");
    EXPECT_EQ(s.frames, 3);
    EXPECT_EQ(s.error, "");
    std::vector<FrameRow> frames;
    reader->frames(1, [&](const FrameRow& f) {
        frames.push_back(f);
        return true;
    });
    ASSERT_EQ(frames.size(), 3u);
    EXPECT_EQ(frames[0].message.dir, Direction::ClientToServer);
    EXPECT_EQ(frames[0].name, "ws_auth");
    EXPECT_EQ(frames[0].message.t_us, 250'000);
    EXPECT_EQ(frames[1].message.dir, Direction::ServerToClient);
    EXPECT_EQ(frames[1].kind, "event");
    EXPECT_EQ(frames[1].channel_id, std::optional<int64_t>(42));
    EXPECT_EQ(frames[2].message.op, Opcode::Binary);
    EXPECT_EQ(frames[2].message.payload, std::string("\x00\x01\x02", 3));
    EXPECT_EQ(frames[2].message.seq, 3);
    const SessionRow& other = sessions[1];
    EXPECT_EQ(other.started_wall_us, 1'795'615'389'000'000);  // +01:00 taken into account
    EXPECT_EQ(other.frames, 1);
    EXPECT_EQ(other.error, "net::ERR_CONNECTION_RESET");
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM sessions WHERE label = 'from chrome'"), 2);
}

struct BadFile {
    const char* name;
    std::string text;
    const char* where;  // what the error line must name
};

std::string goodJsonl() {
    return R"({"rtmtap":"session","version":1,"id":9,"started_at":"2026-11-25T14:03:07.000000Z","client":"c","upstream":"ws://h/","path":"/","headers":{}})"
           "\n"
           R"({"t_us":1,"dir":"c2s","op":"text","flags":[],"data":{"a":1}})"
           "\n";
}

class BadInputTest : public InterchangeTest, public ::testing::WithParamInterface<BadFile> {};

TEST_P(BadInputTest, RefusedWithOneLineAndNothingImported) {
    const BadFile& bad = GetParam();
    const std::string path = dir.file(bad.name);
    spit(path, bad.text);
    const int64_t frames = countRows(db, "SELECT count(*) FROM frames");
    const int64_t sessions = countRows(db, "SELECT count(*) FROM sessions");
    RunResult r = rtmtap({"import", path, "--db", db});
    EXPECT_EQ(r.status.code, 2) << r.err;
    EXPECT_EQ(r.out, "");
    ASSERT_EQ(r.status.code, 2);
    std::vector<std::string> lines;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        lines.push_back(line);
    }
    ASSERT_EQ(lines.size(), 1u) << r.err;
    EXPECT_NE(lines[0].find(path), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find(bad.where), std::string::npos) << lines[0];
    EXPECT_NE(lines[0].find("nothing imported"), std::string::npos) << lines[0];
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM frames"), frames);
    EXPECT_EQ(countRows(db, "SELECT count(*) FROM sessions"), sessions);
}

INSTANTIATE_TEST_SUITE_P(
    Files, BadInputTest,
    ::testing::Values(
        BadFile{"truncated.jsonl", goodJsonl() + R"({"t_us":2,"dir":"s2c","op":"text","data":{"a":)" "\n", "line 3: not valid JSON"},
        BadFile{"dir.jsonl", goodJsonl() + R"({"t_us":2,"dir":"up","op":"text","data":"x"})" "\n", "line 3: \"dir\""},
        BadFile{"op.jsonl", goodJsonl() + goodJsonl().substr(goodJsonl().find('\n') + 1) +
                                R"({"t_us":2,"dir":"s2c","op":"frame","data":"x"})" "\n", "line 4: \"op\""},
        BadFile{"base64.jsonl", goodJsonl() + R"({"t_us":2,"dir":"s2c","op":"binary","data":{"base64":"!!not"}})" "\n",
                "line 3: \"data\": the base64"},
        BadFile{"flag.jsonl", goodJsonl() + R"({"t_us":2,"dir":"s2c","op":"text","flags":["shiny"],"data":"x"})" "\n",
                "line 3: unknown flag"},
        BadFile{"noheader.jsonl", R"({"t_us":1,"dir":"c2s","op":"text","data":"x"})" "\n", "line 1: expected the session line"},
        BadFile{"nolog.har", R"({"log":{"version":"1.2","creator":{"name":"x"}}})", "log.entries"},
        BadFile{"notjson.har", "<html>", "not JSON"},
        BadFile{"badmsg.har",
                R"({"log":{"entries":[{"_resourceType":"fetch"},{"startedDateTime":"2026-11-25T14:03:07.000Z",)"
                R"("request":{"url":"ws://h/"},"response":{"status":101},"_resourceType":"websocket",)"
                R"("_webSocketMessages":[{"type":"send","time":1.5,"opcode":2,"data":"%%%"}]}]}})",
                "log.entries[1]._webSocketMessages[0]: opcode 2 data is not valid base64"}),
    [](const ::testing::TestParamInfo<BadFile>& info) {
        std::string name = info.param.name;
        return name.substr(0, name.find('.')) + "_" + name.substr(name.find('.') + 1);
    });

TEST_F(InterchangeTest, UnknownSessionIsExit2) {
    RunResult r = rtmtap({"export", "77", "--db", db, "-o", dir.file("x.jsonl")});
    EXPECT_EQ(r.status.code, 2);
    EXPECT_NE(r.err.find("no session 77"), std::string::npos) << r.err;
    EXPECT_EQ(r.out, "");
}

TEST_F(InterchangeTest, UnknownExtensionNeedsFormat) {
    spit(dir.file("x.txt"), goodJsonl());
    EXPECT_EQ(rtmtap({"import", dir.file("x.txt"), "--db", db}).status.code, 2);
    RunResult r = rtmtap({"import", dir.file("x.txt"), "--db", db, "--format", "jsonl"});
    EXPECT_EQ(r.status.code, 0) << r.err;
    EXPECT_EQ(r.out, "2\n");
}

TEST(InterchangeHarTest, HarWithoutWebSocketsIsExit1) {
    test::TempDir dir;
    spit(dir.file("none.har"), R"({"log":{"version":"1.2","creator":{"name":"x"},"entries":[{"_resourceType":"fetch"}]}})");
    RunResult r = rtmtap({"import", dir.file("none.har"), "--db", dir.file("n.db")});
    EXPECT_EQ(r.status.code, 1) << r.err;
    EXPECT_NE(r.err.find("no WebSocket session"), std::string::npos);
}

}  // namespace
}  // namespace rtmtap
