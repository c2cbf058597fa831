// The simulator's traffic lints clean: `rtmtap simulate` (document flavour) behind `rtmtap proxy`,
// with a web-client keepalive and a scripted client that types, reads and reacts as the web
// client does, gives no finding at warn or above; the real flavour gives info findings only
// (the events real traffic has and the document does not).
#include "tests/support/ApiRecordingProxy.h"
#include "tests/support/Process.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

namespace rtmtap::test {
namespace {

// What AirSend's web client sends in a few seconds of use: typing at most once per 2 s per
// channel, a read after a debounce, reactions.
const char* kScript =
    R"({"command":"ws_ephemeral_typing","channel_id":"11010000","after_ms":300})"
    "\n"
    R"({"command":"ws_read_notification","channel_id":"11010000","message_id":"10001","after_ms":1200})"
    "\n"
    R"({"command":"ws_ephemeral_typing","channel_id":"11010000","after_ms":2100})"
    "\n"
    R"({"command":"ws_all_read_notification","channel_id":"11010000","after_ms":400})"
    "\n"
    R"({"command":"ws_add_reaction","message_id":"10001","emoji_value":"U 1F600","after_ms":400})"
    "\n"
    R"({"command":"ws_remove_reaction","message_id":"10001","emoji_value":"U 1F600","after_ms":400})"
    "\n";

// Records a few seconds of two clients of a simulator of this flavour into db; returns the
// simulator's and proxy's output on failure ("" when all went well).
std::string record(const std::string& flavor, const std::string& db, const TempDir& dir) {
    SimulateProcess sim({"--seed", "11", "--flavor", flavor, "--chatter", "600", "--ping-interval", "1"});
    if (!sim.started()) {
        return "simulate did not start: " + sim.output();
    }
    ApiRecordingProxy proxy(sim.api(), db);
    if (!proxy.started()) {
        return "proxy did not start: " + proxy.output();
    }
    const std::string script = dir.file("script.jsonl");
    std::ofstream(script) << kScript;
    Process scripted({"client", "--api", proxy.api(), "--user", "user1@example.test", "--password", "password",
                      "--script", script, "--duration", "6"});
    RunResult keepalive = Process::capture({"client", "--api", proxy.api(), "--user", "user2@example.test", "--password",
                                            "password", "--keepalive", "--keepalive-scale", "10", "--duration", "6"},
                                           30000);
    ExitStatus scriptedEnd = scripted.waitExit(30000);
    ExitStatus proxyEnd = proxy.stop();
    std::ostringstream problems;
    if (keepalive.code() != 0) {
        problems << "keepalive client: " << keepalive.status.describe() << "\n" << keepalive.err;
    }
    if (!scriptedEnd.exited || scriptedEnd.code != 0) {
        problems << "scripted client: " << scriptedEnd.describe() << "\n" << scripted.err();
    }
    if (!proxyEnd.exited || proxyEnd.code != 0) {
        problems << "proxy: " << proxyEnd.describe() << "\n" << proxy.output();
    }
    return problems.str();
}

TEST(SimulatorLint, DocumentFlavourHasNoFindingAtWarnOrAbove) {
    TempDir dir;
    const std::string db = dir.file("doc.db");
    std::string problems = record("doc", db, dir);
    ASSERT_TRUE(problems.empty()) << problems;
    RunResult sessions = Process::capture({"sessions", "--db", db});
    ASSERT_EQ(sessions.code(), 0) << sessions.err;
    RunResult lint = Process::capture({"lint", "--db", db, "--fail-on", "warn"});
    EXPECT_EQ(lint.code(), 0) << lint.out << lint.err;
    EXPECT_NE(lint.out.find("2 sessions checked, "), std::string::npos) << lint.out << sessions.out;
    EXPECT_NE(lint.out.find(": 0 error, 0 warn, "), std::string::npos) << lint.out;
}

TEST(SimulatorLint, RealFlavourGivesOnlyInfoFindings) {
    TempDir dir;
    const std::string db = dir.file("real.db");
    std::string problems = record("real", db, dir);
    ASSERT_TRUE(problems.empty()) << problems;
    RunResult lint = Process::capture({"lint", "--db", db, "--fail-on", "warn"});
    EXPECT_EQ(lint.code(), 0) << lint.out << lint.err;
    EXPECT_NE(lint.out.find(": 0 error, 0 warn, "), std::string::npos) << lint.out;
    RunResult info = Process::capture({"lint", "--db", db, "--fail-on", "info", "--json"});
    EXPECT_EQ(info.code(), 1) << "real traffic carries events the document does not list\n" << info.out << info.err;
    EXPECT_NE(info.out.find("\"severity\":\"info\""), std::string::npos) << info.out;
}

}  // namespace
}  // namespace rtmtap::test
