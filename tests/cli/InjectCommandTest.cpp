// `rtmtap inject` and `rtmtap sessions --live` against a real `rtmtap proxy` process: the control
// socket named in the ready line, injection by session and by user both ways (received by the
// peer, recorded with the injected flag), and each way of failing: no proxy, a stale socket, a
// second proxy, an ended session, a user with no live session, a frame that is not JSON.
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestData.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

#include <gtest/gtest.h>

#include <signal.h>
#include <sqlite3.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>
#include <functional>
#include <memory>
#include <thread>

namespace rtmtap::test {
namespace {

constexpr int kStartMs = 30000;

TestUpstream::Options silentUpstream() {
    TestUpstream::Options o;
    o.echo = false;
    return o;
}

std::string wsAuth(int64_t user) {
    return R"({"command":"ws_auth","auth_token":")" +
           makeJwt(R"({"user_id":)" + std::to_string(user) + R"(,"user_name":"u)" + std::to_string(user) +
                   R"(@test.com"})") +
           R"("})";
}

struct FrameRow {
    int64_t dir = -1, flags = 0;
    std::string payload;
};

std::vector<FrameRow> framesOf(const std::string& db, int64_t session) {
    std::vector<FrameRow> rows;
    sqlite3* h = nullptr;
    if (sqlite3_open_v2(db.c_str(), &h, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        ADD_FAILURE() << "cannot open " << db;
        sqlite3_close(h);
        return rows;
    }
    sqlite3_stmt* st = nullptr;
    sqlite3_prepare_v2(h, "SELECT dir, flags, payload FROM frames WHERE session = ?1 ORDER BY seq", -1, &st, nullptr);
    sqlite3_bind_int64(st, 1, session);
    while (sqlite3_step(st) == SQLITE_ROW) {
        FrameRow r;
        r.dir = sqlite3_column_int64(st, 0);
        r.flags = sqlite3_column_int64(st, 1);
        const void* p = sqlite3_column_blob(st, 2);
        r.payload.assign(static_cast<const char*>(p), p ? static_cast<size_t>(sqlite3_column_bytes(st, 2)) : 0);
        rows.push_back(r);
    }
    sqlite3_finalize(st);
    sqlite3_close(h);
    return rows;
}

const FrameRow* find(const std::vector<FrameRow>& rows, const std::string& payload) {
    for (const FrameRow& r : rows) {
        if (r.payload == payload) {
            return &r;
        }
    }
    return nullptr;
}

// stderr as one "rtmtap: " line, for the failures that must say one thing.
void expectOneLine(const RunResult& r, int code, const std::string& part) {
    EXPECT_EQ(r.code(), code) << r.status.describe() << "\nstdout: " << r.out << "\nstderr: " << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    EXPECT_EQ(r.err.rfind("rtmtap: ", 0), 0u) << r.err;
    EXPECT_NE(r.err.find(part), std::string::npos) << r.err;
}

class InjectCommandTest : public ::testing::Test {
protected:
    InjectCommandTest() : upstream_(silentUpstream()) {}

    std::string db() const { return dir_.file("rtmtap.db"); }
    std::string socketPath() const { return db() + ".ctl"; }

    std::unique_ptr<Process> startProxy(uint16_t& port) {
        auto proxy = std::make_unique<Process>(
            std::vector<std::string>{"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", upstream_.url()});
        port = proxy->waitForListening(kStartMs);
        EXPECT_NE(port, 0) << proxy->out() << proxy->err();
        return proxy;
    }

    RunResult run(std::vector<std::string> args) {
        args.insert(args.begin() + 1, {"--db", db()});
        return Process::capture(args);
    }

    // The live sessions the proxy lists, once until(sessions) holds (or the last answer).
    Poco::JSON::Array::Ptr liveUntil(const std::function<bool(const Poco::JSON::Array&)>& until) {
        Poco::JSON::Array::Ptr sessions;
        for (int i = 0; i < 100; ++i) {
            RunResult r = run({"sessions", "--live", "--json"});
            Poco::JSON::Parser parser;
            sessions = parser.parse(r.out).extract<Poco::JSON::Array::Ptr>();
            if (until(*sessions)) {
                break;
            }
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
        return sessions;
    }

    TempDir dir_;
    TestUpstream upstream_;
};

TEST_F(InjectCommandTest, InjectBySessionAndByUserBothWaysIsReceivedAndRecordedAsInjected) {
    uint16_t port = 0;
    auto proxy = startProxy(port);
    ASSERT_NE(port, 0);
    EXPECT_NE(proxy->listeningLine().find("control " + socketPath()), std::string::npos) << proxy->listeningLine();
    struct stat st {};
    ASSERT_EQ(::stat(socketPath().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);

    TestClient seven(port);
    ASSERT_TRUE(seven.open());
    seven.sendText(wsAuth(7));
    ASSERT_TRUE(upstream_.waitForFrames(1, 0));
    TestClient eight(port);
    ASSERT_TRUE(eight.open());
    eight.sendText(wsAuth(8));
    ASSERT_TRUE(upstream_.waitForFrames(1, 1));
    auto live = liveUntil([](const Poco::JSON::Array& a) {
        return a.size() == 2 && !a.getObject(1)->isNull("user_id");
    });
    ASSERT_EQ(live->size(), 2u);
    EXPECT_EQ(live->getObject(0)->getValue<int64_t>("user_id"), 7);

    RunResult bySession = run({"inject", "--session", "1", "--to", "client", R"({"event":"to.seven"})"});
    EXPECT_EQ(bySession.code(), 0) << bySession.err;
    EXPECT_NE(bySession.out.find("session 1"), std::string::npos) << bySession.out;
    Received r = seven.receive();
    ASSERT_TRUE(r.isFrame()) << toString(r);
    EXPECT_EQ(r.frame.payload, R"({"event":"to.seven"})");

    std::string file = dir_.file("frame.json");
    std::ofstream(file) << "{\"command\": \"from.eight\"}\n";  // the file's last newline is not sent
    RunResult byUser = run({"inject", "--user", "8", "--to", "server", "@" + file});
    EXPECT_EQ(byUser.code(), 0) << byUser.err;
    EXPECT_NE(byUser.out.find("session 2"), std::string::npos) << byUser.out;
    ASSERT_TRUE(upstream_.waitForFrames(2, 1));
    EXPECT_EQ(upstream_.frames(1)[1].payload, "{\"command\": \"from.eight\"}");

    Process fromStdin({"inject", "--db", db(), "--user", "u7@test.com", "--to", "server", "-"}, RTMTAP_BINARY, true);
    fromStdin.writeStdin(R"({"command":"from.stdin"})");
    fromStdin.closeStdin();
    EXPECT_EQ(fromStdin.waitExit().code, 0) << fromStdin.err();
    ASSERT_TRUE(upstream_.waitForFrames(2, 0));
    EXPECT_EQ(upstream_.frames(0)[1].payload, R"({"command":"from.stdin"})");

    RunResult ping = run({"inject", "--session", "2", "--to", "client", "--op", "ping", "are you there"});
    EXPECT_EQ(ping.code(), 0) << ping.err;
    Received p = eight.receive();
    ASSERT_TRUE(p.isFrame()) << toString(p);
    EXPECT_EQ(p.opcode(), kOpPing);
    EXPECT_EQ(p.frame.payload, "are you there");

    proxy->signal(SIGTERM);
    EXPECT_EQ(proxy->waitExit().code, 0) << proxy->err();
    EXPECT_NE(::stat(socketPath().c_str(), &st), 0) << "the control socket is left behind";

    auto one = framesOf(db(), 1);
    const FrameRow* toSeven = find(one, R"({"event":"to.seven"})");
    ASSERT_NE(toSeven, nullptr);
    EXPECT_EQ(toSeven->dir, 1);
    EXPECT_TRUE(toSeven->flags & 16) << toSeven->flags;  // MessageFlag::Injected
    const FrameRow* fromStdinRow = find(one, R"({"command":"from.stdin"})");
    ASSERT_NE(fromStdinRow, nullptr);
    EXPECT_EQ(fromStdinRow->dir, 0);
    EXPECT_TRUE(fromStdinRow->flags & 16);
    EXPECT_FALSE(one.front().flags & 16);  // the client's own ws_auth
    auto two = framesOf(db(), 2);
    const FrameRow* fromEight = find(two, "{\"command\": \"from.eight\"}");
    ASSERT_NE(fromEight, nullptr);
    EXPECT_EQ(fromEight->dir, 0);
    EXPECT_TRUE(fromEight->flags & 16);
}

TEST_F(InjectCommandTest, FailuresSayOneThing) {
    expectOneLine(run({"inject", "--session", "1", "--to", "client", "{}"}), 2, "no rtmtap proxy is running");
    expectOneLine(run({"sessions", "--live"}), 2, "no rtmtap proxy is running");
    uint16_t port = 0;
    auto proxy = startProxy(port);
    ASSERT_NE(port, 0);
    expectOneLine(run({"inject", "--session", "1", "--to", "client", "{not json"}), 2, "not valid JSON");
    expectOneLine(run({"inject", "--session", "1", "--to", "client", "@" + dir_.file("missing.json")}), 2,
                  "cannot read");
    expectOneLine(run({"inject", "--session", "1", "--to", "client", "{}"}), 2, "no session 1");
    expectOneLine(run({"inject", "--user", "7", "--to", "client", "{}"}), 1, "no live session of user '7'");
    expectOneLine(run({"sessions", "--live"}), 1, "holds no live session");

    TestClient client(port);
    ASSERT_TRUE(client.open());
    client.sendText(wsAuth(7));
    ASSERT_TRUE(upstream_.waitForFrames(1));
    liveUntil([](const Poco::JSON::Array& a) { return a.size() == 1; });
    expectOneLine(run({"inject", "--session", "1", "--to", "client", "--op", "ping", std::string(126, 'x')}), 2,
                  "at most 125");
    client.sendClose(1000, "bye");
    client.receiveOpcode(kOpClose);
    liveUntil([](const Poco::JSON::Array& a) { return a.size() == 0; });
    expectOneLine(run({"inject", "--session", "1", "--to", "client", "{}"}), 2, "session 1 has ended");
    expectOneLine(run({"inject", "--user", "7", "--to", "client", "{}"}), 1, "no live session of user '7'");

    // A second proxy on the same database is refused, and the first keeps its socket.
    Process second({"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", upstream_.url()});
    ExitStatus s = second.waitExit();
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe();
    EXPECT_EQ(second.errLines().size(), 1u) << second.err();
    expectOneLine(run({"sessions", "--live"}), 1, "holds no live session");
}

TEST_F(InjectCommandTest, SocketLeftByAKilledProxyIsReplacedByTheNextOne) {
    uint16_t port = 0;
    auto proxy = startProxy(port);
    ASSERT_NE(port, 0);
    proxy->signal(SIGKILL);
    proxy->waitExit();
    struct stat st {};
    ASSERT_EQ(::stat(socketPath().c_str(), &st), 0) << "a killed proxy cannot remove its socket";
    expectOneLine(run({"sessions", "--live"}), 2, "left by one that ended");
    auto next = startProxy(port);
    ASSERT_NE(port, 0);
    expectOneLine(run({"sessions", "--live"}), 1, "holds no live session");
}

TEST_F(InjectCommandTest, SessionsLiveTableShowsUserAndFramesEachWay) {
    uint16_t port = 0;
    auto proxy = startProxy(port);
    ASSERT_NE(port, 0);
    TestClient client(port);
    ASSERT_TRUE(client.open());
    client.sendText(wsAuth(91010006));
    client.sendText(R"({"command":"ws_ping"})");
    ASSERT_TRUE(upstream_.waitForFrames(2));
    upstream_.sendText(R"({"event":"pong"})");
    ASSERT_TRUE(client.receive().isFrame());
    auto live = liveUntil([](const Poco::JSON::Array& a) {
        return a.size() == 1 && a.getObject(0)->getValue<int64_t>("frames_s2c") == 1;
    });
    ASSERT_EQ(live->size(), 1u);
    auto s = live->getObject(0);
    EXPECT_EQ(s->getValue<int64_t>("id"), 1);
    EXPECT_EQ(s->getValue<int64_t>("frames_c2s"), 2);
    EXPECT_EQ(s->getValue<std::string>("user_name"), "u91010006@test.com");
    EXPECT_EQ(s->getValue<std::string>("path"), "/");

    RunResult table = run({"sessions", "--live", "--color", "never"});
    EXPECT_EQ(table.code(), 0) << table.err;
    std::istringstream lines(table.out);
    std::string header, row, extra;
    std::getline(lines, header);
    std::getline(lines, row);
    EXPECT_FALSE(std::getline(lines, extra)) << table.out;
    for (const char* column : {"ID", "STARTED", "DURATION", "CLIENT", "PATH", "USER", "C2S", "S2C", "BYTES"}) {
        EXPECT_NE(header.find(column), std::string::npos) << column << " in " << header;
    }
    EXPECT_NE(row.find("u91010006@test.com (91010006)"), std::string::npos) << row;
    EXPECT_NE(row.find("127.0.0.1:"), std::string::npos) << row;
    EXPECT_EQ(run({"sessions", "--live", "--user", "91010006"}).code(), 0);
    expectOneLine(run({"sessions", "--live", "--user", "5"}), 1, "no live session matches");
}

}  // namespace
}  // namespace rtmtap::test
