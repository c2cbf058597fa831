// loadRecording from each source replay takes: a database session with its login API calls, the
// second session of a JSONL file, a chosen WebSocket entry of a HAR with the HTTP entries before
// it; and every way it refuses, each with one line.
#include "store/Database.h"
#include "store/JsonlFormat.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "replay/RecordingLoader.h"
#include "store/SessionImporter.h"
#include "tests/support/LoginSession.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace rtmtap {
namespace {

constexpr int64_t kStart = 1'764'000'000'000'000;

void spit(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::binary) << text;
}

// Loads and expects a RecordingError; returns its text.
std::string refusal(const std::string& source, const std::string& db, std::optional<int> position) {
    try {
        loadRecording(source, db, position, nullptr);
    } catch (const RecordingError& e) {
        std::string what = e.what();
        EXPECT_EQ(what.find('\n'), std::string::npos) << "one line: " << what;
        return what;
    }
    ADD_FAILURE() << source << " loaded";
    return {};
}

// ---- a database session ----

Message frame(int64_t seq, Direction dir, std::string payload) {
    Message m;
    m.session = 1;
    m.seq = seq;
    m.dir = dir;
    m.t_us = seq * 1000;
    m.wall_us = kStart + seq * 1000;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

TEST(RecordingLoaderTest, ADatabaseSessionComesWithItsLogin) {
    test::TempDir dir;
    const std::string db = dir.file("r.db");
    test::recordLoggedInSession(db, kStart);
    std::string notice = "stale";
    Recording r = loadRecording("1", db, std::nullopt, &notice);
    EXPECT_EQ(notice, "");
    EXPECT_EQ(r.dbSessionId, 1);
    EXPECT_EQ(r.describe, "session 1 of " + db);
    EXPECT_EQ(r.info.started_wall_us, kStart);
    EXPECT_EQ(r.info.client, "127.0.0.1:50000");
    EXPECT_EQ(r.info.upstream, "ws://h:1/ws");
    EXPECT_EQ(r.info.path, "/ws");
    EXPECT_EQ(r.info.headers, (HeaderList{{"Host", "h"}, {"Origin", "http://app"}}));
    ASSERT_TRUE(r.end);
    EXPECT_EQ(r.end->close_code, 1000);
    EXPECT_EQ(r.end->closed_by, "client");
    EXPECT_EQ(r.end->duration_us, 9000);
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[0].seq, 1);
    EXPECT_EQ(r.frames[1].seq, 2);
    EXPECT_EQ(r.frames[1].t_us, 2000);
    EXPECT_EQ(r.frames[1].payload, R"({"event":"pong"})");
    ASSERT_EQ(r.apiCalls.size(), 2u);  // not the other login's call, not the one after rtm.connect
    const RecordedApiCall& login = r.apiCalls[0];
    EXPECT_EQ(login.started_wall_us, kStart - 3000);
    EXPECT_EQ(login.method, "POST");
    EXPECT_EQ(login.path, "/api/v1/user.login");
    EXPECT_EQ(login.status, 200);
    EXPECT_EQ(login.response_headers, (HeaderList{{"Content-Type", "application/json"}, {"X-Request-Id", "r1"}}));
    EXPECT_EQ(login.response_body.rfind(R"({"ok":true,"token":")", 0), 0u) << login.response_body;
    EXPECT_EQ(login.request_headers, (HeaderList{{"Content-Type", "application/x-www-form-urlencoded"}}));
    EXPECT_EQ(login.request_body, "email=a%40b.test");
    const RecordedApiCall& connect = r.apiCalls[1];
    EXPECT_EQ(connect.path, "/api/v1/rtm.connect");
    EXPECT_EQ(connect.request_headers, (HeaderList{{"Authorization", "[redacted]"}}));
    EXPECT_NE(connect.response_body.find(R"("ws_endpoint":"ws://h:1/ws")"), std::string::npos) << connect.response_body;
}

TEST(RecordingLoaderTest, ADatabaseSessionWithoutApiCallsHasNone) {
    test::TempDir dir;
    const std::string db = dir.file("r.db");
    {
        RecorderOptions options;
        options.dbPath = db;
        Recorder recorder(options);
        SessionInfo info;
        info.id = recorder.nextSessionId();
        info.started_wall_us = kStart;
        recorder.onSessionStart(info);
        recorder.onMessage(frame(1, Direction::ClientToServer, "hi"));
    }
    Recording r = loadRecording("1", db, std::nullopt, nullptr);
    EXPECT_EQ(r.frames.size(), 1u);
    EXPECT_TRUE(r.apiCalls.empty());
    EXPECT_FALSE(r.end);  // never ended
}

// Session id of db as JSONL, written as `rtmtap export` writes it.
std::string asJsonl(const std::string& db, int64_t id) {
    const std::unique_ptr<Reader> reader = openReader(db);
    std::vector<ApiCallRow> calls = reader->sessionApiCalls(id);
    std::string text = JsonlFormat::sessionLine(*reader->session(id), "", !calls.empty()) + "\n";
    for (const ApiCallRow& call : calls) {
        text += JsonlFormat::apiCallLine(call) + "\n";
    }
    reader->frames(id, [&](const FrameRow& frame) {
        text += JsonlFormat::frameLine(frame.message) + "\n";
        return true;
    });
    return text;
}

void expectSameApiCalls(const std::vector<RecordedApiCall>& got, const std::vector<RecordedApiCall>& want) {
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < want.size(); ++i) {
        EXPECT_EQ(got[i].started_wall_us, want[i].started_wall_us) << i;
        EXPECT_EQ(got[i].method, want[i].method) << i;
        EXPECT_EQ(got[i].path, want[i].path) << i;
        EXPECT_EQ(got[i].status, want[i].status) << i;
        EXPECT_EQ(got[i].response_headers, want[i].response_headers) << i;
        EXPECT_EQ(got[i].response_body, want[i].response_body) << i;
        EXPECT_EQ(got[i].request_headers, want[i].request_headers) << i;
        EXPECT_EQ(got[i].request_body, want[i].request_body) << i;
    }
}

TEST(RecordingLoaderTest, AJsonlExportCarriesTheLoginAndImportsItBack) {
    test::TempDir dir;
    const std::string db = dir.file("r.db");
    test::recordLoggedInSession(db, kStart);
    const Recording original = loadRecording("1", db, std::nullopt, nullptr);
    ASSERT_EQ(original.apiCalls.size(), 2u);
    const std::string text = asJsonl(db, 1);
    const std::string path = dir.file("s.jsonl");
    spit(path, text);
    // Read for replay straight from the file...
    Recording fromFile = loadRecording(path, "", std::nullopt, nullptr);
    expectSameApiCalls(fromFile.apiCalls, original.apiCalls);
    EXPECT_EQ(fromFile.frames.size(), original.frames.size());
    // ... and imported twice into another database: each copy has the login once, its own.
    const std::string other = dir.file("o.db");
    for (int i = 0; i < 2; ++i) {
        SessionImporter importer(other);
        std::istringstream in(text);
        JsonlFormat::read(in, importer, "", nullptr);
        importer.commit();
    }
    for (const char* id : {"1", "2"}) {
        expectSameApiCalls(loadRecording(id, other, std::nullopt, nullptr).apiCalls, original.apiCalls);
    }
    // Exported again: the same file but for the id the session line carries.
    std::string again = text;
    again.replace(again.find(R"("id":1,)"), 7, R"("id":2,)");
    EXPECT_EQ(asJsonl(other, 2), again);
}

// ---- a JSONL file ----

std::string jsonlSession(const std::string& started, const std::string& client, const std::string& frames) {
    return R"({"rtmtap":"session","version":1,"id":4,"started_at":")" + started + R"(","ended_at":null,)"
           R"("client":")" + client + R"(","upstream":"ws://h/","path":"/","headers":{"Host":"h"},"label":"l"})" "\n" +
           frames;
}

std::string twoSessionJsonl() {
    return jsonlSession("2025-11-24T16:00:00.000000Z", "first",
                        R"({"t_us":10,"dir":"c2s","op":"text","flags":[],"data":{"command":"ws_auth"}})" "\n") +
           jsonlSession("2025-11-24T16:00:01.000000Z", "second",
                        R"({"t_us":100,"dir":"c2s","op":"text","flags":[],"data":{"command":"ws_auth"}})" "\n"
                        R"({"t_us":250,"dir":"s2c","op":"binary","flags":["injected"],"data":{"base64":"AAE="}})" "\n");
}

TEST(RecordingLoaderTest, TheSecondSessionOfAJsonlFile) {
    test::TempDir dir;
    const std::string path = dir.file("capture.jsonl");
    spit(path, twoSessionJsonl());
    std::string notice = "stale";
    Recording r = loadRecording(path, dir.file("unused.db"), 2, &notice);
    EXPECT_EQ(notice, "");
    EXPECT_EQ(r.describe, "session 2 of " + path);
    EXPECT_EQ(r.dbSessionId, 0);
    EXPECT_EQ(r.info.client, "second");
    EXPECT_EQ(r.info.started_wall_us, kStart + 1'000'000);
    EXPECT_EQ(r.info.headers, (HeaderList{{"Host", "h"}}));
    EXPECT_EQ(r.label, "l");
    EXPECT_FALSE(r.end);
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[0].seq, 1);
    EXPECT_EQ(r.frames[0].payload, R"({"command":"ws_auth"})");
    EXPECT_EQ(r.frames[1].seq, 2);
    EXPECT_EQ(r.frames[1].t_us, 250);
    EXPECT_EQ(r.frames[1].op, Opcode::Binary);
    EXPECT_EQ(r.frames[1].flags, MessageFlag::Injected);
    EXPECT_EQ(r.frames[1].payload, std::string("\x00\x01", 2));
    EXPECT_TRUE(r.apiCalls.empty());
    // Reading a file needs no database: none was created.
    EXPECT_FALSE(std::ifstream(dir.file("unused.db")).good());
}

TEST(RecordingLoaderTest, WithoutAPositionTheFirstSessionAndANotice) {
    test::TempDir dir;
    const std::string path = dir.file("capture.jsonl");
    spit(path, "\n" + twoSessionJsonl());
    std::string notice;
    Recording r = loadRecording(path, "", std::nullopt, &notice);
    EXPECT_EQ(r.info.client, "first");
    EXPECT_EQ(r.describe, "session 1 of " + path);
    EXPECT_EQ(notice, path + " holds 2 WebSocket sessions; replaying the first (--session N picks another)");
    // One session: nothing to say.
    spit(path, jsonlSession("2025-11-24T16:00:00Z", "only", ""));
    EXPECT_EQ(loadRecording(path, "", std::nullopt, &notice).info.client, "only");
    EXPECT_EQ(notice, "");
}

// ---- a HAR file ----

std::string entry(const std::string& started, const std::string& method, const std::string& url,
                  const std::string& requestExtra, const std::string& response) {
    return R"({"startedDateTime":")" + started + R"(","request":{"method":")" + method + R"(","url":")" + url +
           R"(","httpVersion":"HTTP/1.1")" + requestExtra + R"(},"response":)" + response + "}";
}

std::string wsEntry(const std::string& started, const std::string& url, const std::string& messages) {
    return R"({"startedDateTime":")" + started + R"(","request":{"method":"GET","url":")" + url +
           R"("},"response":{"status":101},"_resourceType":"websocket","_webSocketMessages":[)" + messages + "]}";
}

// A login through the API, a first WebSocket, one more API call and a second WebSocket; entries
// not in time order (as a HAR may be) and a bare entry with nothing to answer.
std::string harWithTwoSessions() {
    const std::string login = entry(
        "2025-11-24T16:00:00.000Z", "POST", "https://api.example/api/v1/user.login?x=1",
        R"(,"headers":[{"name":"Content-Type","value":"application/json"}],"postData":{"mimeType":"application/json","text":"{\"email\":\"a@b\"}"})",
        R"({"status":200,"headers":[{"name":"Content-Type","value":"application/json"},{"name":"Set-Cookie","value":"s=1"}],)"
        R"("content":{"size":13,"mimeType":"application/json","text":"{\"token\":\"t\"}"}})");
    const std::string connect = entry(
        "2025-11-24T16:00:00.500Z", "GET", "https://api.example/api/v1/rtm.connect", R"(,"headers":[{"name":"Authorization","value":"Bearer t"}])",
        // {"rtm":{"ws_endpoint":"wss://rtm.example/ws"}} as base64 content
        R"({"status":200,"headers":[],"content":{"size":40,"mimeType":"application/json","encoding":"base64",)"
        R"("text":"eyJydG0iOnsid3NfZW5kcG9pbnQiOiJ3c3M6Ly9ydG0uZXhhbXBsZS93cyJ9fQ=="}})");
    const std::string info = entry("2025-11-24T16:00:02.000Z", "GET", "https://api.example/api/v1/channel.info", "",
                                   R"({"status":404,"content":{"text":"nope"}})");
    const std::string first = wsEntry("2025-11-24T16:00:01.000Z", "wss://rtm.example/ws",
                                      R"({"type":"send","time":1764000001.25,"opcode":1,"data":"a"})");
    const std::string second = wsEntry("2025-11-24T16:00:03.000Z", "wss://rtm.example/ws?n=2",
                                       R"({"type":"send","time":1764000003.5,"opcode":1,"data":"b"},)"
                                       R"({"type":"receive","time":1764000004,"opcode":1,"data":"c"})");
    return R"({"log":{"version":"1.2","creator":{"name":"t"},"entries":[)" + connect + ",\n" + first + ",\n" +
           R"({"_resourceType":"other"})" ",\n" + info + ",\n" + login + ",\n" + second + "]}}";
}

TEST(RecordingLoaderTest, AChosenWebSocketOfAHarWithTheHttpCallsBeforeIt) {
    test::TempDir dir;
    const std::string path = dir.file("capture.txt");  // told by content, not by name
    spit(path, harWithTwoSessions());
    Recording r = loadRecording(path, "", 2, nullptr);
    EXPECT_EQ(r.describe, "session 2 of " + path);
    EXPECT_EQ(r.info.upstream, "wss://rtm.example/ws?n=2");
    EXPECT_EQ(r.info.path, "/ws?n=2");
    ASSERT_EQ(r.frames.size(), 2u);
    EXPECT_EQ(r.frames[1].seq, 2);
    EXPECT_EQ(r.frames[1].dir, Direction::ServerToClient);
    EXPECT_EQ(r.frames[1].t_us, 1'000'000);
    EXPECT_EQ(r.frames[1].payload, "c");
    ASSERT_EQ(r.apiCalls.size(), 3u);  // oldest first; the other WebSocket is not one
    const RecordedApiCall& login = r.apiCalls[0];
    EXPECT_EQ(login.started_wall_us, kStart);
    EXPECT_EQ(login.method, "POST");
    EXPECT_EQ(login.path, "/api/v1/user.login?x=1");
    EXPECT_EQ(login.status, 200);
    EXPECT_EQ(login.request_headers, (HeaderList{{"Content-Type", "application/json"}}));
    EXPECT_EQ(login.request_body, R"({"email":"a@b"})");
    EXPECT_EQ(login.response_headers, (HeaderList{{"Content-Type", "application/json"}, {"Set-Cookie", "s=1"}}));
    EXPECT_EQ(login.response_body, R"({"token":"t"})");
    EXPECT_EQ(r.apiCalls[1].path, "/api/v1/rtm.connect");
    EXPECT_EQ(r.apiCalls[1].request_headers, (HeaderList{{"Authorization", "Bearer t"}}));
    EXPECT_EQ(r.apiCalls[1].response_body, R"({"rtm":{"ws_endpoint":"wss://rtm.example/ws"}})");
    EXPECT_EQ(r.apiCalls[2].path, "/api/v1/channel.info");
    EXPECT_EQ(r.apiCalls[2].status, 404);
    EXPECT_EQ(r.apiCalls[2].response_body, "nope");
    EXPECT_EQ(r.apiCalls[2].request_body, "");

    std::string notice;
    Recording first = loadRecording(path, "", std::nullopt, &notice);
    EXPECT_EQ(first.info.path, "/ws");
    EXPECT_EQ(first.apiCalls.size(), 2u);  // channel.info came after it
    EXPECT_EQ(notice, path + " holds 2 WebSocket sessions; replaying the first (--session N picks another)");
}

// ---- refusals ----

TEST(RecordingLoaderTest, EveryRefusalIsOneClearLine) {
    test::TempDir dir;
    const std::string db = dir.file("r.db");
    test::recordLoggedInSession(db, kStart);
    const std::string har = dir.file("capture.har");
    spit(har, harWithTwoSessions());
    EXPECT_EQ(refusal(dir.file("nope.har"), db, std::nullopt),
              dir.file("nope.har") + " does not exist (a session id, or a JSONL or HAR file)");
    EXPECT_EQ(refusal(dir.path(), db, std::nullopt), dir.path() + " is a directory, not a JSONL or HAR file");
    for (const std::string& text : {std::string("hello\n"), std::string(""), std::string(R"({"a":1})" "\n"),
                                    std::string(R"({"t_us":1,"dir":"c2s","op":"text","data":"x"})" "\n")}) {
        spit(dir.file("x.txt"), text);
        EXPECT_EQ(refusal(dir.file("x.txt"), db, std::nullopt), dir.file("x.txt") + " is neither rtmtap JSONL nor a HAR file")
            << text;
    }
    spit(dir.file("none.har"), R"({"log":{"entries":[{"startedDateTime":"2025-11-24T16:00:00Z","request":{"method":"GET","url":"http://h/"}}]}})");
    EXPECT_EQ(refusal(dir.file("none.har"), db, std::nullopt), dir.file("none.har") + " holds no WebSocket session");
    EXPECT_EQ(refusal(har, db, 5), har + " holds 2 WebSocket sessions; --session 5 is not one of them");
    spit(dir.file("one.jsonl"), jsonlSession("2025-11-24T16:00:00Z", "only", ""));
    EXPECT_EQ(refusal(dir.file("one.jsonl"), db, 2), dir.file("one.jsonl") + " holds 1 WebSocket session; --session 2 is not one of them");
    EXPECT_NE(refusal(har, db, 0).find("--session 0"), std::string::npos);
    EXPECT_EQ(refusal("9", db, std::nullopt), "no session 9 in " + db + " (rtmtap sessions lists them)");
    EXPECT_EQ(refusal("99999999999999999999", db, std::nullopt),
              "no session 99999999999999999999 in " + db + " (rtmtap sessions lists them)");
    EXPECT_NE(refusal("1", db, 2).find("--session 2"), std::string::npos);
    EXPECT_NE(refusal("1", dir.file("missing.db"), std::nullopt).find("cannot open database '" + dir.file("missing.db") + "'"),
              std::string::npos);
    spit(dir.file("junk.db"), std::string(4096, 'j'));
    EXPECT_NE(refusal("1", dir.file("junk.db"), std::nullopt).find(dir.file("junk.db")), std::string::npos);
}

TEST(RecordingLoaderTest, FormatErrorsKeepTheReadersLocation) {
    test::TempDir dir;
    const std::string jsonl = dir.file("bad.jsonl");
    spit(jsonl, twoSessionJsonl() + R"({"t_us":1,"dir":"sideways","op":"text","data":"x"})" "\n");
    EXPECT_EQ(refusal(jsonl, "", std::nullopt).rfind(jsonl + ": line 6: \"dir\"", 0), 0u);
    const std::string har = dir.file("bad.har");
    std::string text = harWithTwoSessions();
    text.replace(text.find(R"("data":"c")"), 10, R"("data":"c","opcode":"x")");
    spit(har, text);
    EXPECT_EQ(refusal(har, "", 2), har + ": log.entries[5]._webSocketMessages[1]: \"opcode\" must be an integer");
    text = harWithTwoSessions();
    text.replace(text.find(R"("status":404)"), 12, R"("status":"404")");
    spit(har, text);
    EXPECT_EQ(refusal(har, "", 1), har + ": log.entries[3]: response.status must be an integer");
}

}  // namespace
}  // namespace rtmtap
