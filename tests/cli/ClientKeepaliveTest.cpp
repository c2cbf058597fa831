// `rtmtap client --keepalive` as a process: web-client keepalives through `rtmtap proxy
// --api-upstream` in front of `rtmtap simulate`, counted by `rtmtap stats`; a server that never
// pongs makes it reconnect with close code 3000; bad --keepalive-scale values.
#include "tests/support/ApiRecordingProxy.h"
#include "tests/support/Process.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <regex>
#include <thread>

namespace rtmtap::test {
namespace {

Poco::JSON::Object::Ptr parse(const std::string& text) {
    return Poco::JSON::Parser().parse(text).extract<Poco::JSON::Object::Ptr>();
}

// The number in the end line's ", N reconnect(s)", -1 when the line lacks it.
int reconnectsInEndLine(const std::string& err) {
    std::smatch m;
    if (!std::regex_search(err, m, std::regex(R"(rtmtap: done: .*, (\d+) reconnects?\n)"))) {
        return -1;
    }
    return std::stoi(m[1]);
}

TEST(ClientKeepalive, ThroughTheProxyStatsCountsAnsweredKeepalives) {
    SimulateProcess sim({"--seed", "5"});
    ASSERT_TRUE(sim.started()) << sim.output();
    TempDir dir;
    const std::string db = dir.file("ka.db");
    ApiRecordingProxy proxy(sim.api(), db);
    ASSERT_TRUE(proxy.started()) << proxy.output();

    // Scale 20: a ws_ping every 0.5 s, a system.ping every 3 s: about 16 and 2 in 8 s.
    RunResult client = Process::capture({"client", "--api", proxy.api(), "--user", "user2@example.test", "--password",
                                         "password", "--keepalive", "--keepalive-scale", "20", "--duration", "8"},
                                        30000);
    ASSERT_EQ(client.code(), 0) << client.status.describe() << "\n" << client.err;
    EXPECT_EQ(reconnectsInEndLine(client.err), 0) << client.err;
    EXPECT_EQ(client.err.find("reconnecting"), std::string::npos) << client.err;

    ExitStatus s = proxy.stop();
    ASSERT_TRUE(s.exited && s.code == 0) << s.describe() << "\n" << proxy.output();
    RunResult stats = Process::capture({"stats", "--db", db, "--json"});
    ASSERT_EQ(stats.code(), 0) << stats.err;
    auto keepalive = parse(stats.out)->getObject("keepalive");
    ASSERT_TRUE(keepalive) << stats.out;
    EXPECT_GE(keepalive->getObject("ws_ping")->getValue<int64_t>("answered"), 10) << stats.out;
    EXPECT_GE(keepalive->getObject("system_ping")->getValue<int64_t>("answered"), 1) << stats.out;
    EXPECT_EQ(keepalive->getObject("system_ping")->getValue<int64_t>("unanswered"), 0) << stats.out;
    EXPECT_EQ(keepalive->getValue<int64_t>("reconnects"), 0) << stats.out;
}

TEST(ClientKeepalive, NoPongClosesWith3000AndReconnects) {
    TestUpstream::Options o;
    o.echo = false;  // never a pong event
    TestUpstream upstream(o);
    RunResult client = Process::capture({"client", "--ws", upstream.url("/rtm"), "--token", "tok", "--keepalive",
                                         "--keepalive-scale", "20", "--duration", "3", "--timeout", "2000"},
                                        30000);
    ASSERT_EQ(client.code(), 0) << client.status.describe() << "\n" << client.err;
    EXPECT_NE(client.err.find("rtmtap: --keepalive with --ws: system.ping is skipped"), std::string::npos) << client.err;
    EXPECT_NE(client.err.find("rtmtap: reconnecting: no pong within 0.25 s\n"), std::string::npos) << client.err;
    EXPECT_GE(reconnectsInEndLine(client.err), 1) << client.err;

    ASSERT_TRUE(upstream.waitForConnections(2));
    auto first = upstream.frames(0);
    ASSERT_GE(first.size(), 3u);
    EXPECT_EQ(parse(first[0].payload)->getValue<std::string>("command"), "ws_auth");
    EXPECT_EQ(first[1].payload, R"({"command":"ws_ping"})");
    EXPECT_EQ(first.back().opcode(), kOpClose);
    EXPECT_EQ(first.back().closeCode(), 3000);
    ASSERT_TRUE(upstream.waitForFrames(1, 1));
    auto again = parse(upstream.frames(1)[0].payload);
    EXPECT_EQ(again->getValue<std::string>("command"), "ws_auth");
    EXPECT_EQ(again->getValue<std::string>("auth_token"), "tok");
    EXPECT_EQ(upstream.requests().at(1).uri, "/rtm");
}

TEST(ClientKeepalive, BadScaleIsOneLineAndExit2) {
    for (const std::string bad : {"0", "-2", "nan"}) {
        RunResult r = Process::capture({"client", "--ws", "ws://127.0.0.1:1", "--token", "t", "--keepalive",
                                        "--keepalive-scale", bad});
        EXPECT_EQ(r.code(), 2) << bad << ": " << r.err;
        EXPECT_EQ(r.err, "rtmtap: --keepalive-scale must be a number above 0 (e.g. 20 runs 10 s intervals every 0.5 s)\n")
            << bad;
    }
}

}  // namespace
}  // namespace rtmtap::test
