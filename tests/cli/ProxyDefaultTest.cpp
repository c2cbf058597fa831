#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <regex>
#include <string>

using namespace rtmtap::test;

// `rtmtap proxy` with neither --upstream nor --api-upstream runs in front of an embedded
// simulator: `rtmtap client` logs in through the proxy's API and its session is recorded.
TEST(ProxyDefault, RunsInFrontOfAnEmbeddedSimulator) {
    TempDir dir;
    const std::string db = dir.file("p.db");
    Process proxy({"proxy", "--listen", "127.0.0.1:0", "--api-listen", "127.0.0.1:0", "--db", db});
    uint16_t port = proxy.waitForListening(20000);
    ASSERT_NE(port, 0) << proxy.err();
    std::smatch api;
    const std::string out = proxy.out();
    ASSERT_TRUE(std::regex_search(out, api, std::regex("API (http://127\\.0\\.0\\.1:[0-9]+) -> ")) ) << out;
    EXPECT_NE(out.find("(embedded simulator)"), std::string::npos) << out;

    std::string clientOut, clientErr;
    ExitStatus c = Process::run({"client", "--api", api[1].str(), "--user", "user2@example.test", "--password",
                                 "password", "--duration", "2"},
                                clientOut, clientErr);
    EXPECT_TRUE(c.exited && c.code == 0) << c.describe() << " " << clientErr;
    proxy.signal(SIGTERM);
    ExitStatus s = proxy.waitExit(20000);
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << " " << proxy.err();

    std::string sessions, err;
    ExitStatus q = Process::run({"sessions", "--db", db, "--json"}, sessions, err);
    ASSERT_TRUE(q.exited && q.code == 0) << err;
    EXPECT_NE(sessions.find("\"user_id\":91010002"), std::string::npos) << sessions;
    EXPECT_NE(sessions.find("\"closed_by\":\"client\""), std::string::npos) << sessions;
}
