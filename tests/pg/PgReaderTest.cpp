// pg/PgReader against the SQLite reader on the same recording, shipped (tests/support/PgShip):
// every filter gives the same frames in the same order, the edge cases of --text and --where
// included (where PostgreSQL's own JSON and text search differ from SQLite's, the recheck makes
// them agree), and hostile recordings read back byte for byte. Plus the one-line errors of a
// server that is not there, has no schema or a newer one.
#include "pg/OpenReader.h"
#include "pg/PgConnection.h"
#include "pg/PgFrameFilter.h"
#include "pg/PgReader.h"
#include "store/Recorder.h"
#include "store/TextIndex.h"
#include "tests/support/HostileSessions.h"
#include "tests/support/PgCluster.h"
#include "tests/support/PgShip.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using pg::PgConnection;
using pg::PgFrameFilter;
using pg::PgFrameFilterSql;
using pg::PgResult;
using test::PgCluster;

Message frame(int64_t session, int64_t seq, Opcode op, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = seq % 2 ? Direction::ServerToClient : Direction::ClientToServer;
    m.op = op;
    m.t_us = seq * 1000;
    m.wall_us = 1'764'000'000'000'000 + session * 100'000 + seq * 1000;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

// Payloads where PostgreSQL and SQLite read JSON or words differently.
const std::vector<std::string> kPayloads = {
    R"({"event":"chat.postMessage","a":5,"b":"post"})",
    R"({"event":"chat.userTyping","a":5.0,"b":"postMessage"})",
    R"({"event":"chat.postmessage","a":"5","b":"chat-postMessage"})",
    R"({"event":"user.online","a":[false,true],"b":"CHAT.POSTMESSAGE x"})",
    R"({"event":"user.online","a":5,"a":6})",                          // duplicate keys: SQLite reads the first
    R"({"event":"user.online","a":0.10000000000000001})",              // the double 0.1
    R"({"event":"user.online","a":5,"s":"nul\u0000here"})",            // PostgreSQL refuses \u0000: no doc
    std::string("{\"event\":\"user.online\",\"a\":5}\0tail", 34),      // SQLite reads up to the NUL
    R"({"command":"ws_auth","a":null,"b":"a*b"})",
    R"({"command":"ws_ephemeral_typing","a":12345678901234567890})",  // past int64: a real to SQLite
    R"({"a":{"b":[{"c":"x.y"}]},"b":"..."})",
    R"({"event":"user.online","x":{"a":7,"a":8},"b":[7,8]})",          // a repeated key deeper down
    R"({"event":"user.online","\u0061":7})",                           // SQLite matches keys as written
    R"({"event":"user.online","a":5.0000000000000001})",               // the double 5
    R"({"event":"user.online","a":1e-400})",                           // the double 0
    "not json post",
    "\xff\xfe post binary",
    "",
};

class PgReaderTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        db_ = dir_.file("local.db");
        {
            RecorderOptions options;
            options.dbPath = db_;
            Recorder recorder(options);
            int64_t seq = 0;
            for (int session = 1; session <= 2; ++session) {
                SessionInfo info;
                info.id = session;
                info.started_wall_us = 1'764'000'000'000'000 + session * 100'000;
                info.client = "127.0.0.1:4000" + std::to_string(session);
                recorder.onSessionStart(info);
                for (const std::string& payload : kPayloads) {
                    recorder.onMessage(frame(session, ++seq, Opcode::Text, payload));
                    recorder.onMessage(frame(session, ++seq, Opcode::Binary, payload));
                }
                recorder.onMessage(frame(session, ++seq, Opcode::Ping, "post"));
            }
        }
        // As `rtmtap query --text` does first: the frames are then read through the text index
        // (which tokenises a payload past a NUL, where a scan's GLOB stops at it).
        TextIndex::catchUp(db_);
        url_ = test::shipToNewDatabase(db_, "edge-a");
        for (const auto& [id, shipped] : test::shippedSessions(url_)) {
            localOf_[id] = shipped.localId;
        }
    }

    // "session:seq" of the frames each reader's query gives, in its order, sessions as local ids.
    std::vector<std::string> frames(Reader& reader, const FrameFilter& filter, bool pg,
                                    SearchOrder order = SearchOrder::Ascending) {
        std::vector<std::string> out;
        reader.query(filter, order, [&](const FrameRow& row) {
            int64_t session = pg ? localOf_.at(row.message.session) : row.message.session;
            out.push_back(std::to_string(session) + ":" + std::to_string(row.message.seq));
            return true;
        });
        EXPECT_EQ(reader.count(filter), static_cast<int64_t>(out.size()));
        return out;
    }

    void expectSame(const FrameFilter& filter, const std::string& what) {
        std::unique_ptr<Reader> sqlite = openReader(db_);
        std::unique_ptr<Reader> pg = openReader(url_);
        std::vector<std::string> expected = frames(*sqlite, filter, false);
        EXPECT_EQ(frames(*pg, filter, true), expected) << what;
        EXPECT_EQ(frames(*pg, filter, true, SearchOrder::Descending),
                  frames(*sqlite, filter, false, SearchOrder::Descending))
            << what;
        if (what.find("(none)") == std::string::npos) {
            EXPECT_FALSE(expected.empty()) << what << ": a case that matches nothing proves little";
        }
    }

    test::TempDir dir_;
    std::string db_, url_;
    std::map<int64_t, int64_t> localOf_;
};

TEST_F(PgReaderTest, TextWordsGiveWhatSqliteGives) {
    for (const char* word : {"post", "POST", "chat.postMessage", "chat.post (none)", "a*b", "...", "x.y",
                             "postmessage x", "\xff\xfe (none)", "tail"}) {
        std::string text = word;
        FrameFilter filter;
        filter.words = {text.substr(0, text.find(" (none)"))};
        expectSame(filter, "--text " + text);
    }
    FrameFilter two;
    two.words = {"post", "event"};
    expectSame(two, "--text post --text event");
}

TEST_F(PgReaderTest, WhereConditionsGiveWhatSqliteGives) {
    for (const char* where : {"a=5", "a=5.0", "a=\"5\"", "a=null", "a[1]=true", "a[0]=true (none)", "a=0.1",
                              "a=6 (none)", "a.b[0].c=x.y", "a=12345678901234567890", "s=nul (none)", "x.a=7",
                              "x.a=8 (none)", "b[1]=8", "b[0]=8 (none)", "a=7 (none)", "a=0", "a=\"x.y\" (none)",
                              "a.b[0].c=\"x.y\"", "event=user.online"}) {
        std::string text = where;
        FrameFilter filter;
        filter.wheres = {parseWhere(text.substr(0, text.find(' ')))};
        expectSame(filter, std::string("--where ") + where);
    }
}

// The plan of a --where of an integer, with sequential scans priced out: the GIN index on doc
// and the partial index of the frames without doc serve it, nothing is read whole.
TEST_F(PgReaderTest, WhereOfAnIntegerIsServedByTheDocIndexes) {
    FrameFilter filter;
    filter.wheres = {parseWhere("x.a=7")};
    const PgFrameFilterSql sql = PgFrameFilter::toSql(filter, {}, 1);
    ASSERT_NE(sql.condition.find("f.doc @> $1::jsonb"), std::string::npos) << sql.condition;
    PgConnection db(url_);
    db.exec("SET enable_seqscan = off");
    PgResult plan = db.query("EXPLAIN SELECT f.id FROM rtmtap.frames f WHERE " + sql.condition, {sql.params[0]});
    std::string text;
    for (int r = 0; r < plan.rows(); ++r) {
        text += plan.text(r, 0) + "\n";
    }
    EXPECT_EQ(text.find("Seq Scan"), std::string::npos) << text;
    EXPECT_NE(text.find("(doc @> "), std::string::npos) << text;
    EXPECT_NE(text.find("Bitmap Index Scan"), std::string::npos) << text;
    // Only the payloads jsonb reads as SQLite does went as doc: the repeated and escaped keys
    // and the numbers past a double did not.
    PgResult docs = db.query("SELECT count(*) FROM rtmtap.frames WHERE doc IS NULL AND op IN (1, 2)");
    EXPECT_EQ(docs.integer(0, 0), 2 * 2 * 12) << "2 sessions x text and binary x the 12 payloads without doc";
}

TEST_F(PgReaderTest, OtherFiltersAndCombinationsGiveWhatSqliteGives) {
    FrameFilter events;
    events.events = {"chat.*"};
    expectSame(events, "--event chat.*");
    FrameFilter both;
    both.events = {"user.?nline"};
    both.commands = {"ws_*"};
    both.ops = {Opcode::Binary};
    expectSame(both, "--event user.?nline --command ws_* --op binary");
    FrameFilter session;
    session.sessions = {1};
    session.words = {"post"};
    session.wheres = {parseWhere("a=5")};
    std::unique_ptr<Reader> pg = openReader(url_);
    int64_t global = test::serverSessionId(url_, "edge-a", 1);
    session.sessions = {1};
    std::unique_ptr<Reader> sqlite = openReader(db_);
    std::vector<std::string> expected = frames(*sqlite, session, false);
    session.sessions = {global};
    EXPECT_EQ(frames(*pg, session, true), expected);
    EXPECT_FALSE(expected.empty());
    FrameFilter malformed;
    malformed.malformed = true;
    expectSame(malformed, "--malformed");
    FrameFilter none;
    none.events = {"nothing.*"};
    expectSame(none, "--event nothing.* (none)");
}

// A text column of the server cannot hold NUL: the shipper sends U+FFFD in its place (payloads
// are bytea and come back whole).
std::string serverText(std::string text) {
    for (size_t at = text.find('\0'); at != std::string::npos; at = text.find('\0', at)) {
        text.replace(at, 1, "\xef\xbf\xbd");
    }
    return text;
}

TEST_F(PgReaderTest, HostileRecordingsReadBackByteForByte) {
    std::string hostileDb = dir_.file("hostile.db");
    std::vector<int64_t> ids = test::importHostileSessions(hostileDb, dir_.path());
    ASSERT_EQ(ids.size(), 4u);
    std::string url = test::shipToNewDatabase(hostileDb, "hostile");
    std::unique_ptr<Reader> sqlite = openReader(hostileDb);
    std::unique_ptr<Reader> pg = openReader(url);
    for (int64_t local : ids) {
        int64_t global = test::serverSessionId(url, "hostile", local);
        std::optional<SessionRow> want = sqlite->session(local);
        std::optional<SessionRow> got = pg->session(global);
        ASSERT_TRUE(want && got);
        EXPECT_EQ(got->user_name, serverText(want->user_name));
        EXPECT_EQ(got->headers_json, serverText(want->headers_json));
        EXPECT_EQ(got->started_wall_us, want->started_wall_us);
        EXPECT_EQ(got->frames, want->frames);
        EXPECT_EQ(got->bytes, want->bytes);
        EXPECT_EQ(got->source, "hostile");
        std::vector<FrameRow> wantFrames, gotFrames;
        sqlite->frames(local, [&](const FrameRow& row) {
            wantFrames.push_back(row);
            return true;
        });
        pg->frames(global, [&](const FrameRow& row) {
            gotFrames.push_back(row);
            return true;
        });
        ASSERT_EQ(gotFrames.size(), wantFrames.size()) << "session " << local;
        for (size_t i = 0; i < wantFrames.size(); ++i) {
            const Message& w = wantFrames[i].message;
            const Message& g = gotFrames[i].message;
            EXPECT_EQ(g.seq, w.seq);
            EXPECT_EQ(g.payload, w.payload) << "session " << local << " seq " << w.seq;
            EXPECT_EQ(g.wall_us, w.wall_us);
            EXPECT_EQ(g.t_us, w.t_us);
            EXPECT_EQ(g.flags, w.flags);
            EXPECT_EQ(gotFrames[i].name, serverText(wantFrames[i].name));
            EXPECT_EQ(gotFrames[i].kind, wantFrames[i].kind);
        }
        EXPECT_EQ(pg->sessionApiCalls(global).size(), sqlite->sessionApiCalls(local).size());
        EXPECT_EQ(pg->findings(global).size(), sqlite->findings(local).size());
    }
    // A query over everything reads every hostile payload without a failure.
    FrameFilter any;
    any.words = {"script"};
    any.wheres = {parseWhere("event=x")};
    EXPECT_EQ(pg->count(any), sqlite->count(any));
}

TEST_F(PgReaderTest, AServerItCannotUseIsOneLine) {
    auto oneLine = [](const std::string& url) {
        try {
            pg::PgReader reader(url);
        } catch (const std::runtime_error& e) {
            return std::string(e.what());
        }
        return std::string("no error");
    };
    std::string empty = PgCluster::shared().createDatabase();
    std::string noSchema = oneLine(empty);
    EXPECT_NE(noSchema.find("no rtmtap schema"), std::string::npos) << noSchema;
    EXPECT_EQ(noSchema.find('\n'), std::string::npos);

    pg::PgConnection(url_).exec("UPDATE rtmtap.meta SET value = '2' WHERE key = 'version'");
    std::string newer = oneLine(url_);
    EXPECT_NE(newer.find("newer"), std::string::npos) << newer;

    std::string gone = oneLine("postgresql:///nothing?host=" + dir_.path() + "&port=1");
    EXPECT_EQ(gone.find('\n'), std::string::npos) << gone;
    EXPECT_NE(gone, "no error");
}

}  // namespace
}  // namespace rtmtap
