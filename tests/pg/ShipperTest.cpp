// pg/Shipper against a real server (tests/support/PgCluster): what it ships equals the file,
// table by table and column by column (tests/support/ShippedCopy), exactly once whatever happens
// between two ships: a repeat, new frames, marks reset by hand, two files, hostile recordings, a
// server restarted mid-ship, a recorder writing while it follows.
#include "pg/PgConnection.h"
#include "pg/PgSchema.h"
#include "pg/Shipper.h"
#include "store/Database.h"
#include "store/Recorder.h"
#include "tests/support/BigSession.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/Eventually.h"
#include "tests/support/HostileSessions.h"
#include "tests/support/PgCluster.h"
#include "tests/support/ShippedCopy.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <atomic>
#include <memory>
#include <mutex>
#include <thread>

namespace rtmtap {
namespace {

using pg::PgConnection;
using pg::Shipper;
using test::PgCluster;
using test::ShippedCopy;

class ShipperTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        url_ = PgCluster::shared().createDatabase();
    }

    pg::ShipperOptions options(const std::string& db, int64_t batch = 10'000) const {
        pg::ShipperOptions o;
        o.dbPath = db;
        o.url = url_;
        o.init = true;
        o.batchFrames = batch;
        o.retryForMs = 60'000;
        return o;
    }

    // Ships db once; returns the frames it inserted.
    int64_t ship(const std::string& db, int64_t batch = 10'000) {
        Shipper shipper(options(db, batch), [this](const std::string& line) { log(line); });
        shipper.shipAll(sleep());
        return shipper.totals().frames;
    }

    static Shipper::Pause sleep() {
        return [](int ms) {
            std::this_thread::sleep_for(std::chrono::milliseconds(ms));
            return false;
        };
    }

    void log(const std::string& line) {
        std::lock_guard<std::mutex> lock(mutex_);
        lines_.push_back(line);
    }

    std::vector<std::string> lines() {
        std::lock_guard<std::mutex> lock(mutex_);
        return lines_;
    }

    int64_t count(const std::string& sql) {
        PgConnection db(url_);
        return db.query(sql).integer(0, 0);
    }

    test::TempDir dir_;
    std::string url_;
    std::mutex mutex_;
    std::vector<std::string> lines_;
};

TEST_F(ShipperTest, ShipsARecordingExactlyAndOnce) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 3'000);
    EXPECT_EQ(ship(db, 700), 3'000);
    ShippedCopy::expectSame(db, url_);
    EXPECT_GT(count("SELECT count(*) FROM rtmtap.frames WHERE doc IS NOT NULL"), 2'000);
    // Every chat.postMessage event holds the token; --text's index finds them all.
    const int64_t posts = count("SELECT count(*) FROM rtmtap.frames f JOIN rtmtap.names n ON n.id = f.name_id "
                                "WHERE n.name = 'chat.postMessage'");
    EXPECT_GT(posts, 0);
    EXPECT_GE(count("SELECT count(*) FROM rtmtap.frames WHERE words @@ 'postmessage'::tsquery"), posts);

    EXPECT_EQ(ship(db), 0) << "the marks say it is all there";
    ShippedCopy::expectSame(db, url_);

    test::writeBigSession(db, 1'200);  // a second session, appended
    EXPECT_EQ(ship(db, 500), 1'200) << "only the new frames";
    ShippedCopy::expectSame(db, url_);
}

TEST_F(ShipperTest, MarksResetByHandShipNothingTwice) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 2'000);
    EXPECT_EQ(ship(db), 2'000);
    {
        PgConnection server(url_);
        server.exec("UPDATE rtmtap.sources SET frames_upto = 0, api_calls_upto = 0, findings_upto = 0, gaps_upto = 0, "
                    "rule_counts_upto = 0");
    }
    EXPECT_EQ(ship(db, 300), 0) << "every frame met its key";
    ShippedCopy::expectSame(db, url_);
    EXPECT_EQ(count("SELECT frames_upto FROM rtmtap.sources"), count("SELECT count(*) FROM rtmtap.frames"));
}

// The comparison itself: one byte of one payload, one session's label, one frame gone.
TEST_F(ShipperTest, TheComparisonSeesAChangedByteAColumnAndAMissingRow) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 300);
    EXPECT_EQ(ship(db), 300);
    ASSERT_EQ(ShippedCopy::differences(db, url_), "");
    PgConnection server(url_);
    server.exec("CREATE TABLE public.kept AS SELECT seq, payload FROM rtmtap.frames WHERE seq = 100; "
                "UPDATE rtmtap.frames SET payload = overlay(payload placing 'X' from 3) WHERE seq = 100");
    EXPECT_EQ(ShippedCopy::differences(db, url_), "frames: 300 rows in the file, 300 in the server, a column differs\n");
    server.exec("UPDATE rtmtap.frames f SET payload = k.payload FROM public.kept k WHERE f.seq = k.seq");
    ASSERT_EQ(ShippedCopy::differences(db, url_), "") << "put back";
    server.exec("UPDATE rtmtap.sessions SET label = 'x'");
    EXPECT_EQ(ShippedCopy::differences(db, url_), "sessions: 1 rows in the file, 1 in the server, a column differs\n");
    server.exec("UPDATE rtmtap.sessions SET label = NULL; DELETE FROM rtmtap.frames WHERE seq = 7");
    EXPECT_NE(ShippedCopy::differences(db, url_).find("frames: 300 rows in the file, 299 in the server"),
              std::string::npos);
}

TEST_F(ShipperTest, TwoFilesAreToldApart) {
    const std::string a = dir_.file("a.db");
    const std::string b = dir_.file("b.db");
    test::writeBigSession(a, 500);
    test::writeBigSession(b, 800);
    EXPECT_EQ(ship(a), 500);
    EXPECT_EQ(ship(b), 800);
    ShippedCopy::expectSame(a, url_);
    ShippedCopy::expectSame(b, url_);
    EXPECT_EQ(count("SELECT count(*) FROM rtmtap.sources"), 2);
    EXPECT_EQ(count("SELECT count(DISTINCT name) FROM rtmtap.sources WHERE name LIKE '%/a.db' OR name LIKE '%/b.db'"), 2);
    // Both files' session is local id 1; the server tells them apart.
    EXPECT_EQ(count("SELECT count(DISTINCT id) FROM rtmtap.sessions WHERE local_id = 1"), 2);
}

TEST_F(ShipperTest, HostileRecordingsShipIntactAndNeverStopTheShip) {
    const std::string db = dir_.file("hostile.db");
    std::vector<int64_t> ids = test::importHostileSessions(db, dir_.path());
    ASSERT_EQ(ids.size(), 4u);
    test::writeBigSession(db, 300);  // and an ordinary session after them
    EXPECT_GT(ship(db, 50), 300);
    ShippedCopy::expectSame(db, url_);
    EXPECT_GT(count("SELECT count(*) FROM rtmtap.frames_other"), 0) << "times at both ends of int64";
    EXPECT_GT(count("SELECT count(*) FROM rtmtap.findings"), 0);
}

// JSON SQLite takes and PostgreSQL's jsonb refuses (a lone surrogate escape) or cannot hold
// (\u0000): the frame ships with doc NULL, its payload exact, said once; the ship goes on.
TEST_F(ShipperTest, JsonTheServerRefusesShipsWithDocNull) {
    const std::string db = dir_.file("json.db");
    test::CraftedSession session;
    session.client(R"({"command":"ws_auth","data":{"token":"x"}})")
        .server(R"({"event":"chat.postMessage","data":{"text":"\ud800 alone"}})")
        .server(R"({"event":"chat.postMessage","data":{"text":"nul \u0000 inside"}})")
        .server(R"({"event":"chat.postMessage","data":{"text":"fine"}})");
    SessionInfo info;
    info.client = "127.0.0.1:1";
    test::importSession(db, session, info);
    EXPECT_EQ(ship(db), 4);
    ShippedCopy::expectSame(db, url_);
    EXPECT_EQ(count("SELECT count(*) FROM rtmtap.frames WHERE doc IS NULL"), 2);
    EXPECT_EQ(count("SELECT count(*) FROM rtmtap.frames WHERE doc @> '{\"data\":{\"text\":\"fine\"}}'"), 1);
    std::vector<std::string> said = lines();
    ASSERT_EQ(said.size(), 1u);
    EXPECT_NE(said[0].find("refused the JSON of 1 payload(s)"), std::string::npos) << said[0];
}

TEST_F(ShipperTest, ARestartedServerMidShipLosesAndRepeatsNothing) {
    PgCluster cluster;  // its own: this one is restarted
    url_ = cluster.createDatabase();
    const std::string db = dir_.file("big.db");
    test::BigSessionOptions big;
    big.indexText = false;
    for (int i = 0; i < 4; ++i) {
        test::writeBigSession(db, 5'000, big);
    }
    std::atomic<bool> restarted{false};
    std::thread restarter([&] {
        test::eventually(
            [&] {
                try {
                    PgConnection server(url_);
                    return server.query("SELECT coalesce(max(frames_upto), 0) FROM rtmtap.sources").integer(0, 0) > 0;
                } catch (const std::exception&) {
                    return false;
                }
            },
            std::chrono::seconds(60), std::chrono::milliseconds(5));
        cluster.restart();
        restarted = true;
    });
    int64_t shipped = ship(db, 400);
    restarter.join();
    EXPECT_TRUE(restarted);
    EXPECT_EQ(shipped, 20'000);
    ShippedCopy::expectSame(db, url_);
    std::vector<std::string> said = lines();
    bool caughtUp = false;
    for (const std::string& line : said) {
        caughtUp = caughtUp || line.find("caught up") != std::string::npos;
        EXPECT_EQ(line.find('\n'), std::string::npos);
    }
    // When the restart fell between two batches the next connect simply worked: nothing to say.
    if (!said.empty()) {
        EXPECT_TRUE(caughtUp) << said.front();
    }
}

Message frame(int64_t session, int64_t seq, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = Direction::ServerToClient;
    m.op = Opcode::Text;
    m.t_us = seq * 1000;
    m.fwd_us = m.t_us + 5;
    m.wall_us = test::CraftedSession::kStartWallUs + m.t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

TEST_F(ShipperTest, FollowShipsWhatARecorderWritesMeanwhile) {
    const std::string db = dir_.file("live.db");
    RecorderOptions recorderOptions;
    recorderOptions.dbPath = db;
    auto recorder = std::make_unique<Recorder>(recorderOptions);
    SessionInfo info;
    info.id = 1;
    info.client = "127.0.0.1:1";
    info.started_wall_us = test::CraftedSession::kStartWallUs;
    recorder->onSessionStart(info);
    recorder->onMessage(frame(1, 1, R"({"event":"chat.postMessage","data":{"text":"first"}})"));
    ASSERT_TRUE(test::eventually([&] {
        Database check(db, Database::Mode::ReadOnly);
        return check.queryInt("SELECT count(*) FROM frames") == 1;
    }));

    {
        PgConnection server(url_);
        pg::PgSchema::init(server, url_);  // so the test's own counts find the tables at once
    }
    std::atomic<bool> stop{false};
    pg::ShipperOptions o = options(db);
    o.pollMs = 20;
    Shipper shipper(o, [this](const std::string& line) { log(line); });
    std::thread follower([&] {
        try {
            shipper.follow([&](int ms) {
                std::this_thread::sleep_for(std::chrono::milliseconds(std::min(ms, 20)));
                return stop.load();
            });
        } catch (const std::exception& e) {
            log(std::string("follow threw: ") + e.what());
        }
    });
    // Joined whatever an assertion does.
    std::shared_ptr<void> joiner(nullptr, [&](void*) {
        stop = true;
        follower.join();
    });
    ASSERT_TRUE(test::eventually([&] { return count("SELECT count(*) FROM rtmtap.frames") == 1; }))
        << (lines().empty() ? "" : lines().front());
    for (int seq = 2; seq <= 200; ++seq) {
        recorder->onMessage(frame(1, seq, R"({"event":"chat.userTyping","n":)" + std::to_string(seq) + "}"));
    }
    SessionEnd end;
    end.id = 1;
    end.ended_wall_us = test::CraftedSession::kStartWallUs + 300'000;
    end.duration_us = 300'000;
    recorder->onSessionEnd(end);
    recorder.reset();  // commits and closes
    EXPECT_TRUE(test::eventually([&] {
        return count("SELECT count(*) FROM rtmtap.frames") == 200 &&
               count("SELECT count(*) FROM rtmtap.sessions WHERE ended_us IS NOT NULL") == 1;
    }));
    joiner.reset();
    ShippedCopy::expectSame(db, url_);
    std::vector<std::string> said = lines();
    ASSERT_FALSE(said.empty());
    EXPECT_NE(said.front().find("caught up"), std::string::npos) << said.front();
}

}  // namespace
}  // namespace rtmtap
