// `rtmtap lint` beyond the database's readable form: --rules, --explain, --since, SARIF 2.1.0
// with the frame's JSONL export line as its location, and JSONL/HAR files as the input (made by
// `rtmtap export` from a recorded database, then linted without it).
#include "tests/support/CraftedSession.h"
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

// Session 1 (16:00) sends an unknown command as its third frame; session 2 (an hour later) types
// before it authenticates.
class LintOutputTest : public ::testing::Test {
protected:
    void SetUp() override {
        const std::string auth = R"({"command":"ws_auth","auth_token":"x"})";
        const std::string typing = R"({"command":"ws_ephemeral_typing","channel_id":"1"})";
        test::CraftedSession one(1), two(2, test::CraftedSession::kStartWallUs + 3'600'000'000);
        one.at(0.25).client(auth).at(0.5).client(typing).at(0.75).client(R"({"command":"ws_nonsense"})");
        two.at(0.25).client(typing).at(0.5).client(auth);
        test::recordSessions(db_, {&one, &two});
    }

    static void expectExit(const RunResult& r, int code) {
        EXPECT_TRUE(r.status.exited && r.status.code == code) << r.status.describe() << "\n" << r.out << r.err;
    }

    std::string exported(int64_t session, const std::string& format) {
        std::string file = dir_.file("s" + std::to_string(session) + "." + format);
        RunResult r = Process::capture({"export", std::to_string(session), "--db", db_, "--format", format, "-o", file});
        EXPECT_EQ(r.code(), 0) << r.err;
        return file;
    }

    static std::vector<std::string> linesOf(const std::string& file) {
        std::ifstream in(file);
        std::vector<std::string> lines;
        for (std::string line; std::getline(in, line);) {
            lines.push_back(line);
        }
        return lines;
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("lint.db");
};

TEST_F(LintOutputTest, RulesPicksRulesAndAnUnknownRuleIsOneLineExit2) {
    RunResult r = Process::capture({"lint", "--db", db_, "--rules", "first-not-auth,command-before-auth"});
    expectExit(r, 0);  // the unknown command (an error) is not looked for
    EXPECT_EQ(r.out.find("unknown-command"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("2 findings: 0 error, 2 warn"), std::string::npos) << r.out;
    RunResult bad = Process::capture({"lint", "--db", db_, "--rules", "first-not-auth,nope"});
    expectExit(bad, 2);
    EXPECT_EQ(bad.err, "rtmtap: no lint rule 'nope' (rtmtap lint --explain list names them)\n");
}

TEST_F(LintOutputTest, ExplainPrintsRationaleAndExampleAndListsEveryRule) {
    RunResult r = Process::capture({"lint", "--explain", "unknown-command"});
    expectExit(r, 0);
    EXPECT_EQ(r.out.rfind("unknown-command (error at most): ", 0), 0u) << r.out;
    EXPECT_NE(r.out.find("From: airsend-rtm.md: CLIENT to SERVER commands\n"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nExample:\n"), std::string::npos) << r.out;
    RunResult all = Process::capture({"lint", "--explain", "all"});
    expectExit(all, 0);
    for (const char* id : {"first-not-auth", "command-before-auth", "unknown-command", "invalid-json"}) {
        EXPECT_NE(("\n" + all.out).find(std::string("\n") + id + " "), std::string::npos) << id << "\n" << all.out;
    }
    RunResult bad = Process::capture({"lint", "--explain", "nope"});
    expectExit(bad, 2);
    EXPECT_EQ(bad.err, "rtmtap: no lint rule 'nope' (rtmtap lint --explain all lists them)\n");
}

TEST_F(LintOutputTest, ColourWhenAskedNeverInJson) {
    RunResult coloured = Process::capture({"lint", "--db", db_, "--color", "always"});
    expectExit(coloured, 1);
    EXPECT_NE(coloured.out.find("\x1b[31merror"), std::string::npos) << coloured.out;  // red
    EXPECT_NE(coloured.out.find("\x1b[33mwarn"), std::string::npos) << coloured.out;   // yellow
    RunResult json = Process::capture({"lint", "--db", db_, "--color", "always", "--json"});
    EXPECT_EQ(json.out.find("\x1b["), std::string::npos) << json.out;
}

TEST_F(LintOutputTest, SinceKeepsLaterSessions) {
    RunResult r = Process::capture({"lint", "--db", db_, "--since", "2025-11-24T16:30:00Z"});
    expectExit(r, 0);
    EXPECT_EQ(r.out.find("session 1 "), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("1 session checked, 2 findings"), std::string::npos) << r.out;
    RunResult bad = Process::capture({"lint", "--db", db_, "--since", "yesterday"});
    expectExit(bad, 2);
    EXPECT_NE(bad.err.find("--since"), std::string::npos) << bad.err;
}

TEST_F(LintOutputTest, SarifIsOneLogWithRulesAndTheExportLineAsLocation) {
    RunResult r = Process::capture({"lint", "--db", db_, "--sarif"});
    expectExit(r, 1);
    Object::Ptr log = Poco::JSON::Parser().parse(r.out).extract<Object::Ptr>();
    EXPECT_EQ(log->getValue<std::string>("version"), "2.1.0");
    EXPECT_NE(log->getValue<std::string>("$schema").find("sarif-2.1.0"), std::string::npos);
    Object::Ptr run = log->getArray("runs")->getObject(0);
    Array::Ptr rules = run->getObject("tool")->getObject("driver")->getArray("rules");
    ASSERT_GE(rules->size(), 4u);
    Array::Ptr results = run->getArray("results");
    ASSERT_EQ(results->size(), 3u) << r.out;
    Object::Ptr unknown = results->getObject(0);
    EXPECT_EQ(unknown->getValue<std::string>("ruleId"), "unknown-command");
    EXPECT_EQ(unknown->getValue<std::string>("level"), "error");
    size_t index = unknown->getValue<size_t>("ruleIndex");
    EXPECT_EQ(rules->getObject(static_cast<unsigned>(index))->getValue<std::string>("id"), "unknown-command");
    Object::Ptr location = unknown->getArray("locations")->getObject(0);
    Object::Ptr physical = location->getObject("physicalLocation");
    EXPECT_EQ(physical->getObject("artifactLocation")->getValue<std::string>("uri"), "session-1.jsonl");
    int64_t line = physical->getObject("region")->getValue<int64_t>("startLine");
    // The line is the frame's in what `rtmtap export 1` writes.
    std::vector<std::string> lines = linesOf(exported(1, "jsonl"));
    ASSERT_GE(lines.size(), static_cast<size_t>(line));
    EXPECT_NE(lines[static_cast<size_t>(line - 1)].find("ws_nonsense"), std::string::npos) << lines[line - 1];
    EXPECT_EQ(location->getArray("logicalLocations")->getObject(0)->getValue<std::string>("name"), "1:3");
    EXPECT_EQ(results->getObject(1)->getValue<std::string>("level"), "warning");
}

TEST_F(LintOutputTest, JsonlFileIsLintedWithoutTheDatabaseAndLinesAreTheFiles) {
    std::string file = exported(1, "jsonl");
    {
        // A comment and a blank line (rtmtap edit writes comments) move the frame down two lines.
        std::vector<std::string> lines = linesOf(file);
        std::ofstream out(file, std::ios::trunc);
        out << lines[0] << "\n# edited\n\n";
        for (size_t i = 1; i < lines.size(); ++i) {
            out << lines[i] << '\n';
        }
    }
    RunResult r = Process::capture({"lint", file, "--sarif", "--db", dir_.file("absent.db")});
    expectExit(r, 1);
    Object::Ptr run = Poco::JSON::Parser().parse(r.out).extract<Object::Ptr>()->getArray("runs")->getObject(0);
    Array::Ptr results = run->getArray("results");
    ASSERT_EQ(results->size(), 1u) << r.out;
    Object::Ptr physical = results->getObject(0)->getArray("locations")->getObject(0)->getObject("physicalLocation");
    EXPECT_EQ(physical->getObject("artifactLocation")->getValue<std::string>("uri"), file);
    int64_t line = physical->getObject("region")->getValue<int64_t>("startLine");
    std::vector<std::string> lines = linesOf(file);
    ASSERT_GE(lines.size(), static_cast<size_t>(line));
    EXPECT_NE(lines[static_cast<size_t>(line - 1)].find("ws_nonsense"), std::string::npos) << line;

    RunResult text = Process::capture({"lint", file});
    expectExit(text, 1);
    EXPECT_NE(text.out.find("error unknown-command      1:3 "), std::string::npos) << text.out;
}

TEST_F(LintOutputTest, HarFileIsLintedToo) {
    std::string file = exported(2, "har");
    RunResult r = Process::capture({"lint", file, "--json"});
    expectExit(r, 0);
    EXPECT_NE(r.out.find("\"rule\":\"first-not-auth\""), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\"rule\":\"command-before-auth\""), std::string::npos) << r.out;
}

TEST_F(LintOutputTest, BadFilesAndArgumentsAreOneLineExit2) {
    RunResult missing = Process::capture({"lint", dir_.file("none.jsonl")});
    expectExit(missing, 2);
    EXPECT_EQ(missing.err, "rtmtap: cannot open '" + dir_.file("none.jsonl") + "' (check the path and permissions)\n");
    std::string broken = dir_.file("broken.jsonl");
    std::ofstream(broken) << "{\"type\":\"session\"\n";
    RunResult bad = Process::capture({"lint", broken});
    expectExit(bad, 2);
    EXPECT_EQ(std::count(bad.err.begin(), bad.err.end(), '\n'), 1) << bad.err;
    EXPECT_NE(bad.err.find("line 1"), std::string::npos) << bad.err;
    RunResult mixed = Process::capture({"lint", "1", "x.jsonl", "--db", db_});
    expectExit(mixed, 2);
    EXPECT_EQ(mixed.err, "rtmtap: 'x.jsonl' is not a session id (give session ids, or one JSONL/HAR file alone)\n");
}

}  // namespace
}  // namespace rtmtap
