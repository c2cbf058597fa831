// `rtmtap proxy --lint` as a process with real sockets: a crafted client's mistakes are printed
// while its session is still open, stored in the findings table, read back by `rtmtap lint`
// (marked as recorded live, or checked again with --recheck) and found by `query --finding`.
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/EchoUpstream.h"
#include "tests/support/FrameLists.h"
#include "tests/support/Process.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <algorithm>
#include <regex>
#include <string>
#include <vector>

namespace rtmtap::test {
namespace {

constexpr int kStartMs = 30000;  // generous: sanitizer builds on a shared 2-core machine
constexpr int kFindingMs = 30000;

const std::string kBogus = R"({"command":"ws_bogus_command","data":{}})";

void expectExit(const RunResult& r, int code) {
    EXPECT_TRUE(r.status.exited && r.status.code == code) << r.status.describe() << "\n" << r.out << r.err;
}

class ProxyLintTest : public ::testing::Test {
protected:
    std::string db() const { return dir_.file("lint.db"); }

    // A proxy with --lint in front of the echo upstream; a client whose first frame is an unknown
    // command (first-not-auth, unknown-command), checked on stdout before the client closes.
    void recordMistakes() {
        Process proxy({"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", upstream_.url(), "--lint",
                       "--color", "never"});
        const uint16_t port = proxy.waitForListening(kStartMs);
        ASSERT_NE(port, 0) << proxy.out() << proxy.err();
        RawWsClient client(port, "/");
        ASSERT_EQ(client.status(), 101) << client.responseHead();
        client.sendFrame(0x81, kBogus);
        ASSERT_TRUE(client.receive().isFrame()) << "the echo";
        const std::string firstNotAuth =
            proxy.waitForMatch(std::regex(R"(lint  \S+Z  1:1 +warn +first-not-auth +(.+))"), kFindingMs);
        EXPECT_NE(firstNotAuth.find("'ws_bogus_command', not ws_auth"), std::string::npos) << proxy.out();
        EXPECT_NE(proxy.waitForMatch(std::regex(R"(lint  \S+Z  (1:1) +error +unknown-command +.+)"), kFindingMs), "")
            << proxy.out();
        // Still open: the session goes on after lint reported it.
        client.sendFrame(0x81, R"({"command":"ws_auth","auth_token":"x"})");
        ASSERT_TRUE(client.receive().isFrame()) << "the session was open while lint reported it";
        client.sendFrame(0x88, std::string("\x03\xe8", 2));  // close 1000
        client.receiveOpcode(0x8);
        proxy.signal(SIGTERM);
        ExitStatus s = proxy.waitExit(kStartMs);
        EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << proxy.err();
        EXPECT_NE(proxy.err().find("rtmtap: --lint: "), std::string::npos) << proxy.err();
        EXPECT_EQ(proxy.err().find("NOT linted"), std::string::npos) << proxy.err();
    }

    TempDir dir_;
    EchoUpstream upstream_;
};

TEST_F(ProxyLintTest, ReportsLiveAndStoresTheFindings) {
    ASSERT_NO_FATAL_FAILURE(recordMistakes());
    const std::unique_ptr<Reader> reader = openReader(db());
    std::vector<std::string> stored;
    for (const StoredFinding& f : reader->findings(1)) {
        if (f.finding.seq == 1) {
            stored.push_back(f.finding.rule + " " + f.source);
        }
    }
    EXPECT_NE(std::find(stored.begin(), stored.end(), "first-not-auth live"), stored.end());
    EXPECT_NE(std::find(stored.begin(), stored.end(), "unknown-command live"), stored.end());
}

TEST_F(ProxyLintTest, LintReadsTheRecordedFindingsBack) {
    ASSERT_NO_FATAL_FAILURE(recordMistakes());
    RunResult r = Process::capture({"lint", "--db", db()});
    expectExit(r, 1);  // unknown-command is an error
    EXPECT_NE(r.out.find("warn  first-not-auth       1:1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("error unknown-command      1:1"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("(recorded live by rtmtap proxy --lint; --recheck runs the rules again)"), std::string::npos)
        << r.out;

    RunResult json = Process::capture({"lint", "--db", db(), "--json"});
    expectExit(json, 1);
    for (const std::string& line : lines(json.out)) {
        EXPECT_NE(line.find(R"("source":"live")"), std::string::npos) << line;
    }

    RunResult again = Process::capture({"lint", "--db", db(), "--recheck"});
    expectExit(again, 1);
    EXPECT_NE(again.out.find("error unknown-command      1:1"), std::string::npos) << again.out;
    EXPECT_EQ(again.out.find("recorded live"), std::string::npos) << again.out;
}

TEST_F(ProxyLintTest, QueryFindsTheFramesOfAFinding) {
    ASSERT_NO_FATAL_FAILURE(recordMistakes());
    RunResult r = Process::capture({"query", "--db", db(), "--finding", "unknown-command", "--color", "never"});
    expectExit(r, 0);
    std::vector<std::string> found = lines(r.out);
    ASSERT_EQ(found.size(), 1u) << r.out;
    EXPECT_EQ(found[0].rfind("1:1 ", 0), 0u) << found[0];
    EXPECT_NE(found[0].find("ws_bogus_command"), std::string::npos) << found[0];
    RunResult none = Process::capture({"query", "--db", db(), "--finding", "invalid-json"});
    expectExit(none, 1);
    EXPECT_EQ(none.out, "");
}

}  // namespace
}  // namespace rtmtap::test
