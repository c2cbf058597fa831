// `rtmtap ship`, the real binary against a real server: --init, the summary line, and the one
// line (exit 1) for a newer schema, a refused password and a server that is not there.
#include "pg/PgConnection.h"
#include "tests/support/BigSession.h"
#include "tests/support/Eventually.h"
#include "tests/support/PgCluster.h"
#include "tests/support/Process.h"
#include "tests/support/ShippedCopy.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <csignal>

namespace rtmtap {
namespace {

using test::PgCluster;
using test::Process;

class ShipCommandTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        url_ = PgCluster::shared().createDatabase();
    }

    static test::RunResult run(const std::vector<std::string>& args) {
        std::vector<std::string> all = {"ship"};
        all.insert(all.end(), args.begin(), args.end());
        return Process::capture(all, 60'000);
    }

    static void expectOneLine(const std::string& err) {
        ASSERT_FALSE(err.empty());
        EXPECT_EQ(err.find('\n'), err.size() - 1) << err;
        EXPECT_EQ(err.rfind("rtmtap ship: ", 0), 0u) << err;
    }

    test::TempDir dir_;
    std::string url_;
};

TEST_F(ShipCommandTest, InitTwiceIsHarmless) {
    test::RunResult first = run({"--init", "--to", url_});
    EXPECT_EQ(first.code(), 0) << first.err;
    EXPECT_NE(first.out.find("rtmtap schema version 1 created"), std::string::npos) << first.out;
    test::RunResult second = run({"--init", "--to", url_});
    EXPECT_EQ(second.code(), 0) << second.err;
    EXPECT_NE(second.out.find("rtmtap schema version 1 is in place"), std::string::npos) << second.out;
    EXPECT_EQ(second.err, "");
}

TEST_F(ShipCommandTest, ShipsAndSaysHowMuch) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 1'000);
    test::RunResult missing = run({"--db", db, "--to", url_});
    EXPECT_EQ(missing.code(), 1);
    expectOneLine(missing.err);
    EXPECT_NE(missing.err.find("no rtmtap schema; run `rtmtap ship --init"), std::string::npos) << missing.err;

    test::RunResult shipped = run({"--db", db, "--to", url_, "--init", "--batch", "300", "--proxy-name", "edge-1"});
    EXPECT_EQ(shipped.code(), 0) << shipped.err;
    EXPECT_NE(shipped.err.find("rtmtap ship: 1000 frames, 1 sessions, 0 API calls in "), std::string::npos)
        << shipped.err;
    EXPECT_NE(shipped.err.find(" frames/s"), std::string::npos) << shipped.err;
    test::ShippedCopy::expectSame(db, url_);
    pg::PgConnection server(url_);
    EXPECT_EQ(server.query("SELECT name FROM rtmtap.sources").text(0, 0), "edge-1");
}

TEST_F(ShipCommandTest, ANewerSchemaIsOneLine) {
    ASSERT_EQ(run({"--init", "--to", url_}).code(), 0);
    {
        pg::PgConnection server(url_);
        server.exec("UPDATE rtmtap.meta SET value = '99' WHERE key = 'version'");
    }
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 10);
    test::RunResult result = run({"--db", db, "--to", url_});
    EXPECT_EQ(result.code(), 1);
    expectOneLine(result.err);
    EXPECT_NE(result.err.find("rtmtap schema version 99 is newer than this rtmtap knows (1); upgrade rtmtap"),
              std::string::npos)
        << result.err;
    EXPECT_EQ(run({"--init", "--to", url_}).code(), 1) << "init does not touch a newer schema";
}

TEST_F(ShipCommandTest, AWrongPasswordIsOneLineWithoutIt) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 10);
    test::RunResult result = run({"--db", db, "--to", PgCluster::shared().passwordUrl("hunter2-wrong")});
    EXPECT_EQ(result.code(), 1);
    expectOneLine(result.err);
    EXPECT_NE(result.err.find("password authentication failed"), std::string::npos) << result.err;
    EXPECT_EQ(result.err.find("hunter2-wrong"), std::string::npos) << result.err;
}

TEST_F(ShipCommandTest, AnUnreachableServerIsRetriedThenOneLine) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 10);
    const std::string nowhere = "postgresql:///rtmtap?host=" + dir_.path() + "&port=1";
    test::RunResult result = run({"--db", db, "--to", nowhere, "--retry-for", "1.5"});
    EXPECT_EQ(result.code(), 1);
    // The first failure is said with "retrying", the last one ends the ship.
    std::vector<std::string> lines;
    size_t start = 0;
    for (size_t nl; (nl = result.err.find('\n', start)) != std::string::npos; start = nl + 1) {
        lines.push_back(result.err.substr(start, nl - start));
    }
    ASSERT_EQ(lines.size(), 2u) << result.err;
    EXPECT_NE(lines[0].find("; retrying"), std::string::npos) << lines[0];
    EXPECT_NE(lines[1].find("gave up after"), std::string::npos) << lines[1];
}

TEST_F(ShipCommandTest, FollowSaysWhenCaughtUpAndStopsOnSigterm) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 500);
    Process ship({"ship", "--db", db, "--to", url_, "--init", "--follow"});
    ASSERT_TRUE(test::eventually([&] { return ship.err().find("caught up (500 frames); following") != std::string::npos; },
                                 std::chrono::seconds(30), std::chrono::milliseconds(20)))
        << ship.err();
    test::writeBigSession(db, 200);  // written while it follows
    ASSERT_TRUE(test::eventually(
        [&] {
            pg::PgConnection server(url_);
            return server.query("SELECT count(*) FROM rtmtap.frames").integer(0, 0) == 700;
        },
        std::chrono::seconds(30), std::chrono::milliseconds(50)));
    ship.signal(SIGTERM);
    test::ExitStatus status = ship.waitExit();
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << ship.err();
    EXPECT_NE(ship.err().find("rtmtap ship: 700 frames, 2 sessions"), std::string::npos) << ship.err();
    test::ShippedCopy::expectSame(db, url_);
}

TEST_F(ShipCommandTest, UsageErrorsExit2) {
    EXPECT_EQ(run({"--to", url_, "--batch", "0"}).code(), 2);
    EXPECT_EQ(run({"--db", "x.db"}).code(), 2) << "--to is required";
}

}  // namespace
}  // namespace rtmtap
