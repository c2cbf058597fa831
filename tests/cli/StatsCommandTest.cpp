// `rtmtap stats`: the binary's text and JSON forms over a small recorded database, and its exit
// codes. The numbers themselves are checked in tests/store/SessionStatsTest.cpp.
#include "cli/StatsCommand.h"
#include "store/Database.h"
#include "store/Recorder.h"
#include "tests/support/KeepaliveSessions.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <fstream>
#include <sstream>

namespace rtmtap {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::Process;
using test::RunResult;

Message frame(int64_t session, int64_t seq, Direction dir, Opcode op, std::string payload, int64_t t_us) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = t_us;
    m.fwd_us = t_us + 100;
    m.wall_us = 1'764'000'000'000'000 + t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

class StatsCommandTest : public ::testing::Test {
protected:
    void SetUp() override {
        RecorderOptions options;
        options.dbPath = db_;
        Recorder recorder(options);
        for (int64_t id : {1, 2}) {
            SessionInfo info;
            info.id = id;
            info.client = "127.0.0.1:1";
            recorder.onSessionStart(info);
        }
        const Direction c2s = Direction::ClientToServer, s2c = Direction::ServerToClient;
        recorder.onMessage(frame(1, 1, c2s, Opcode::Text, R"({"command":"ws_auth"})", 0));
        recorder.onMessage(frame(1, 2, s2c, Opcode::Text, R"({"event":"chat.postMessage"})", 1'000'000));
        recorder.onMessage(frame(1, 3, s2c, Opcode::Ping, "", 2'000'000));
        recorder.onMessage(frame(1, 4, c2s, Opcode::Pong, "", 2'003'000));
        recorder.onMessage(frame(1, 5, s2c, Opcode::Ping, "", 32'000'000));  // after 30 s of silence
        SessionEnd end;
        end.id = 1;
        end.ended_wall_us = 1'764'000'040'000'000;
        end.duration_us = 40'000'000;  // 8 s more silence
        end.close_code = 1006;
        end.closed_by = "server";
        end.error = "connection reset";
        recorder.onSessionEnd(end);
        recorder.onMessage(frame(2, 1, c2s, Opcode::Text, R"({"command":"ws_ping"})", 0));
        recorder.close();
        // What `proxy --when-behind relay` writes for frames it let pass unrecorded.
        Database(db_, Database::Mode::ReadWrite)
            .exec("INSERT INTO gaps(session, first_seq, last_seq, first_us, last_us, frames, bytes, reason) "
                  "VALUES (1, 6, 9, 1764000033000000, 1764000034000000, 4, 4000, 'database locked by another process')");
    }

    RunResult run(std::vector<std::string> args) {
        return Process::capture(args);
    }

    static Object::Ptr parse(const std::string& text) {
        Poco::JSON::Parser parser;
        return parser.parse(text).extract<Object::Ptr>();
    }

    static void expectExit(const RunResult& r, int code) {
        EXPECT_TRUE(r.status.exited && r.status.code == code) << r.status.describe() << "\n" << r.err;
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("stats.db");
};

TEST_F(StatsCommandTest, JsonIsOneObjectWithEverything) {
    RunResult r = run({"stats", "1", "--db", db_, "--json"});
    expectExit(r, 0);
    EXPECT_EQ(r.out.find('\n'), r.out.size() - 1) << "one line";
    Object::Ptr json = parse(r.out);
    EXPECT_EQ(json->getValue<int64_t>("session"), 1);
    EXPECT_EQ(json->getValue<int64_t>("frames"), 5);
    EXPECT_EQ(json->getObject("c2s")->getValue<int64_t>("frames"), 2);
    EXPECT_EQ(json->getObject("s2c")->getValue<int64_t>("frames"), 3);
    Array::Ptr events = json->getArray("events");
    ASSERT_EQ(events->size(), 1u);
    EXPECT_EQ(events->getObject(0)->getValue<std::string>("name"), "chat.postMessage");
    EXPECT_EQ(json->getArray("commands")->getObject(0)->getValue<std::string>("name"), "ws_auth");
    Object::Ptr ping = json->getObject("ping");
    EXPECT_EQ(ping->getValue<int64_t>("pings"), 2);
    EXPECT_EQ(ping->getValue<int64_t>("answered"), 1);
    EXPECT_EQ(ping->getValue<int64_t>("unanswered"), 1);
    EXPECT_EQ(ping->getObject("round_trip_us")->getValue<int64_t>("max"), 3000);
    EXPECT_EQ(json->getObject("holding_us")->getValue<int64_t>("p50"), 100);
    Object::Ptr rate = json->getObject("rate");
    EXPECT_EQ(rate->getValue<int64_t>("bucket_us"), 1'000'000);
    EXPECT_EQ(rate->getArray("counts")->size(), 41u);
    Array::Ptr gaps = json->getArray("gaps");
    ASSERT_EQ(gaps->size(), 1u);
    EXPECT_EQ(gaps->getObject(0)->getValue<int64_t>("start_us"), 2'003'000);
    Object::Ptr ending = json->getObject("ending");
    EXPECT_EQ(ending->getValue<std::string>("summary"), "1006 by server: connection reset");
    EXPECT_EQ(ending->getValue<int64_t>("close_code"), 1006);
    EXPECT_EQ(json->getArray("endings")->size(), 0u);
}

TEST_F(StatsCommandTest, GapSecondsChangesWhatCountsAsSilence) {
    RunResult r = run({"stats", "1", "--db", db_, "--json", "--gap-seconds", "5"});
    expectExit(r, 0);
    Object::Ptr json = parse(r.out);
    EXPECT_EQ(json->getValue<int64_t>("gap_threshold_us"), 5'000'000);
    EXPECT_EQ(json->getArray("gaps")->size(), 2u);  // and the 8 s up to the end
}

TEST_F(StatsCommandTest, AllSessionsJsonCountsEndings) {
    RunResult r = run({"stats", "--db", db_, "--json"});
    expectExit(r, 0);
    Object::Ptr json = parse(r.out);
    EXPECT_TRUE(json->isNull("session"));
    EXPECT_EQ(json->getValue<int64_t>("sessions"), 2);
    EXPECT_EQ(json->getValue<int64_t>("frames"), 6);
    EXPECT_TRUE(json->isNull("ending"));
    Array::Ptr endings = json->getArray("endings");
    ASSERT_EQ(endings->size(), 2u);
    EXPECT_EQ(endings->getObject(0)->getValue<std::string>("how"), "1006 by server: connection reset");
    EXPECT_EQ(endings->getObject(1)->getValue<std::string>("how"), "open");
}

TEST_F(StatsCommandTest, TextHasOneSectionPerQuestion) {
    RunResult r = run({"stats", "1", "--db", db_});
    expectExit(r, 0);
    for (const char* expected :
         {"session 1\n", "  c2s ", "  s2c ", "  total ", "rate: 1 s buckets, peak 2.0 frames/s\n", "events (1 name):\n",
          "chat.postMessage\n", "commands (1 name):\n", "ping/pong: 2 pings, 1 answered, 1 never answered",
          "  round trip p50 3.000 ms  p99 3.000 ms  max 3.000 ms\n", "held by the proxy: 5 frames forwarded, p50 0.100 ms",
          "silences over 25.000 s: 1\n  at 2.003 s: 29.997 s\n", "ended: 1006 by server: connection reset after 40.000 s"}) {
        EXPECT_NE(r.out.find(expected), std::string::npos) << "missing: " << expected << "\n" << r.out;
    }
    RunResult all = run({"stats", "--db", db_});
    expectExit(all, 0);
    EXPECT_EQ(all.out.rfind("all sessions: 2\n", 0), 0u) << all.out;
    EXPECT_NE(all.out.find("endings:\n  1  1006 by server: connection reset\n  1  open\n"), std::string::npos) << all.out;
}

TEST_F(StatsCommandTest, FramesNotRecordedAreShownWithTheirGaps) {
    RunResult r = run({"stats", "1", "--db", db_});
    expectExit(r, 0);
    EXPECT_NE(r.out.find("not recorded (relayed while the recorder was behind): 4 frames, 3.9 KiB in 1 gap\n"
                         "  seq 6-9 from 2025-11-24T16:00:33.000000Z: 4 frames, 3.9 KiB (database locked by another process)\n"),
              std::string::npos)
        << r.out;
    RunResult other = run({"stats", "2", "--db", db_});
    expectExit(other, 0);
    EXPECT_EQ(other.out.find("not recorded"), std::string::npos) << "session 2 lost nothing:\n" << other.out;

    RunResult json = run({"stats", "--db", db_, "--json"});
    expectExit(json, 0);
    Object::Ptr unrecorded = parse(json.out)->getObject("unrecorded");
    ASSERT_TRUE(unrecorded);
    EXPECT_EQ(unrecorded->getValue<int64_t>("frames"), 4);
    EXPECT_EQ(unrecorded->getValue<int64_t>("bytes"), 4000);
    Array::Ptr gaps = unrecorded->getArray("gaps");
    ASSERT_EQ(gaps->size(), 1u);
    Object::Ptr gap = gaps->getObject(0);
    EXPECT_EQ(gap->getValue<int64_t>("session"), 1);
    EXPECT_EQ(gap->getValue<int64_t>("first_seq"), 6);
    EXPECT_EQ(gap->getValue<int64_t>("last_seq"), 9);
    EXPECT_EQ(gap->getValue<std::string>("first_at"), "2025-11-24T16:00:33.000000Z");
    EXPECT_EQ(gap->getValue<std::string>("last_at"), "2025-11-24T16:00:34.000000Z");
    EXPECT_EQ(gap->getValue<std::string>("reason"), "database locked by another process");
    RunResult none = run({"stats", "2", "--db", db_, "--json"});
    EXPECT_EQ(parse(none.out)->getObject("unrecorded")->getArray("gaps")->size(), 0u);
}

TEST_F(StatsCommandTest, UnknownSessionExitsTwoWithOneLine) {
    RunResult r = run({"stats", "99", "--db", db_});
    expectExit(r, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "rtmtap: no session 99 in '" + db_ + "' (rtmtap sessions lists them)\n");
}

TEST_F(StatsCommandTest, UnreadableDatabaseExitsTwoWithOneLine) {
    std::ofstream(dir_.file("junk.db")) << "not a database, only some text that is long enough for a header\n";
    for (const std::string& db : {dir_.file("junk.db"), dir_.file("missing.db")}) {
        RunResult r = run({"stats", "--db", db});
        expectExit(r, 2);
        EXPECT_EQ(r.out, "");
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(db), std::string::npos) << r.err;
    }
    RunResult bad = run({"stats", "--db", db_, "--gap-seconds", "0"});
    expectExit(bad, 2);
}

// The keepalive section over tests/support/KeepaliveSessions (the numbers: KeepaliveCounterTest).
class StatsKeepaliveTest : public StatsCommandTest {
protected:
    void SetUp() override {
        StatsCommandTest::SetUp();
        test::recordKeepaliveSessions(keepaliveDb_, 1'764'000'000'000'000);
    }
    std::string keepaliveDb_ = dir_.file("keepalive.db");
};

TEST_F(StatsKeepaliveTest, JsonHasAKeepaliveObject) {
    RunResult r = run({"stats", "1", "--db", keepaliveDb_, "--json"});
    expectExit(r, 0);
    Object::Ptr keepalive = parse(r.out)->getObject("keepalive");
    ASSERT_TRUE(keepalive);
    Object::Ptr ws = keepalive->getObject("ws_ping");
    EXPECT_EQ(ws->getValue<int64_t>("sent"), 4);
    EXPECT_EQ(ws->getValue<int64_t>("answered"), 2);
    EXPECT_EQ(ws->getValue<int64_t>("unanswered"), 2);
    EXPECT_EQ(ws->getObject("round_trip_us")->getValue<int64_t>("max"), 4000);
    Object::Ptr system = keepalive->getObject("system_ping");
    EXPECT_EQ(system->getValue<int64_t>("sent"), 2);
    EXPECT_EQ(system->getValue<int64_t>("answered"), 1);
    EXPECT_EQ(system->getValue<int64_t>("unanswered"), 1);
    EXPECT_EQ(system->getObject("round_trip_us")->getValue<int64_t>("p50"), 3000);
    EXPECT_EQ(keepalive->getValue<int64_t>("reconnects"), 1);
    EXPECT_EQ(keepalive->getValue<int64_t>("reconnects_after_unanswered"), 1);

    RunResult three = run({"stats", "3", "--db", keepaliveDb_, "--json"});
    Object::Ptr none = parse(three.out)->getObject("keepalive");
    EXPECT_EQ(none->getObject("ws_ping")->getValue<int64_t>("sent"), 0);
    EXPECT_TRUE(none->getObject("ws_ping")->getObject("round_trip_us")->isNull("p50"));
    EXPECT_EQ(none->getObject("system_ping")->getValue<int64_t>("unanswered"), 1);
    EXPECT_EQ(none->getValue<int64_t>("reconnects"), 0);
}

TEST_F(StatsKeepaliveTest, TextShowsEachKeepaliveLikeThePingLine) {
    RunResult r = run({"stats", "1", "--db", keepaliveDb_});
    expectExit(r, 0);
    for (const char* expected :
         {"ws_ping/pong: 4 ws_pings, 2 answered, 2 never answered\n  round trip p50 2.000 ms  p99 4.000 ms  max 4.000 ms\n",
          "system.ping: 2 calls, 1 answered, 1 never answered\n  round trip p50 3.000 ms  p99 3.000 ms  max 3.000 ms\n",
          "reconnect: yes, closed by the client with 3000 after an unanswered keepalive\n",
          "ended: 3000 by client after 110.000 s"}) {
        EXPECT_NE(r.out.find(expected), std::string::npos) << "missing: " << expected << "\n" << r.out;
    }
    RunResult two = run({"stats", "2", "--db", keepaliveDb_});
    EXPECT_NE(two.out.find("system.ping: 1 call, 1 answered, 0 never answered\n"), std::string::npos) << two.out;
    EXPECT_NE(two.out.find("reconnect: no\n"), std::string::npos) << two.out;
    RunResult all = run({"stats", "--db", keepaliveDb_});
    expectExit(all, 0);
    for (const char* expected :
         {"ws_ping/pong: 5 ws_pings, 3 answered, 2 never answered\n", "system.ping: 4 calls, 2 answered, 2 never answered\n",
          "reconnects (closed by the client with 3000): 1, 1 after an unanswered keepalive\n"}) {
        EXPECT_NE(all.out.find(expected), std::string::npos) << "missing: " << expected << "\n" << all.out;
    }
    RunResult color = run({"stats", "--db", keepaliveDb_, "--color=always"});
    EXPECT_NE(color.out.find("\x1b[33m2 never answered\x1b[0m\n"), std::string::npos) << color.out;
    RunResult quiet = run({"stats", "--db", db_});  // the other database: no keepalive calls, no reconnect
    EXPECT_NE(quiet.out.find("system.ping: 0 calls, 0 answered, 0 never answered\n"), std::string::npos) << quiet.out;
    EXPECT_NE(quiet.out.find("reconnects (closed by the client with 3000): 0\n"), std::string::npos) << quiet.out;
}

TEST_F(StatsKeepaliveTest, HelpNamesTheKeepalives) {
    RunResult r = run({"stats", "--help"});
    expectExit(r, 0);
    EXPECT_NE(r.out.find("ws_ping commands to the next pong event"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("/api/v1/system.ping"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("closed with 3000"), std::string::npos) << r.out;
}

TEST(SparklineTest, ScalesToEightLevelsWithBlanksForSilence) {
    EXPECT_EQ(cli::sparkline({0, 1, 4, 8}, false), " _:#");
    EXPECT_EQ(cli::sparkline({0, 1, 4, 8}, true), " ▁▄█");
    EXPECT_EQ(cli::sparkline({5, 5}, true), "██");
    EXPECT_EQ(cli::sparkline({}, true), "");
}

TEST_F(StatsCommandTest, AsciiSparklineWithoutAUtf8Locale) {
    cli::StatsOptions options;
    options.db = db_;
    options.session = 1;
    std::ostringstream ascii, unicode, err;
    EXPECT_EQ(cli::runStats(options, ascii, err, false), 0);
    EXPECT_EQ(cli::runStats(options, unicode, err, true), 0);
    EXPECT_NE(ascii.str().find("  |::#"), std::string::npos) << ascii.str();
    EXPECT_EQ(ascii.str().find("█"), std::string::npos);
    EXPECT_NE(unicode.str().find("  |▄▄█"), std::string::npos) << unicode.str();
}

TEST_F(StatsCommandTest, ColorAlwaysColoursTheTextAndTheDefaultOnAPipeDoesNot) {
    RunResult always = run({"stats", "1", "--db", db_, "--color=always"});
    expectExit(always, 0);
    EXPECT_EQ(always.out.rfind("\x1b[1msession 1\x1b[0m\n", 0), 0u) << always.out;  // headings bold
    EXPECT_NE(always.out.find("\x1b[1mevents\x1b[0m (1 name):"), std::string::npos) << always.out;
    EXPECT_NE(always.out.find("\x1b[33m1 never answered\x1b[0m"), std::string::npos) << always.out;
    EXPECT_NE(always.out.find("\x1b[31m1006 by server: connection reset\x1b[0m"), std::string::npos) << always.out;
    RunResult plain = run({"stats", "1", "--db", db_});  // auto, and stdout is a pipe
    expectExit(plain, 0);
    EXPECT_EQ(plain.out.find('\x1b'), std::string::npos) << plain.out;
    RunResult never = run({"stats", "1", "--db", db_, "--color=never"});
    EXPECT_EQ(never.out, plain.out);
    // The sparkline stays plain inside its bars.
    std::string bars = plain.out.substr(plain.out.find("  |"), plain.out.find("|\n") - plain.out.find("  |"));
    EXPECT_NE(always.out.find(bars), std::string::npos);
    RunResult all = run({"stats", "--db", db_, "--color=always"});
    expectExit(all, 0);
    EXPECT_NE(all.out.find("  1  \x1b[31m1006 by server: connection reset\x1b[0m\n  1  open\n"), std::string::npos)
        << all.out;
    RunResult json = run({"stats", "1", "--db", db_, "--json", "--color=always"});
    expectExit(json, 0);
    EXPECT_EQ(json.out.find('\x1b'), std::string::npos) << "JSON is never coloured";
}

}  // namespace
}  // namespace rtmtap
