// `rtmtap lint` as a process over a database written by the store's Recorder: the readable and
// JSON forms, --fail-on and the exit codes. The rules themselves: tests/lint/ClientRulesTest.cpp.
#include "cli/LintCommand.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <sstream>

namespace rtmtap {
namespace {

using Poco::JSON::Object;
using test::Process;
using test::RunResult;

// Session 1 is clean; session 2 types before it authenticates (two warns); session 3 sends
// broken JSON (an error).
class LintCommandTest : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string auth = R"({"command":"ws_auth","auth_token":"x"})";
        const std::string typing = R"({"command":"ws_ephemeral_typing","channel_id":1})";
        test::CraftedSession one(1), two(2), three(3);
        one.at(0.25).client(auth).at(0.5).client(typing);
        two.at(0.25).client(typing).at(0.5).client(auth);
        three.at(0.25).client(auth).at(0.5).client("{\"command\":");
        test::recordSessions(db_, {&one, &two, &three});
    }

    static void expectExit(const RunResult& r, int code) {
        EXPECT_TRUE(r.status.exited && r.status.code == code) << r.status.describe() << "\n" << r.out << r.err;
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("lint.db");
};

TEST_F(LintCommandTest, ReadableOutputGroupsBySessionAndFailsOnError) {
    RunResult r = Process::capture({"lint", "--db", db_});
    expectExit(r, 1);
    EXPECT_EQ(r.out.find("session 1 "), std::string::npos) << "a clean session prints nothing:\n" << r.out;
    size_t two = r.out.find("session 2  127.0.0.1:1 -> ws://127.0.0.1:9/  (2 findings)\n");
    size_t three = r.out.find("session 3  127.0.0.1:1 -> ws://127.0.0.1:9/  (1 finding)\n");
    ASSERT_NE(two, std::string::npos) << r.out;
    ASSERT_NE(three, std::string::npos) << r.out;
    EXPECT_LT(two, three);
    std::string second = r.out.substr(two, three - two);
    EXPECT_NE(second.find("  warn  first-not-auth       2:1        2025-11-24T16:00:00.250000Z (+0.250 s)\n"),
              std::string::npos)
        << second;
    EXPECT_NE(second.find("\n        airsend-rtm.md: Establishing RTM Connection\n"), std::string::npos) << second;
    EXPECT_NE(second.find("command-before-auth"), std::string::npos);
    EXPECT_NE(second.find("ignores it silently"), std::string::npos);
    EXPECT_NE(r.out.find("  error invalid-json         3:2 "), std::string::npos) << r.out;
    EXPECT_EQ(r.out.find("\x1b["), std::string::npos) << "no colour when stdout is not a terminal";
    EXPECT_NE(r.out.find("3 sessions checked, 3 findings: 1 error, 2 warn, 0 info\n"), std::string::npos) << r.out;
    EXPECT_TRUE(r.err.empty()) << r.err;
}

TEST_F(LintCommandTest, FailOnSetsTheThreshold) {
    expectExit(Process::capture({"lint", "2", "--db", db_}), 0);  // warns only, default error
    expectExit(Process::capture({"lint", "2", "--db", db_, "--fail-on", "warn"}), 1);
    expectExit(Process::capture({"lint", "1", "--db", db_, "--fail-on", "info"}), 0);
    RunResult bad = Process::capture({"lint", "--db", db_, "--fail-on", "fatal"});
    EXPECT_NE(bad.code(), 0);
    EXPECT_NE(bad.code(), 1);
}

TEST_F(LintCommandTest, NamedSessionsOnly) {
    RunResult r = Process::capture({"lint", "1", "3", "--db", db_});
    expectExit(r, 1);
    EXPECT_EQ(r.out.find("session 2"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2 sessions checked, 1 finding: 1 error, 0 warn, 0 info"), std::string::npos) << r.out;
}

TEST_F(LintCommandTest, JsonIsOneObjectPerFinding) {
    RunResult r = Process::capture({"lint", "--db", db_, "--json"});
    expectExit(r, 1);
    std::istringstream lines(r.out);
    std::string line;
    std::vector<Object::Ptr> findings;
    while (std::getline(lines, line)) {
        findings.push_back(Poco::JSON::Parser().parse(line).extract<Object::Ptr>());
    }
    ASSERT_EQ(findings.size(), 3u) << r.out;
    EXPECT_EQ(findings[0]->getValue<std::string>("rule"), "first-not-auth");
    EXPECT_EQ(findings[0]->getValue<std::string>("severity"), "warn");
    EXPECT_EQ(findings[0]->getValue<int64_t>("session"), 2);
    EXPECT_EQ(findings[0]->getValue<int64_t>("seq"), 1);
    EXPECT_EQ(findings[0]->getValue<int64_t>("t_us"), 250'000);
    EXPECT_EQ(findings[2]->getValue<std::string>("rule"), "invalid-json");
    EXPECT_EQ(findings[2]->getValue<std::string>("severity"), "error");
    EXPECT_FALSE(findings[2]->getValue<std::string>("sentence").empty());
    EXPECT_EQ(findings[2]->getValue<std::string>("section"), "protocol-notes.md: WebSocket behaviour of the real server");
}

TEST_F(LintCommandTest, UnknownSessionAndBadDatabaseAreOneLineExit2) {
    RunResult r = Process::capture({"lint", "9", "--db", db_});
    expectExit(r, 2);
    EXPECT_EQ(r.err, "rtmtap: no session 9 in '" + db_ + "' (rtmtap sessions lists them)\n");
    EXPECT_TRUE(r.out.empty()) << r.out;
    RunResult missing = Process::capture({"lint", "--db", dir_.file("none.db")});
    expectExit(missing, 2);
    EXPECT_EQ(std::count(missing.err.begin(), missing.err.end(), '\n'), 1) << missing.err;
}

}  // namespace
}  // namespace rtmtap
