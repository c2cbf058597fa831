// The JSONL reader and writer on their own, without a database: lines written by sessionLine and
// frameLine read back into a SessionSink (the in-memory RecordingCollector) as the same session
// and frames; errors name the line.
#include "store/ImportError.h"
#include "store/JsonlFormat.h"
#include "store/Reader.h"
#include "store/RecordingCollector.h"

#include <gtest/gtest.h>

#include <limits>
#include <sstream>
#include <vector>

namespace rtmtap {
namespace {

constexpr int64_t kStart = 1'764'000'000'000'000;

SessionRow row() {
    SessionRow r;
    r.id = 4;
    r.started_wall_us = kStart;
    r.ended_wall_us = kStart + 9'000;
    r.duration_us = 9'000;
    r.client = "127.0.0.1:5000";
    r.upstream = "ws://h:1/rtm";
    r.path = "/rtm";
    r.headers_json = R"({"Host":"h"})";
    r.close_code = 1000;
    r.close_reason = "bye";
    r.closed_by = "client";
    r.http_status = 101;
    return r;
}

Message frame(Direction dir, Opcode op, std::string payload, int64_t t_us) {
    Message m;
    m.dir = dir;
    m.op = op;
    m.t_us = t_us;
    m.wall_us = kStart + t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

TEST(JsonlFormatTest, WrittenLinesReadBackIntoTheSink) {
    std::vector<Message> sent = {
        frame(Direction::ClientToServer, Opcode::Text, R"({"command":"ws_ping"})", 100),
        frame(Direction::ServerToClient, Opcode::Text, "plain \"text\"", 200),
        frame(Direction::ServerToClient, Opcode::Binary, std::string("\x00\xff", 2), 300),
        frame(Direction::ClientToServer, Opcode::Close, std::string("\x03\xe8", 2) + "bye", 400),
    };
    sent[1].flags = MessageFlag::Injected;
    sent[1].fwd_us = 250;
    std::string text = JsonlFormat::sessionLine(row(), "mine") + "\n";
    for (const Message& m : sent) {
        text += JsonlFormat::frameLine(m) + "\n";
    }
    std::istringstream in(text + text);  // two sessions, one after the other
    RecordingCollector sink(2);
    JsonlFormat::read(in, sink, "", nullptr);
    EXPECT_EQ(sink.sessions(), 2);
    std::optional<Recording> s = sink.take();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->info.started_wall_us, kStart);
    EXPECT_EQ(s->info.client, "127.0.0.1:5000");
    EXPECT_EQ(s->info.upstream, "ws://h:1/rtm");
    EXPECT_EQ(s->info.path, "/rtm");
    EXPECT_EQ(s->info.headers, (HeaderList{{"Host", "h"}}));
    EXPECT_EQ(s->label, "mine");
    ASSERT_TRUE(s->end);
    EXPECT_EQ(s->end->ended_wall_us, kStart + 9'000);
    EXPECT_EQ(s->end->close_code, 1000);
    EXPECT_EQ(s->end->close_reason, "bye");
    EXPECT_EQ(s->end->closed_by, "client");
    ASSERT_EQ(s->frames.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        const Message& got = s->frames[i];
        EXPECT_EQ(got.seq, static_cast<int64_t>(i) + 1);
        EXPECT_EQ(got.dir, sent[i].dir) << i;
        EXPECT_EQ(got.op, sent[i].op) << i;
        EXPECT_EQ(got.payload, sent[i].payload) << i;
        EXPECT_EQ(got.t_us, sent[i].t_us) << i;
        EXPECT_EQ(got.wall_us, sent[i].wall_us) << i;
        EXPECT_EQ(got.flags, sent[i].flags) << i;
        EXPECT_EQ(got.fwd_us, sent[i].fwd_us) << i;
    }
}

// Hands out ids 100, 101, ... and keeps what each session line gave.
class IdSink : public SessionSink {
public:
    int64_t beginSession(const ImportedSession& session) override {
        infos.push_back(session.info);
        return 99 + static_cast<int64_t>(infos.size());
    }
    void addFrame(Message&&) override {}
    std::vector<SessionInfo> infos;
};

// replay_of and derived_from (schema v5 and v6) ride on the session line when set. One naming a
// session of the same file becomes the id the sink gave that session; any other id reaches the
// sink as it is (the importer decides). A line without them reads as before: 0.
TEST(JsonlFormatTest, ReplayOfAndDerivedFromRideOnTheSessionLine) {
    const std::string plain = JsonlFormat::sessionLine(row(), "");
    EXPECT_EQ(plain.find("replay_of"), std::string::npos) << plain;
    EXPECT_EQ(plain.find("derived_from"), std::string::npos) << plain;
    SessionRow linked = row();
    linked.id = 5;
    linked.replay_of = 4;
    linked.derived_from = 9;
    const std::string line = JsonlFormat::sessionLine(linked, "x");
    EXPECT_NE(line.find(R"("label":"x","replay_of":4,"derived_from":9})"), std::string::npos) << line;
    std::istringstream in(plain + "\n" + line + "\n");
    IdSink sink;
    JsonlFormat::read(in, sink, "", nullptr);
    ASSERT_EQ(sink.infos.size(), 2u);
    EXPECT_EQ(sink.infos[0].replay_of, 0);
    EXPECT_EQ(sink.infos[0].derived_from, 0);
    EXPECT_EQ(sink.infos[1].replay_of, 100) << "session 4 is the file's first: the sink called it 100";
    EXPECT_EQ(sink.infos[1].derived_from, 9);

    std::istringstream bad(R"({"rtmtap":"session","started_at":"2026-01-01T00:00:00Z","replay_of":"4"})");
    try {
        JsonlFormat::read(bad, sink, "", nullptr);
        ADD_FAILURE() << "a replay_of that is not a number was read";
    } catch (const ImportError& e) {
        EXPECT_EQ(std::string(e.what()), "line 1: \"replay_of\" must be an integer or null");
    }
}

TEST(JsonlFormatTest, ApiCallLinesReadBackIntoTheSessionsApiCalls) {
    ApiCallRow json;
    json.started_wall_us = kStart - 5;
    json.method = "POST";
    json.path = "/api/v1/user.login?x=1";
    json.status = 200;
    json.response_headers_json = R"({"Content-Type":"application/json","X-A":"1"})";
    json.response_body = R"({"ok":true, "n":1.50})";
    json.request_headers_json = R"({"Cookie":"[redacted]"})";
    json.request_body = "email=a%40b";
    ApiCallRow binary = json;
    binary.status = 502;
    binary.response_headers_json = "not json";
    binary.response_body = std::string("\x00\xff", 2);
    binary.request_body = R"({"base64":"looks like data"})";
    std::string text = JsonlFormat::sessionLine(row(), "", true) + "\n" + JsonlFormat::apiCallLine(json) + "\n" +
                       JsonlFormat::apiCallLine(binary) + "\n";
    EXPECT_NE(text.find(R"({"rtmtap":"session","version":2,)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("response_body":{"ok":true, "n":1.50},)"), std::string::npos) << text;
    EXPECT_NE(text.find(R"("response_body":{"base64":"AP8="})"), std::string::npos) << text;
    std::istringstream in(text);
    RecordingCollector sink(1);
    JsonlFormat::read(in, sink, "", nullptr);
    std::optional<Recording> s = sink.take();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->apiCalls.size(), 2u);
    const RecordedApiCall& a = s->apiCalls[0];
    EXPECT_EQ(a.started_wall_us, kStart - 5);
    EXPECT_EQ(a.method, "POST");
    EXPECT_EQ(a.path, "/api/v1/user.login?x=1");
    EXPECT_EQ(a.status, 200);
    EXPECT_EQ(a.response_headers, (HeaderList{{"Content-Type", "application/json"}, {"X-A", "1"}}));
    EXPECT_EQ(a.response_body, json.response_body);  // the JSON's own bytes
    EXPECT_EQ(a.request_headers, (HeaderList{{"Cookie", "[redacted]"}}));
    EXPECT_EQ(a.request_body, "email=a%40b");
    const RecordedApiCall& b = s->apiCalls[1];
    EXPECT_EQ(b.status, 502);
    EXPECT_TRUE(b.response_headers.empty());
    EXPECT_EQ(b.response_body, binary.response_body);
    EXPECT_EQ(b.request_body, binary.request_body);
}

TEST(JsonlFormatTest, BadApiCallLinesNameTheLine) {
    const std::string session = JsonlFormat::sessionLine(row(), "", true) + "\n";
    const std::string call = R"({"rtmtap":"api_call","started_at":"2025-11-24T16:00:00Z","method":"GET","path":"/")";
    struct Case {
        std::string text;
        std::string error;
    } cases[] = {
        {call + "}\n", "line 1: expected the session line"},
        {session + call + R"(,"response_body":{"base64":"!!"}})" "\n",
         "line 2: \"response_body\": the base64 string is not valid base64 (RFC 4648, padded)"},
        {session + R"({"rtmtap":"api_call","method":"GET"})" "\n", "line 2: \"started_at\" is missing"},
        {session + call + R"(,"request_headers":[1]})" "\n", "line 2: \"request_headers\" must be an object of strings"},
        {session + R"({"rtmtap":"other"})" "\n", "line 2: \"rtmtap\" must be \"session\" or \"api_call\""},
    };
    for (const Case& c : cases) {
        std::istringstream in(c.text);
        RecordingCollector sink(1);
        try {
            JsonlFormat::read(in, sink, "", nullptr);
            ADD_FAILURE() << "no error: " << c.text;
        } catch (const ImportError& e) {
            EXPECT_EQ(std::string(e.what()).rfind(c.error, 0), 0u) << e.what();
        }
    }
}

// The first error read gives, "" when the text reads.
std::string readError(const std::string& text) {
    std::istringstream in(text);
    RecordingCollector sink(1);
    try {
        JsonlFormat::read(in, sink, "", nullptr);
    } catch (const ImportError& e) {
        return e.what();
    }
    return "";
}

std::string withStartedAt(const std::string& iso) {
    std::string line = JsonlFormat::sessionLine(row(), "") + "\n";
    const std::string written = "\"started_at\":\"2025-11-24T16:00:00.000000Z\"";
    line.replace(line.find(written), written.size(), "\"started_at\":\"" + iso + "\"");
    return line;
}

// The reader takes ISO 8601 as rtmtap writes it and with an offset, and no more: what Poco's
// parser let through before (a year alone, month 0, zone names, a leap second) is an error.
TEST(JsonlFormatTest, SessionTimesAreStrictIso8601) {
    std::istringstream in(withStartedAt("2025-11-24T17:00:00+01:00"));
    RecordingCollector sink(1);
    JsonlFormat::read(in, sink, "", nullptr);
    EXPECT_EQ(sink.take()->info.started_wall_us, kStart);
    const std::pair<std::string, std::string> bad[] = {
        {"x", "expected an ISO 8601 time such as 2026-11-25T10:00:00Z"},
        {"2025", "expected an ISO 8601 time such as 2026-11-25T10:00:00Z"},
        {"2025-00-00T00:00:00Z", "month 0 is out of range (01-12)"},
        {"2025-11-24T16:00:00 CET", "expected an ISO 8601 time such as 2026-11-25T10:00:00Z"},
        {"2025-12-31T23:59:60Z", "second 60 is out of range (00-59)"},
    };
    for (const auto& [iso, reason] : bad) {
        EXPECT_EQ(readError(withStartedAt(iso)),
                  "line 1: \"started_at\" is not an ISO-8601 time: \"" + iso + "\" (" + reason + ")");
    }
}

// Frame lines through the project's JSON scanner: escapes, white space and the shapes it tells apart.
TEST(JsonlFormatTest, FrameLinesReadThroughTheScanner) {
    const std::string session = JsonlFormat::sessionLine(row(), "") + "\n";
    std::istringstream in(session +
                          R"( { "t_us" : 5 , "dir" : "\u0073\u0032c" , "op":"close", "flags" : [ "inj\u0065cted" ] ,)"
                          R"( "data" : { "reason" : "\u00e9\ud83d\ude00\"" , "code" : 1001 } } )" "\n");
    RecordingCollector sink(1);
    JsonlFormat::read(in, sink, "", nullptr);
    std::optional<Recording> s = sink.take();
    ASSERT_TRUE(s);
    ASSERT_EQ(s->frames.size(), 1u);
    EXPECT_EQ(s->frames[0].t_us, 5);
    EXPECT_EQ(s->frames[0].dir, Direction::ServerToClient);
    EXPECT_EQ(s->frames[0].flags, MessageFlag::Injected);
    EXPECT_EQ(s->frames[0].payload, "\x03\xe9\xc3\xa9\xf0\x9f\x98\x80\"");
    const std::string frame = R"({"t_us":1,"dir":"c2s","op":"text",)";
    const std::pair<std::string, std::string> bad[] = {
        {"[1,2]", "line 2: not a JSON object"},
        {"\"text\"", "line 2: not a JSON object"},
        {frame + R"("data":"x"} trailing)", "line 2: not valid JSON"},
        {frame + R"("data":"x",})", "line 2: not valid JSON"},
        {frame + "\"data\":\"\xff\"}", "line 2: not valid JSON"},  // not UTF-8
        {frame + R"("data":"x","flags":"injected"})", "line 2: \"flags\" must be an array of flag names"},
        {frame + R"("data":"x","flags":[1]})", "line 2: \"flags\" must be an array of flag names"},
        {frame + R"("data":"x","fwd_us":1.5})", "line 2: \"fwd_us\" must be an integer, not 1.5"},
        {frame + R"("data":"x","fwd_us":99999999999999999999})", "line 2: \"fwd_us\" must be an integer"},
    };
    for (const auto& [line, error] : bad) {
        EXPECT_EQ(readError(session + line + "\n").rfind(error, 0), 0u) << line << ": " << readError(session + line + "\n");
    }
}

// A frame's time and a session's duration are added to the session's start by every reader
// (wall clock, timeline, stats): a file whose sum leaves int64 is refused at its line.
TEST(JsonlFormatTest, TimesPastTheEndsOfInt64AreRefused) {
    const std::string session = JsonlFormat::sessionLine(row(), "") + "\n";
    const std::string max = std::to_string(std::numeric_limits<int64_t>::max());
    const std::string min = std::to_string(std::numeric_limits<int64_t>::min());
    const auto frame = [](const std::string& t) { return R"({"t_us":)" + t + R"(,"dir":"c2s","op":"text","data":"x"})" "\n"; };
    EXPECT_EQ(readError(session + frame(max)),
              "line 2: \"t_us\" " + max + " is out of range: the frame would be past the times rtmtap holds");
    EXPECT_EQ(readError(withStartedAt("0001-01-01T00:00:00Z") + frame(min)),
              "line 2: \"t_us\" " + min + " is out of range: the frame would be past the times rtmtap holds");
    const std::string lastTime = std::to_string(std::numeric_limits<int64_t>::max() - kStart);
    EXPECT_EQ(readError(session + frame(lastTime)), "") << "the last time that is one";

    std::string ended = session;
    const std::string duration = "\"duration_us\":";
    const size_t at = ended.find(duration) + duration.size();
    ended.replace(at, ended.find(',', at) - at, max);
    EXPECT_EQ(readError(ended),
              "line 1: \"duration_us\" " + max + " is out of range: the session would end past the times rtmtap holds");
}

TEST(JsonlFormatTest, TheLabelGivenReplacesTheFilesAndErrorsNameTheLine) {
    std::string text = JsonlFormat::sessionLine(row(), "mine") + "\n";
    std::istringstream in(text);
    RecordingCollector sink(1);
    JsonlFormat::read(in, sink, "other", nullptr);
    EXPECT_EQ(sink.sessions(), 1);
    EXPECT_EQ(sink.take()->label, "other");
    std::istringstream bad(text + "\n" + R"({"t_us":1,"dir":"sideways","op":"text","data":"x"})" + "\n");
    try {
        JsonlFormat::read(bad, sink, "", nullptr);
        FAIL() << "no error";
    } catch (const ImportError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("line 3: \"dir\"", 0), 0u) << e.what();
    }
}

// rtmtap edit reopens a file that does not read with the error in a '#' line on top: such lines
// are skipped, and still counted in the line numbers of errors.
TEST(JsonlFormatTest, CommentLinesAreSkippedAndCounted) {
    const std::string frame = R"({"t_us":1,"dir":"c2s","op":"text","data":"x"})";
    std::istringstream in("# rtmtap: line 3: an old error\n" + JsonlFormat::sessionLine(row(), "") + "\n#\n" + frame +
                          "\n# {\"not\": \"read\"}\n");
    RecordingCollector sink(1);
    JsonlFormat::read(in, sink, "", nullptr);
    std::optional<Recording> s = sink.take();
    ASSERT_TRUE(s);
    EXPECT_EQ(s->frames.size(), 1u);
    std::istringstream bad("#\n#\n" + JsonlFormat::sessionLine(row(), "") + "\n {oops\n");
    try {
        JsonlFormat::read(bad, sink, "", nullptr);
        FAIL() << "no error";
    } catch (const ImportError& e) {
        EXPECT_EQ(e.line(), 4u);
        EXPECT_EQ(std::string(e.what()), "line 4: " + e.withoutLine());
        EXPECT_EQ(e.withoutLine().rfind("not valid JSON", 0), 0u) << e.what();
    }
    EXPECT_EQ(readError(" # indented: not a comment\n"), "line 1: not valid JSON (a line holds one complete JSON object)");
}

}  // namespace
}  // namespace rtmtap
