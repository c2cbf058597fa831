// `rtmtap lint --store` over sessions recorded without --lint: the findings go into the
// database (replacing what an earlier --store wrote), so `query --finding` and `show --finding`
// find their frames; a plain `lint` still checks such sessions from the recording.
#include "store/Database.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmtap {
namespace {

using test::Process;
using test::RunResult;

void expectExit(const RunResult& r, int code) {
    EXPECT_TRUE(r.status.exited && r.status.code == code) << r.status.describe() << "\n" << r.out << r.err;
}

// Session 1 authenticates, then sends an unknown command (2); session 2 is clean.
class LintStoreTest : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string auth = R"({"command":"ws_auth","auth_token":"x"})";
        test::CraftedSession one(1), two(2);
        one.client(auth).client(R"({"command":"ws_bogus_command","data":{}})");
        two.client(auth).client(R"({"command":"ws_ping"})");
        test::recordSessions(db_, {&one, &two});
    }

    int64_t rows(const std::string& sql) {
        Database db(db_, Database::Mode::ReadOnly);
        return db.queryInt(sql);
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("store.db");
};

TEST_F(LintStoreTest, StoredFindingsAreFoundByQuery) {
    expectExit(Process::capture({"query", "--db", db_, "--finding", "unknown-command"}), 1);
    RunResult lint = Process::capture({"lint", "--db", db_, "--store"});
    expectExit(lint, 1);
    EXPECT_NE(lint.out.find("error unknown-command      1:2"), std::string::npos) << lint.out;
    EXPECT_EQ(lint.out.find("recorded live"), std::string::npos) << lint.out;

    RunResult query = Process::capture({"query", "--db", db_, "--finding", "unknown-command", "--color", "never"});
    expectExit(query, 0);
    EXPECT_EQ(query.out.rfind("1:2 ", 0), 0u) << query.out;
    EXPECT_EQ(query.out.find('\n'), query.out.size() - 1) << "one frame:\n" << query.out;
    RunResult any = Process::capture({"query", "--db", db_, "--finding", "any", "--count"});
    expectExit(any, 0);
    EXPECT_EQ(any.out, std::to_string(rows("SELECT count(DISTINCT session || ':' || seq) FROM findings WHERE seq > 0")) + "\n");
    RunResult show = Process::capture({"show", "1", "--db", db_, "--finding", "unknown-command", "--color", "never"});
    expectExit(show, 0);
    EXPECT_NE(show.out.find("ws_bogus_command"), std::string::npos) << show.out;
    EXPECT_EQ(show.out.find("ws_auth"), std::string::npos) << show.out;
    EXPECT_EQ(rows("SELECT count(*) FROM findings WHERE source <> 'lint'"), 0);
}

TEST_F(LintStoreTest, StoringAgainReplacesTheSessionsRows) {
    expectExit(Process::capture({"lint", "--db", db_, "--store"}), 1);
    const int64_t first = rows("SELECT count(*) FROM findings");
    ASSERT_GT(first, 0);
    expectExit(Process::capture({"lint", "--db", db_, "--store"}), 1);
    EXPECT_EQ(rows("SELECT count(*) FROM findings"), first);
    // A session checked alone replaces only its own rows.
    expectExit(Process::capture({"lint", "2", "--db", db_, "--store"}), 0);
    EXPECT_EQ(rows("SELECT count(*) FROM findings"), first);
    EXPECT_EQ(rows("SELECT count(*) FROM findings WHERE session = 1 AND rule = 'unknown-command'"), 1);
}

TEST_F(LintStoreTest, WithoutStoreNothingIsWritten) {
    expectExit(Process::capture({"lint", "--db", db_}), 1);
    EXPECT_EQ(rows("SELECT count(*) FROM findings"), 0);
}

}  // namespace
}  // namespace rtmtap
