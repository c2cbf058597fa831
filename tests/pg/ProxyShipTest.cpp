// `rtmtap proxy --ship URL` as a process: the recording reaches PostgreSQL while the proxy
// records; when the server goes away the relay goes on unhindered (every echo arrives), the
// shipper says so once and, when the server is back, catches up; at exit what the server holds
// is exactly the local file (counts and checksums, tests/support/ShippedCopy).
#include "pg/PgConnection.h"
#include "pg/PgSchema.h"
#include "tests/support/EchoUpstream.h"
#include "tests/support/Eventually.h"
#include "tests/support/PgCluster.h"
#include "tests/support/Process.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/ShippedCopy.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <signal.h>

#include <string>

namespace rtmtap::test {
namespace {

constexpr int kStartMs = 30000;  // generous: sanitizer builds on a shared 2-core machine

int64_t serverFrames(const std::string& url) {
    try {
        pg::PgConnection db(url);
        return db.query("SELECT count(*) FROM rtmtap.frames").integer(0, 0);
    } catch (const std::exception&) {
        return -1;  // the server is away
    }
}

int64_t localFrames(const std::string& path) {
    sqlite3* db = nullptr;
    int64_t n = -1;
    if (sqlite3_open_v2(path.c_str(), &db, SQLITE_OPEN_READONLY, nullptr) == SQLITE_OK) {
        sqlite3_stmt* s = nullptr;
        if (sqlite3_prepare_v2(db, "SELECT count(*) FROM frames", -1, &s, nullptr) == SQLITE_OK &&
            sqlite3_step(s) == SQLITE_ROW) {
            n = sqlite3_column_int64(s, 0);
        }
        sqlite3_finalize(s);
    }
    sqlite3_close(db);
    return n;
}

// Sends n text frames and waits for each echo: the relay works.
void chat(RawWsClient& client, int n, const std::string& tag) {
    for (int i = 0; i < n; ++i) {
        const std::string text = R"({"command":"chat.postMessage","data":{"text":")" + tag + std::to_string(i) + R"("}})";
        client.sendFrame(0x81, text);
        Received echo = client.receive();
        ASSERT_TRUE(echo.isFrame()) << tag << i;
        ASSERT_EQ(echo.frame.payload, text);
    }
}

bool errHas(const Process& p, const std::string& text) {
    return p.err().find(text) != std::string::npos;
}

class ProxyShipTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        cluster_ = std::make_unique<PgCluster>();
        url_ = cluster_->createDatabase();
        pg::PgConnection server(url_);
        pg::PgSchema::init(server, url_);
    }

    std::string db() const { return dir_.file("edge.db"); }

    TempDir dir_;
    EchoUpstream upstream_;
    std::unique_ptr<PgCluster> cluster_;
    std::string url_;
};

TEST_F(ProxyShipTest, ShipsLiveKeepsRelayingWhileTheServerIsAwayAndCatchesUp) {
    Process proxy({"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", upstream_.url(), "--ship", url_,
                   "--proxy-name", "edge-1"});
    const uint16_t port = proxy.waitForListening(kStartMs);
    ASSERT_NE(port, 0) << proxy.out() << proxy.err();
    EXPECT_NE(proxy.listeningLine().find("shipping to postgresql://"), std::string::npos) << proxy.out();
    RawWsClient client(port, "/");
    ASSERT_EQ(client.status(), 101) << client.responseHead();
    ASSERT_NO_FATAL_FAILURE(chat(client, 20, "before"));
    EXPECT_TRUE(eventually([&] { return serverFrames(url_) == 40; })) << serverFrames(url_) << proxy.err();

    cluster_->stop();
    ASSERT_NO_FATAL_FAILURE(chat(client, 20, "during"));  // the relay does not wait for the server
    EXPECT_TRUE(eventually([&] { return localFrames(db()) == 80; })) << "recorded locally meanwhile";
    EXPECT_TRUE(eventually([&] { return errHas(proxy, "; retrying"); })) << proxy.err();

    cluster_->start();
    EXPECT_TRUE(eventually([&] { return errHas(proxy, "rtmtap ship: caught up"); }, std::chrono::seconds(60)))
        << proxy.err();
    EXPECT_TRUE(eventually([&] { return serverFrames(url_) == 80; })) << serverFrames(url_);

    client.sendFrame(0x88, std::string("\x03\xe8", 2));  // close 1000
    client.receiveOpcode(0x8);
    proxy.signal(SIGTERM);
    ExitStatus s = proxy.waitExit(kStartMs);
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << proxy.err();
    EXPECT_TRUE(errHas(proxy, "rtmtap: --ship: ")) << proxy.err();
    // The close frames, written last, went with the final pass: the server holds the whole file.
    ShippedCopy::expectSame(db(), url_);
    pg::PgConnection server(url_);
    EXPECT_EQ(server.query("SELECT name FROM rtmtap.sources").text(0, 0), "edge-1");
}

TEST_F(ProxyShipTest, AServerAwayFromTheStartNeitherStopsNorDelaysTheProxy) {
    cluster_->stop();
    Process proxy({"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", upstream_.url(), "--ship", url_});
    const uint16_t port = proxy.waitForListening(kStartMs);
    ASSERT_NE(port, 0) << proxy.out() << proxy.err();
    RawWsClient client(port, "/");
    ASSERT_EQ(client.status(), 101) << client.responseHead();
    ASSERT_NO_FATAL_FAILURE(chat(client, 10, "offline"));
    EXPECT_TRUE(eventually([&] { return errHas(proxy, "; retrying"); })) << proxy.err();
    client.sendFrame(0x88, std::string("\x03\xe8", 2));
    client.receiveOpcode(0x8);
    proxy.signal(SIGTERM);
    ExitStatus s = proxy.waitExit(kStartMs);
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << proxy.err();
    EXPECT_TRUE(errHas(proxy, "rtmtap: --ship: 0 frames shipped")) << proxy.err();
    EXPECT_EQ(proxy.err().find("secret"), std::string::npos);
    // What waited locally ships later, whole.
    cluster_->start();
    RunResult r = Process::capture({"ship", "--db", db(), "--to", url_});
    EXPECT_EQ(r.code(), 0) << r.err;
    ShippedCopy::expectSame(db(), url_);
}

TEST(ProxyShipOptions, RefusesWhatIsNotAPostgresUrlAndANameWithoutShip) {
    TempDir dir;
    RunResult bad = Process::capture({"proxy", "--db", dir.file("x.db"), "--ship", "mysql://u:pw@h/db"});
    EXPECT_EQ(bad.code(), 2) << bad.err;
    EXPECT_NE(bad.err.find("--ship takes a PostgreSQL URL"), std::string::npos) << bad.err;
    RunResult name = Process::capture({"proxy", "--db", dir.file("x.db"), "--proxy-name", "edge"});
    EXPECT_EQ(name.code(), 2) << name.err;
    EXPECT_NE(name.err.find("give --ship too"), std::string::npos) << name.err;
}

}  // namespace
}  // namespace rtmtap::test
