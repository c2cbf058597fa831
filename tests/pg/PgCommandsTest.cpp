// The read commands with --db postgresql://...: the built binary is run on a recording and on the
// same recording shipped into PostgreSQL, and says the same, but for the session ids (the
// server numbers sessions itself: the test maps them back through rtmtap.sessions.local_id)
// and the SOURCE column a fleet database adds to `sessions`. Sessions of two proxies are told
// apart by their source name; what only a local file can take (lint --store, replay --record)
// is refused in one line.
#include "pg/PgConnection.h"
#include "pg/PgSchema.h"
#include "tests/support/BigSession.h"
#include "tests/support/Eventually.h"
#include "tests/support/KeepaliveSessions.h"
#include "tests/support/PgCluster.h"
#include "tests/support/PgShip.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <csignal>
#include <map>
#include <regex>
#include <set>
#include <sstream>
#include <thread>

namespace rtmtap {
namespace {

using test::Process;
using test::RunResult;

constexpr int64_t kBase = 1'764'000'000'000'000;
// The server's first session id here: far from every other number the commands print, so that
// mapping the ids back cannot touch anything else.
constexpr int64_t kFirstServerId = 900'001;

class PgCommandsTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        db_ = dir_.file("edge-a.db");
        test::recordKeepaliveSessions(db_, kBase);
        RunResult lint = Process::capture({"lint", "--store", "--db", db_});
        ASSERT_NE(lint.code(), 2) << lint.err;
        url_ = test::PgCluster::shared().createDatabase();
        {
            pg::PgConnection server(url_);
            pg::PgSchema::init(server, url_);
            server.exec("ALTER TABLE rtmtap.sessions ALTER COLUMN id RESTART WITH " + std::to_string(kFirstServerId));
        }
        test::shipInto(db_, url_, "edge-a");
    }

    // Runs args against db (its --db added) and returns what it printed, with the server's
    // session ids turned back into the file's, the database's name as DB and runs of spaces as
    // one (an id of other width moves columns), and without the source a fleet database adds
    // to a session's JSON.
    RunResult run(std::vector<std::string> args, const std::string& db) {
        args.push_back("--db");
        args.push_back(db);
        RunResult r = Process::capture(args);
        for (std::string* text : {&r.out, &r.err}) {
            if (db == url_) {
                for (const auto& [id, shipped] : test::shippedSessions(url_)) {
                    *text = std::regex_replace(*text, std::regex("\\b" + std::to_string(id) + "\\b"),
                                               std::to_string(shipped.localId));
                }
                *text = std::regex_replace(*text, std::regex(R"("source":"edge-a",)"), "");
            }
            for (size_t at = text->find(db); at != std::string::npos; at = text->find(db, at)) {
                text->replace(at, db.size(), "DB");
            }
            *text = std::regex_replace(*text, std::regex(" +"), " ");
            *text = std::regex_replace(*text, std::regex(R"(127\.0\.0\.1:[0-9]+)"), "127.0.0.1:PORT");
        }
        return r;
    }

    std::string serverId(int64_t local) { return std::to_string(test::serverSessionId(url_, "edge-a", local)); }

    // args (with ID where a session id goes) against the file and against the server: the same.
    void expectSame(std::vector<std::string> args) {
        std::vector<std::string> local = args, server = args;
        for (size_t i = 0; i < args.size(); ++i) {
            if (args[i].rfind("ID", 0) == 0) {
                int64_t id = std::stoll(args[i].substr(2));
                local[i] = std::to_string(id);
                server[i] = id > 3 ? local[i] : serverId(id);  // above 3: in neither
            }
        }
        RunResult want = run(local, db_);
        RunResult got = run(server, url_);
        std::string what;
        for (const std::string& a : args) {
            what += a + " ";
        }
        EXPECT_EQ(got.code(), want.code()) << what << got.err;
        EXPECT_EQ(got.out, want.out) << what;
        EXPECT_EQ(got.err, want.err) << what;
        EXPECT_FALSE(want.out.empty() && want.err.empty()) << what << "says nothing: the comparison proves little";
    }

    test::TempDir dir_;
    std::string db_, url_;
};

TEST_F(PgCommandsTest, ShowQueryStatsExportLintAndReplaySayTheSame) {
    ASSERT_NE(serverId(1), "1") << "the ids must differ for the mapping to be tested";
    for (const std::vector<std::string>& args : std::vector<std::vector<std::string>>{
             {"show", "ID1"},
             {"show", "ID2", "--jsonl"},
             {"show", "ID3", "--json"},
             {"show", "ID1", "--event", "system.*"},
             {"query", "--event", "system.*", "--jsonl"},
             {"query", "--text", "ping", "--jsonl"},
             {"query", "--session", "ID1", "--command", "ws_*", "--jsonl"},
             {"query", "--where", "command=ws_ping", "--count"},
             {"query", "--finding", "*", "--jsonl"},
             {"stats", "ID1"},
             {"stats", "ID2", "--json"},
             {"stats", "--json"},
             {"export", "ID1"},
             {"export", "ID2", "--format", "har"},
             {"lint"},
             {"lint", "ID3", "--format", "json"},
             {"show", "ID99"},
             // replay as a source: what it loaded (frames, span) is in its listening line
             {"replay", "ID1", "--listen", "127.0.0.1:0", "--duration", "0.2", "--json"},
             {"replay", "ID2", "--listen", "127.0.0.1:0", "--duration", "0.2", "--json", "--reactive"},
         }) {
        expectSame(args);
    }
}

TEST_F(PgCommandsTest, SessionsAddTheSourceOfAFleetDatabase) {
    RunResult want = run({"sessions", "--json"}, db_);
    RunResult got = run({"sessions", "--json"}, url_);
    ASSERT_EQ(got.code(), 0) << got.err;
    EXPECT_EQ(want.out.find("\"source\""), std::string::npos) << "a local file's JSON is as it was";
    EXPECT_EQ(std::regex_replace(got.out, std::regex(R"("source":"edge-a",)"), ""), want.out);

    RunResult table = run({"sessions"}, url_);
    RunResult localTable = run({"sessions"}, db_);
    EXPECT_NE(table.out.find("SOURCE"), std::string::npos) << table.out;
    EXPECT_EQ(localTable.out.find("SOURCE"), std::string::npos) << localTable.out;
    EXPECT_NE(table.out.find("edge-a"), std::string::npos) << table.out;
}

TEST_F(PgCommandsTest, SessionsOfTwoProxiesAreToldApartBySource) {
    std::string other = dir_.file("edge-b.db");
    test::recordKeepaliveSessions(other, kBase + 3'600'000'000);
    test::shipInto(other, url_, "edge-b");
    RunResult r = Process::capture({"sessions", "--db", url_});
    ASSERT_EQ(r.code(), 0) << r.err;
    std::map<std::string, int> perSource;
    for (const auto& [id, shipped] : test::shippedSessions(url_)) {
        ++perSource[shipped.source];
        std::regex line("(^|\\n) *" + std::to_string(id) + "  " + shipped.source + " ");
        EXPECT_TRUE(std::regex_search(r.out, line)) << id << " " << shipped.source << "\n" << r.out;
    }
    EXPECT_EQ(perSource["edge-a"], 3);
    EXPECT_EQ(perSource["edge-b"], 3);
    RunResult json = Process::capture({"sessions", "--json", "--db", url_});
    EXPECT_NE(json.out.find(R"("source":"edge-b")"), std::string::npos) << json.out;
}

// tail over a fleet database while two more proxies ship at once: every frame of the server, once
// (pg/ShipLock keeps a follower from passing ids a batch still in flight holds).
TEST_F(PgCommandsTest, TailFollowsAFleetDatabaseWhileTwoProxiesShip) {
    Process tail({"tail", "--from-start", "--jsonl", "--db", url_});
    std::vector<std::string> files;
    for (const char* name : {"edge-b", "edge-c"}) {
        files.push_back(dir_.file(std::string(name) + ".db"));
        test::writeBigSession(files.back(), 3'000);
    }
    std::thread b([&] { test::shipInto(files[0], url_, "edge-b"); });
    std::thread c([&] { test::shipInto(files[1], url_, "edge-c"); });
    b.join();
    c.join();
    pg::PgConnection server(url_);
    const int64_t total = server.query("SELECT count(*) FROM rtmtap.frames").integer(0, 0);
    ASSERT_GT(total, 6'000);
    auto lines = [&] {
        const std::string out = tail.out();
        return static_cast<int64_t>(std::count(out.begin(), out.end(), '\n'));
    };
    EXPECT_TRUE(test::eventually([&] { return lines() >= total; }, std::chrono::seconds(60)))
        << lines() << " of " << total << "\n" << tail.err();
    tail.signal(SIGINT);
    EXPECT_EQ(tail.waitExit(20'000).code, 0) << tail.err();
    std::set<std::string> seen;
    const std::regex key(R"(^\{"session":([0-9]+),"seq":([0-9]+),)");
    std::istringstream out(tail.out());
    for (std::string line; std::getline(out, line);) {
        std::smatch m;
        ASSERT_TRUE(std::regex_search(line, m, key)) << line.substr(0, 200);
        EXPECT_TRUE(seen.insert(m.str(1) + ":" + m.str(2)).second) << "twice: " << m.str(0);
    }
    EXPECT_EQ(static_cast<int64_t>(seen.size()), total);
}

TEST_F(PgCommandsTest, WhatOnlyALocalFileTakesIsRefusedInOneLine) {
    RunResult store = Process::capture({"lint", "--store", "--db", url_});
    EXPECT_EQ(store.code(), 2);
    EXPECT_NE(store.err.find("lint --store writes into a local database"), std::string::npos) << store.err;
    EXPECT_EQ(std::count(store.err.begin(), store.err.end(), '\n'), 1) << store.err;

    RunResult record = Process::capture({"replay", serverId(1), "--record", "--db", url_});
    EXPECT_EQ(record.code(), 2);
    EXPECT_NE(record.err.find("--record records into a local database"), std::string::npos) << record.err;

    RunResult gone = Process::capture({"sessions", "--db", "postgresql://ann:s3cret@127.0.0.1:1/none"});
    EXPECT_EQ(gone.code(), 2);
    EXPECT_EQ(std::count(gone.err.begin(), gone.err.end(), '\n'), 1) << gone.err;
    EXPECT_EQ(gone.err.find("s3cret"), std::string::npos) << gone.err;
}

}  // namespace
}  // namespace rtmtap
