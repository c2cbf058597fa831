// `rtmtap query` run as a user would run it: a database of a few sessions with known frames
// (built once through SessionImporter), every filter alone and combined compared with the
// session:seq list worked out by hand, the output forms and the exit codes.
#include "store/Database.h"
#include "store/Schema.h"
#include "store/SessionImporter.h"
#include "store/TextIndex.h"
#include "tests/support/FrameLists.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <chrono>
#include <fstream>
#include <memory>
#include <sstream>
#include <sys/stat.h>

namespace rtmtap {
namespace {

using Ids = std::vector<std::string>;
constexpr Direction C2S = Direction::ClientToServer;
constexpr Direction S2C = Direction::ServerToClient;
constexpr int64_t kT0 = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

std::string posted(int64_t id, int64_t channel, int64_t user, const std::string& content, const std::string& type,
                   const std::string& extra = "", const std::string& event = "chat.postMessage") {
    return R"({"event":")" + event + R"(","payload":{"message":{"id":)" + std::to_string(id) + R"(,"channel_id":)" +
           std::to_string(channel) + R"(,"user_id":)" + std::to_string(user) + R"(,"content":")" + content +
           R"(","message_type":)" + type + extra + "}}}";
}

using Frame = test::PlannedFrame;
using test::idOf;
using test::jsonlIds;
using test::lines;
using Result = test::RunResult;

// Session 1 and 2 on 2026-01-01 (session s, frame q at 00:0s:0q), session 3 a minute ago, one
// frame a second; session 4 has no frames.
std::vector<std::vector<Frame>> sessionFrames() {
    return {
        {
            {C2S, Opcode::Text, R"({"command":"ws_ephemeral_typing","channel_id":10})"},
            {S2C, Opcode::Text, posted(501, 10, 100, "hello meeting tomorrow", "5")},
            {S2C, Opcode::Ping, ""},
            {C2S, Opcode::Pong, ""},
            {S2C, Opcode::Text, posted(501, 10, 100, "meeting postponed", "\"5\"", "", "chat.updateMessage")},
            {C2S, Opcode::Text, R"({"command":"ws_read_notification","channel_id":10,"message_id":501})"},
        },
        {
            {S2C, Opcode::Text, posted(502, 20, 200, "Hello World", "1", R"(,"pinned":true,"thread":null,"score":2.5)")},
            {S2C, Opcode::Text, R"({"event":"chat.postMessage","payload":{"message":{"id":)"},
            {C2S, Opcode::Binary, std::string("\x01\x02\x03", 3)},
            {S2C, Opcode::Text, R"({"event":"user.online","payload":{"user":{"id":300},"channel_id":20}})"},
            {S2C, Opcode::Close, std::string("\x03\xe8", 2)},
        },
        {
            {S2C, Opcode::Text,
             R"({"event":"chat.reaction","payload":{"message_id":502,"channel_id":20,"user_id":300,"emoji":"tada"}})"},
            {C2S, Opcode::Text, R"({"command":"ws_add_reaction","message_id":502,"emoji_value":"tada"})"},
            {S2C, Opcode::Text,
             posted(503, 10, 200, "please post it", "5", R"(,"big":99999999999999999999,"n":1000,"pinned":false)")},
            {S2C, Opcode::Text, "[1,2,3]"},
        },
        {},
    };
}

void buildDatabase(const std::string& path, int64_t recentUs) {
    test::importSessions(path, sessionFrames(), [&](size_t s) {
        return s < 2 ? kT0 + static_cast<int64_t>(s + 1) * 60'000'000 : recentUs;
    });
}

class QueryCommandTest : public ::testing::Test {
public:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        db_ = dir_->file("query.db");
        buildDatabase(db_, nowUs() - 60'000'000);
    }

    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }

    static Result run(std::vector<std::string> args) {
        return test::Process::capture(args);
    }

    using Runner = Result (*)(const std::string&, std::vector<std::string>);

    static Result query(const std::string& db, std::vector<std::string> args) {
        args.insert(args.begin(), {"query", "--db", db});
        return run(args);
    }

    // The frames `query ARGS --jsonl` prints; checks the exit code that goes with them.
    static void expectIds(const std::vector<std::string>& args, const Ids& expected, const std::string& db = db_) {
        std::string shown;
        for (const std::string& a : args) {
            shown += a + " ";
        }
        SCOPED_TRACE(shown);
        std::vector<std::string> withJsonl = args;
        withJsonl.push_back("--jsonl");
        Result r = query(db, withJsonl);
        EXPECT_EQ(r.code(), expected.empty() ? 1 : 0) << r.status.describe() << "\n" << r.err;
        EXPECT_EQ(jsonlIds(r.out), expected);
        EXPECT_EQ(r.err, "");
    }

    static test::TempDir* dir_;
    static std::string db_;
};

test::TempDir* QueryCommandTest::dir_ = nullptr;
std::string QueryCommandTest::db_;

const Ids kAll = {"1:1", "1:2", "1:3", "1:4", "1:5", "1:6", "2:1", "2:2", "2:3",
                  "2:4", "2:5", "3:1", "3:2", "3:3", "3:4"};

TEST_F(QueryCommandTest, NoFiltersPrintsEveryFrameInRecordingOrder) {
    expectIds({}, kAll);
}

TEST_F(QueryCommandTest, SessionFilter) {
    expectIds({"--session", "2"}, {"2:1", "2:2", "2:3", "2:4", "2:5"});
    expectIds({"--session", "3,1"}, {"1:1", "1:2", "1:3", "1:4", "1:5", "1:6", "3:1", "3:2", "3:3", "3:4"});
    expectIds({"--session", "4"}, {});
    expectIds({"--session", "99"}, {});
}

TEST_F(QueryCommandTest, DirAndOpFilters) {
    expectIds({"--dir", "c2s"}, {"1:1", "1:4", "1:6", "2:3", "3:2"});
    expectIds({"--dir", "s2c", "--op", "close,ping"}, {"1:3", "2:5"});
    expectIds({"--op", "ping", "--op", "pong"}, {"1:3", "1:4"});
    expectIds({"--op", "binary"}, {"2:3"});
    expectIds({"--op", "close"}, {"2:5"});
}

TEST_F(QueryCommandTest, KindFilter) {
    expectIds({"--kind", "command"}, {"1:1", "1:6", "3:2"});
    expectIds({"--kind", "control"}, {"1:3", "1:4", "2:5"});
    expectIds({"--kind", "event"}, {"1:2", "1:5", "2:1", "2:4", "3:1", "3:3"});
    expectIds({"--kind", "other"}, {"2:2", "2:3", "3:4"});
}

TEST_F(QueryCommandTest, EventAndCommandNamesAndGlobs) {
    expectIds({"--event", "chat.postMessage"}, {"1:2", "2:1", "3:3"});
    expectIds({"--event", "chat.*"}, {"1:2", "1:5", "2:1", "3:1", "3:3"});
    expectIds({"--event", "user.online", "--event", "chat.reaction"}, {"2:4", "3:1"});
    expectIds({"--command", "ws_*"}, {"1:1", "1:6", "3:2"});
    // Together they are one name filter: events by one, commands by the other.
    expectIds({"--event", "chat.reaction", "--command", "ws_add_reaction"}, {"3:1", "3:2"});
    // A command's name is not an event's.
    expectIds({"--event", "ws_*"}, {});
    expectIds({"--event", "chat.nothing"}, {});
}

TEST_F(QueryCommandTest, IdFilters) {
    expectIds({"--channel", "10"}, {"1:1", "1:2", "1:5", "1:6", "3:3"});
    expectIds({"--channel", "20"}, {"2:1", "2:4", "3:1"});
    expectIds({"--message", "501"}, {"1:2", "1:5", "1:6"});
    expectIds({"--message", "502,503"}, {"2:1", "3:1", "3:2", "3:3"});
    expectIds({"--user", "100"}, {"1:2", "1:5"});
    expectIds({"--user", "300"}, {"2:4", "3:1"});
    expectIds({"--user", "999"}, {});
}

TEST_F(QueryCommandTest, IsoTimesAreInclusive) {
    expectIds({"--until", "2026-01-01T00:01:03Z"}, {"1:1", "1:2", "1:3"});
    expectIds({"--since", "2026-01-01T00:01:05Z", "--until", "2026-01-01T00:02:01Z"}, {"1:5", "1:6", "2:1"});
    expectIds({"--since", "2026-01-01T00:02:05Z"}, {"2:5", "3:1", "3:2", "3:3", "3:4"});
    expectIds({"--since", "2026-01-01 01:02:04+01:00", "--until", "2026-01-01T00:02:04Z"}, {"2:4"});
}

TEST_F(QueryCommandTest, RelativeTimesCountBackFromNow) {
    expectIds({"--since", "10m"}, {"3:1", "3:2", "3:3", "3:4"});
    expectIds({"--until", "10m", "--session", "2"}, {"2:1", "2:2", "2:3", "2:4", "2:5"});
    expectIds({"--since", "1d", "--until", "1d"}, {});
}

TEST_F(QueryCommandTest, TextMatchesWholeWordsCaseInsensitively) {
    expectIds({"--text", "meeting"}, {"1:2", "1:5"});
    // "post" is inside "postMessage" and "postponed": only the frame with the word matches.
    expectIds({"--text", "post"}, {"3:3"});
    expectIds({"--text", "HELLO"}, {"1:2", "2:1"});
    expectIds({"--text", "hello world"}, {"2:1"});
    expectIds({"--text", "hello", "--text", "tomorrow"}, {"1:2"});
    expectIds({"--text", "chat.updateMessage"}, {"1:5"});
    expectIds({"--text", "meet"}, {});
}

TEST_F(QueryCommandTest, WhereComparesNumbersAsNumbersAndStringsAsStrings) {
    expectIds({"--where", "payload.message.message_type=5"}, {"1:2", "3:3"});
    expectIds({"--where", "payload.message.message_type=5.0"}, {"1:2", "3:3"});
    expectIds({"--where", "payload.message.message_type=\"5\""}, {"1:5"});
    expectIds({"--where", "$.payload.message.id=502"}, {"2:1"});
    expectIds({"--where", "payload.message.pinned=true"}, {"2:1"});
    expectIds({"--where", "payload.message.pinned=false"}, {"3:3"});
    expectIds({"--where", "payload.message.thread=null"}, {"2:1"});
    expectIds({"--where", "payload.message.score=2.5"}, {"2:1"});
    expectIds({"--where", "payload.message.n=1e3"}, {"3:3"});
    expectIds({"--where", "payload.message.big=99999999999999999999"}, {"3:3"});
    expectIds({"--where", "payload.message.content=Hello World"}, {"2:1"});
    expectIds({"--where", "event=user.online"}, {"2:4"});
    expectIds({"--where", "payload.user.id=300", "--where", "payload.channel_id=20"}, {"2:4"});
    // A missing path is not null; the malformed frame and the array never raise an error.
    expectIds({"--where", "payload.nothing=null"}, {});
    expectIds({"--where", "payload.message.content=hello"}, {});
}

TEST_F(QueryCommandTest, MalformedFilter) {
    expectIds({"--malformed"}, {"2:2"});
    expectIds({"--malformed", "--session", "1"}, {});
}

TEST_F(QueryCommandTest, FiltersCombine) {
    expectIds({"--event", "chat.*", "--channel", "10"}, {"1:2", "1:5", "3:3"});
    expectIds({"--dir", "s2c", "--op", "text", "--user", "200"}, {"2:1", "3:3"});
    expectIds({"--channel", "10", "--text", "meeting", "--where", "payload.message.message_type=5"}, {"1:2"});
    expectIds({"--session", "1", "--kind", "control", "--dir", "c2s"}, {"1:4"});
    expectIds({"--since", "2026-01-01T00:02:00Z", "--event", "chat.*"}, {"2:1", "3:1", "3:3"});
    expectIds({"--message", "502", "--kind", "command", "--since", "1h"}, {"3:2"});
    expectIds({"--session", "1", "--session", "2", "--op", "text", "--kind", "other"}, {"2:2"});
    expectIds({"--channel", "20", "--user", "100"}, {});
}

TEST_F(QueryCommandTest, OrderAndLimit) {
    expectIds({"--order", "desc", "--session", "2"}, {"2:5", "2:4", "2:3", "2:2", "2:1"});
    expectIds({"--order", "desc", "--event", "chat.*"}, {"3:3", "3:1", "2:1", "1:5", "1:2"});
    expectIds({"--limit", "2", "--event", "chat.*"}, {"1:2", "1:5"});
    expectIds({"--limit", "2", "--order", "desc", "--channel", "10"}, {"3:3", "1:6"});
    expectIds({"--limit", "0", "--op", "ping,pong"}, {"1:3", "1:4"});
    expectIds({"--limit", "1", "--user", "999"}, {});
}

TEST_F(QueryCommandTest, CountPrintsTheNumber) {
    Result some = query(db_, {"--count", "--event", "chat.*"});
    EXPECT_EQ(some.code(), 0) << some.err;
    EXPECT_EQ(some.out, "5\n");
    Result none = query(db_, {"--count", "--user", "999"});
    EXPECT_EQ(none.code(), 1) << none.err;
    EXPECT_EQ(none.out, "0\n");
    Result all = query(db_, {"--count"});
    EXPECT_EQ(all.out, std::to_string(kAll.size()) + "\n");
    Result limited = query(db_, {"--count", "--limit", "2", "--event", "chat.*"});
    EXPECT_EQ(limited.code(), 0);
    EXPECT_EQ(limited.out, "2\n");
}

TEST_F(QueryCommandTest, JsonIsOneArray) {
    Result r = query(db_, {"--json", "--channel", "20"});
    ASSERT_EQ(r.code(), 0) << r.err;
    Poco::JSON::Parser parser;
    Poco::JSON::Array::Ptr frames = parser.parse(r.out).extract<Poco::JSON::Array::Ptr>();
    ASSERT_EQ(frames->size(), 3u);
    EXPECT_EQ(idOf(frames->getObject(0)), "2:1");
    EXPECT_EQ(idOf(frames->getObject(1)), "2:4");
    EXPECT_EQ(idOf(frames->getObject(2)), "3:1");
    EXPECT_EQ(frames->getObject(1)->getValue<std::string>("name"), "user.online");
    EXPECT_EQ(frames->getObject(1)->getValue<int64_t>("channel_id"), 20);
    Result none = query(db_, {"--json", "--user", "999"});
    EXPECT_EQ(none.code(), 1);
    Poco::JSON::Parser again;
    EXPECT_EQ(again.parse(none.out).extract<Poco::JSON::Array::Ptr>()->size(), 0u);
}

TEST_F(QueryCommandTest, ReadableLinesStartWithSessionAndSeq) {
    Result r = query(db_, {"--channel", "10"});
    ASSERT_EQ(r.code(), 0) << r.err;
    std::vector<std::string> out = lines(r.out);
    Ids expected = {"1:1", "1:2", "1:5", "1:6", "3:3"};
    ASSERT_EQ(out.size(), expected.size()) << r.out;
    for (size_t i = 0; i < out.size(); ++i) {
        EXPECT_EQ(out[i].rfind(expected[i] + " ", 0), 0u) << out[i];
    }
    EXPECT_NE(out[1].find("chat.postMessage"), std::string::npos) << out[1];
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos) << "colour on a pipe";
}

TEST_F(QueryCommandTest, PrettyIndentsJsonPayloads) {
    Result r = query(db_, {"--pretty", "--message", "502", "--kind", "command"});
    ASSERT_EQ(r.code(), 0) << r.err;
    std::vector<std::string> out = lines(r.out);
    ASSERT_GE(out.size(), 4u) << r.out;
    EXPECT_EQ(out[0].rfind("3:2 ", 0), 0u) << out[0];
    EXPECT_NE(r.out.find("\n    {\n      \"command\": \"ws_add_reaction\",\n      \"message_id\": 502,"),
              std::string::npos)
        << r.out;
}

TEST_F(QueryCommandTest, ColorAlwaysColoursAndNeverDoesNot) {
    Result always = query(db_, {"--color=always", "--session", "1"});
    ASSERT_EQ(always.code(), 0) << always.err;
    EXPECT_NE(always.out.find("\x1b["), std::string::npos);
    Result never = query(db_, {"--color=never", "--session", "1"});
    EXPECT_EQ(never.out.find('\x1b'), std::string::npos);
    // JSON is never coloured.
    Result json = query(db_, {"--color=always", "--jsonl", "--session", "1"});
    EXPECT_EQ(json.out.find('\x1b'), std::string::npos);
}

// The full-text index, once built, gives the same answers as the scan of an unindexed database.
TEST_F(QueryCommandTest, TextGivesTheSameAnswerIndexed) {
    test::TempDir dir;
    std::string db = dir.file("indexed.db");
    buildDatabase(db, nowUs() - 60'000'000);
    EXPECT_GT(TextIndex::catchUp(db), 0);
    expectIds({"--text", "post"}, {"3:3"}, db);
    expectIds({"--text", "hello"}, {"1:2", "2:1"}, db);
    expectIds({"--text", "hello world", "--order", "desc"}, {"2:1"}, db);
    expectIds({"--text", "chat.updateMessage"}, {"1:5"}, db);
}

void importOneSession(const std::string& db, const std::vector<std::pair<Opcode, std::string>>& frames) {
    SessionImporter importer(db);
    importer.beginSession(ImportedSession{});
    for (const auto& [op, payload] : frames) {
        Message m;
        m.op = op;
        m.dir = S2C;
        m.payload = payload;
        m.size = payload.size();
        importer.addFrame(std::move(m));
    }
    importer.commit();
}

// What `query --text WORD` finds in db (the ids and the count), scanned and then indexed.
struct TextAnswers {
    Ids scanned, indexed;
    std::string scannedCount, indexedCount;
};

TextAnswers scannedThenIndexed(QueryCommandTest::Runner query, const std::string& db, const std::string& word) {
    TextAnswers answers;
    answers.scanned = jsonlIds(query(db, {"--text", word, "--jsonl"}).out);
    answers.scannedCount = query(db, {"--text", word, "--count"}).out;
    TextIndex::catchUp(db);
    answers.indexed = jsonlIds(query(db, {"--text", word, "--jsonl"}).out);
    answers.indexedCount = query(db, {"--text", word, "--count"}).out;
    return answers;
}

bool has(const Ids& ids, const std::string& id) {
    return std::find(ids.begin(), ids.end(), id) != ids.end();
}

// A ping may carry application data, a binary frame any bytes, a text frame invalid UTF-8. Whatever
// --text decides about them, it must decide the same with the full-text index as without it
// (today the scan matches all five frames, the index only the two JSON ones).
TEST_F(QueryCommandTest, TextOverPingBinaryAndBadUtf8AgreesIndexedAndScanned) {
    test::TempDir dir;
    std::string db = dir.file("words.db");
    importOneSession(db, {{Opcode::Text, R"({"event":"x","payload":{"t":"hello"}})"},
                          {Opcode::Ping, "hello"},
                          {Opcode::Binary, "\x01hello\x02"},
                          {Opcode::Binary, R"({"event":"y","payload":{"t":"hello"}})"},
                          {Opcode::Text, "hello \xff"}});
    TextAnswers a = scannedThenIndexed(&QueryCommandTest::query, db, "hello");
    EXPECT_EQ(a.scanned, a.indexed);
    EXPECT_EQ(a.scannedCount, a.indexedCount);
    for (const Ids& ids : {a.scanned, a.indexed}) {
        EXPECT_TRUE(has(ids, "1:1") && has(ids, "1:4"));
    }
}

// The same for words beyond ASCII: FTS5's unicode61 tokenizer folds case and removes diacritics
// ("CAFÉ" and "cafe" find "café"); SQLite's lower() in the scan folds ASCII only.
TEST_F(QueryCommandTest, TextBeyondAsciiAgreesIndexedAndScanned) {
    for (const char* word : {"café", "CAFÉ", "cafe"}) {
        SCOPED_TRACE(word);
        test::TempDir dir;
        std::string db = dir.file("cafe.db");
        importOneSession(db, {{Opcode::Text, R"({"event":"x","payload":{"t":"un café"}})"},
                              {Opcode::Text, R"({"event":"x","payload":{"t":"un thé"}})"}});
        TextAnswers a = scannedThenIndexed(&QueryCommandTest::query, db, word);
        EXPECT_EQ(a.scanned, a.indexed);
        EXPECT_EQ(a.scannedCount, a.indexedCount);
        EXPECT_FALSE(has(a.scanned, "1:2") || has(a.indexed, "1:2"));
    }
}

TEST_F(QueryCommandTest, MissingDatabaseIsOneLineAndExitTwo) {
    test::TempDir dir;
    std::string missing = dir.file("none.db");
    for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--text", "hello"}, {"--count"}}) {
        Result r = query(missing, extra);
        EXPECT_EQ(r.code(), 2) << r.status.describe();
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find(missing), std::string::npos) << r.err;
    }
    struct stat st {};
    EXPECT_NE(::stat(missing.c_str(), &st), 0) << "query created the database";
}

TEST_F(QueryCommandTest, NewerSchemaIsRefusedClearly) {
    test::TempDir dir;
    std::string db = dir.file("newer.db");
    buildDatabase(db, nowUs());
    {
        Database writable(db, Database::Mode::ReadWrite);
        writable.exec("PRAGMA user_version = " + std::to_string(Schema::kVersion + 1));
    }
    for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--text", "hello"}}) {
        Result r = query(db, extra);
        EXPECT_EQ(r.code(), 2) << r.status.describe();
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find("newer rtmtap"), std::string::npos) << r.err;
    }
}

TEST_F(QueryCommandTest, NotAnRtmtapDatabaseExitsTwo) {
    test::TempDir dir;
    std::string text = dir.file("text.db");
    std::ofstream(text) << "this is not a database, it is only text long enough to have a header\n";
    Result r = query(text, {"--event", "chat.*"});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(lines(r.err).size(), 1u) << r.err;
}

TEST_F(QueryCommandTest, BadFlagsAreUsageErrors) {
    const std::vector<std::vector<std::string>> bad = {
        {"--op", "foo"},        {"--dir", "up"},          {"--since", "10x"},      {"--where", "a..b=1"},
        {"--where", "nothing"}, {"--limit", "-1"},        {"--order", "sideways"}, {"--json", "--jsonl"},
        {"--count", "--json"},  {"--channel", "ten"},     {"--color=sometimes"},   {"--no-such-flag"},
    };
    for (const auto& args : bad) {
        Result r = query(db_, args);
        EXPECT_EQ(r.code(), 2) << args[0] << " " << r.status.describe();
        EXPECT_EQ(r.out, "") << args[0];
        EXPECT_NE(r.err, "") << args[0];
    }
    Result where = query(db_, {"--where", "a[x]=1"});
    EXPECT_NE(where.err.find("--where"), std::string::npos) << where.err;
}

}  // namespace
}  // namespace rtmtap
