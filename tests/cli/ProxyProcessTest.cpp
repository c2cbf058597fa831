// Process-level tests of `rtmtap proxy`: the real binary with real sockets on 127.0.0.1, its exit
// statuses and messages, signals (SIGTERM, SIGKILL), a full disk, TLS both ways, and what
// `rtmtap sessions --json` / `rtmtap show --jsonl` print for a recorded session.
#include "tests/support/EchoUpstream.h"
#include "tests/support/Process.h"
#include "tests/support/SqliteLock.h"
#include "tests/support/ProcessLimits.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"
#include "protocol/CloseFrame.h"

#include <gtest/gtest.h>

#include <Poco/Buffer.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/WebSocket.h>

#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <sqlite3.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cctype>
#include <chrono>
#include <fstream>
#include <memory>
#include <optional>
#include <regex>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

using Poco::Net::WebSocket;

constexpr int kStartMs = 30000;  // generous: sanitizer builds on a shared 2-core machine
constexpr int kExitMs = 20000;

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return std::tolower(c); });
    return s;
}

Poco::Net::Context::Ptr clientContext(const std::string& caFile) {
    Poco::Net::Context::Params params;
    params.caLocation = caFile;
    params.loadDefaultCAs = false;
    params.verificationMode = Poco::Net::Context::VERIFY_RELAXED;
    Poco::Net::Context::Ptr context = new Poco::Net::Context(Poco::Net::Context::TLS_CLIENT_USE, params);
    context->requireMinimumProtocol(Poco::Net::Context::PROTO_TLSV1_2);
    return context;
}

// SSL set-up once per test binary. SIGPIPE is ignored here (a client writing to a killed proxy);
// Process gives the child default signal actions again.
class SslEnvironment : public ::testing::Environment {
public:
    void SetUp() override {
        ::signal(SIGPIPE, SIG_IGN);
        Poco::Net::initializeSSL();
        // Never prompt on the console about a bad certificate: reject it.
        Poco::Net::SSLManager::instance().initializeClient(
            nullptr, new Poco::Net::RejectCertificateHandler(false), clientContext(dataFile("ca.pem")));
    }
    void TearDown() override { Poco::Net::uninitializeSSL(); }
};
::testing::Environment* const sslEnvironment = ::testing::AddGlobalTestEnvironment(new SslEnvironment);

// ---- WebSocket client ----

struct Frame {
    int flags = 0;
    std::string payload;
    int opcode() const { return flags & WebSocket::FRAME_OP_BITMASK; }
    int closeCode() const {
        return closeCodeOf(payload, -1);
    }
};

struct Client {
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    std::unique_ptr<WebSocket> ws;
    int status = 0;  // HTTP status of the upgrade (101 when ws is set), -1 when no answer

    void sendText(const std::string& text) { ws->sendFrame(text.data(), static_cast<int>(text.size())); }
    void sendBinary(const std::string& data) {
        ws->sendFrame(data.data(), static_cast<int>(data.size()), WebSocket::FRAME_BINARY);
    }
    Frame receive() {
        Poco::Buffer<char> buffer(0);
        Frame f;
        int n = ws->receiveFrame(buffer, f.flags);
        f.payload.assign(buffer.begin(), static_cast<size_t>(n));
        return f;
    }
    // Unblocks a thread reading or writing this socket.
    void shutdownRaw() { ::shutdown(ws->impl()->sockfd(), SHUT_RDWR); }
};

// Upgrades GET path on 127.0.0.1:port (TLS when tls is set); never throws: see Client::status.
Client connectWs(uint16_t port, const std::string& path, Poco::Net::Context::Ptr tls = nullptr) {
    Client c;
    if (tls) {
        c.session = std::make_unique<Poco::Net::HTTPSClientSession>("127.0.0.1", port, tls);
    } else {
        c.session = std::make_unique<Poco::Net::HTTPClientSession>("127.0.0.1", port);
    }
    c.session->setTimeout(Poco::Timespan(15, 0));
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("User-Agent", "rtmtap-process-test/1.0");
    Poco::Net::HTTPResponse response;
    try {
        c.ws = std::make_unique<WebSocket>(*c.session, request, response);
        c.ws->setReceiveTimeout(Poco::Timespan(15, 0));
        c.ws->setMaxPayloadSize(64 << 20);
        c.status = 101;
    } catch (const Poco::Net::WebSocketException&) {
        c.status = static_cast<int>(response.getStatus());
    } catch (const Poco::Exception&) {
        c.status = -1;
    }
    return c;
}

// ---- reading the database ----

using Row = std::vector<std::optional<std::string>>;

class Sql {
public:
    explicit Sql(const std::string& path) {
        // Read-write: after a SIGKILL SQLite must be allowed to recover the WAL.
        if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READWRITE, nullptr) != SQLITE_OK) {
            error_ = db_ ? sqlite3_errmsg(db_) : "out of memory";
        }
        if (db_) {
            sqlite3_busy_timeout(db_, 5000);
        }
    }
    ~Sql() { sqlite3_close(db_); }
    Sql(const Sql&) = delete;
    Sql& operator=(const Sql&) = delete;

    bool ok() const { return error_.empty(); }
    const std::string& error() const { return error_; }

    std::vector<Row> rows(const std::string& sql) {
        std::vector<Row> out;
        sqlite3_stmt* st = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &st, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << "SQL error: " << sqlite3_errmsg(db_) << " in: " << sql;
            return out;
        }
        while (sqlite3_step(st) == SQLITE_ROW) {
            Row row;
            for (int i = 0; i < sqlite3_column_count(st); ++i) {
                if (sqlite3_column_type(st, i) == SQLITE_NULL) {
                    row.emplace_back();
                } else {
                    const void* p = sqlite3_column_blob(st, i);
                    int n = sqlite3_column_bytes(st, i);
                    row.emplace_back(std::string(static_cast<const char*>(p), p ? static_cast<size_t>(n) : 0));
                }
            }
            out.push_back(std::move(row));
        }
        sqlite3_finalize(st);
        return out;
    }

    // First column of the first row; nullopt when there is no row or it is NULL.
    std::optional<std::string> text(const std::string& sql) {
        auto r = rows(sql);
        if (r.empty() || r[0].empty()) {
            return std::nullopt;
        }
        return r[0][0];
    }
    int64_t integer(const std::string& sql) {
        auto t = text(sql);
        return t ? std::stoll(*t) : -1;
    }

private:
    sqlite3* db_ = nullptr;
    std::string error_;
};

// ---- the fixture ----

class ProxyProcessTest : public ::testing::Test {
protected:
    std::string db() const { return dir_.file("rtmtap.db"); }

    // Starts `rtmtap proxy --listen 127.0.0.1:0 --db DB extra...` and waits for its ready line.
    std::unique_ptr<Process> startProxy(std::vector<std::string> extra, uint16_t& port) {
        std::vector<std::string> args = {"proxy", "--listen", "127.0.0.1:0", "--db", db()};
        args.insert(args.end(), extra.begin(), extra.end());
        auto proxy = std::make_unique<Process>(args);
        port = proxy->waitForListening(kStartMs);
        EXPECT_NE(port, 0) << "no ready line; stdout: " << proxy->out() << "\nstderr: " << proxy->err();
        return proxy;
    }

    // SIGTERM, then expects exit 0.
    void stopProxy(Process& proxy) {
        proxy.signal(SIGTERM);
        ExitStatus s = proxy.waitExit(kExitMs);
        EXPECT_TRUE(s.exited && s.code == 0) << "proxy ended with " << s.describe() << "; stderr: " << proxy.err();
    }

    // Runs the proxy with arguments that must fail at start: exit 2 and one "rtmtap: " line.
    void expectStartError(const std::vector<std::string>& args, const std::string& hint) {
        SCOPED_TRACE(hint);
        Process proxy(args);
        ExitStatus s = proxy.waitExit(kExitMs);
        EXPECT_TRUE(s.exited && s.code == 2) << "ended with " << s.describe();
        std::vector<std::string> lines = proxy.errLines();
        ASSERT_EQ(lines.size(), 1u) << "stderr was:\n" << proxy.err();
        EXPECT_EQ(lines[0].rfind("rtmtap: ", 0), 0u) << lines[0];
        EXPECT_EQ(proxy.out().find("listening"), std::string::npos) << proxy.out();
    }

    TempDir dir_;
};

// ---- start-up errors ----

TEST_F(ProxyProcessTest, UnusableUpstreamExitsTwoWithOneLine) {
    for (const char* url : {"ftp://x", "ws://", "not a url", "ws://host:99999"}) {
        expectStartError({"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", url},
                         std::string("--upstream ") + url);
    }
}

TEST_F(ProxyProcessTest, MaxBufferedBelowOneReadExitsTwoWithOneLine) {
    expectStartError({"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", "ws://127.0.0.1:9", "--max-buffered",
                      "1K"},
                     "--max-buffered 1K");
}

TEST_F(ProxyProcessTest, PortInUseExitsTwoWithOneLine) {
    // A raw socket without SO_REUSEPORT: POCO's ServerSocket sets it, and two sockets that both
    // set it may share a port.
    int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_in addr{};
    addr.sin_family = AF_INET;
    addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    addr.sin_port = 0;
    ASSERT_EQ(::bind(fd, reinterpret_cast<sockaddr*>(&addr), sizeof(addr)), 0);
    ASSERT_EQ(::listen(fd, 4), 0);
    socklen_t len = sizeof(addr);
    ASSERT_EQ(::getsockname(fd, reinterpret_cast<sockaddr*>(&addr), &len), 0);
    std::string listen = "127.0.0.1:" + std::to_string(ntohs(addr.sin_port));
    EchoUpstream upstream;
    expectStartError({"proxy", "--listen", listen, "--db", db(), "--upstream", upstream.url()}, "port in use");
    ::close(fd);
}

TEST_F(ProxyProcessTest, DatabaseThatIsADirectoryExitsTwoWithOneLine) {
    EchoUpstream upstream;
    expectStartError({"proxy", "--listen", "127.0.0.1:0", "--db", dir_.path(), "--upstream", upstream.url()},
                     "db is a directory");
}

TEST_F(ProxyProcessTest, DatabaseUnderMissingDirectoryExitsTwoWithOneLine) {
    EchoUpstream upstream;
    expectStartError(
        {"proxy", "--listen", "127.0.0.1:0", "--db", dir_.file("no/such/dir/x.db"), "--upstream", upstream.url()},
        "db under a missing directory");
}

// ---- signals ----

TEST_F(ProxyProcessTest, SigtermClosesLiveSessionsWith1001AndRecordsEverything) {
    EchoUpstream upstream;
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url()}, port);
    ASSERT_NE(port, 0);

    constexpr int kClients = 3, kMessages = 25;
    std::vector<Client> clients;
    for (int i = 0; i < kClients; ++i) {
        clients.push_back(connectWs(port, "/rtm/client" + std::to_string(i)));
        ASSERT_EQ(clients.back().status, 101);
    }
    std::vector<std::vector<std::string>> sent(kClients), echoed(kClients);
    for (int k = 0; k < kMessages; ++k) {
        for (int i = 0; i < kClients; ++i) {
            std::string text = "client" + std::to_string(i) + " message " + std::to_string(k);
            clients[i].sendText(text);
            sent[i].push_back(text);
        }
        for (int i = 0; i < kClients; ++i) {
            Frame f = clients[i].receive();
            ASSERT_EQ(f.opcode(), WebSocket::FRAME_OP_TEXT);
            echoed[i].push_back(f.payload);
        }
    }
    ASSERT_EQ(echoed, sent);

    proxy->signal(SIGTERM);
    std::vector<std::string> receivedClose(kClients);
    for (int i = 0; i < kClients; ++i) {
        SCOPED_TRACE("client" + std::to_string(i));
        Frame f;
        ASSERT_NO_THROW(f = clients[i].receive());
        EXPECT_EQ(f.opcode(), WebSocket::FRAME_OP_CLOSE);
        EXPECT_EQ(f.closeCode(), 1001);
        receivedClose[i] = f.payload;
        // Answer like a well-behaved client; the proxy waits for it before it ends the session.
        try {
            clients[i].ws->shutdown(WebSocket::WS_ENDPOINT_GOING_AWAY);
        } catch (const Poco::Exception&) {
        }
    }
    ExitStatus s = proxy->waitExit(kExitMs);
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << "; stderr: " << proxy->err();

    Sql sql(db());
    ASSERT_TRUE(sql.ok()) << sql.error();
    EXPECT_EQ(sql.integer("SELECT count(*) FROM sessions"), kClients);
    for (int i = 0; i < kClients; ++i) {
        SCOPED_TRACE("client" + std::to_string(i));
        std::string where = "instr(path, '/rtm/client" + std::to_string(i) + "') > 0";
        ASSERT_EQ(sql.integer("SELECT count(*) FROM sessions WHERE " + where), 1);
        std::string id = std::to_string(sql.integer("SELECT id FROM sessions WHERE " + where));
        EXPECT_EQ(sql.integer("SELECT count(*) FROM sessions WHERE ended_us IS NULL AND id = " + id), 0)
            << "ended_us not set";
        EXPECT_EQ(sql.integer("SELECT close_code FROM sessions WHERE id = " + id), 1001);
        auto payloads = [&](int dir) {
            std::vector<std::string> out;
            for (const Row& r : sql.rows("SELECT payload FROM frames WHERE op = 1 AND dir = " + std::to_string(dir) +
                                         " AND session = " + id + " ORDER BY seq")) {
                out.push_back(r[0].value_or(""));
            }
            return out;
        };
        EXPECT_EQ(payloads(0), sent[i]) << "c2s text frames";
        EXPECT_EQ(payloads(1), echoed[i]) << "s2c text frames";
        // The close the client received (s2c 1001) and the one it answered with (c2s).
        std::string closes;
        for (const Row& r : sql.rows("SELECT seq, dir, flags, fwd_us, hex(payload) FROM frames WHERE op = 8 AND "
                                     "session = " + id + " ORDER BY seq")) {
            closes += "\n  seq " + r[0].value_or("") + " dir " + r[1].value_or("") + " flags " + r[2].value_or("") +
                      " fwd_us " + r[3].value_or("NULL") + " payload " + r[4].value_or("");
        }
        // Forwarded to the client: exactly the close it received. (The upstream's reply to the
        // proxy's own close is recorded too, flagged dropped, not forwarded.)
        auto forwarded = sql.rows("SELECT payload FROM frames WHERE op = 8 AND dir = 1 AND fwd_us >= 0 AND session = " + id);
        ASSERT_EQ(forwarded.size(), 1u) << "s2c closes forwarded to the client; close rows:" << closes;
        EXPECT_EQ(forwarded[0][0].value_or(""), receivedClose[i]) << closes;
        EXPECT_EQ(sql.integer("SELECT count(*) FROM frames WHERE op = 8 AND dir = 0 AND hex(payload) = '03E9' "
                              "AND session = " + id),
                  1)
            << "the client's close reply; close rows:" << closes;
    }
}

TEST_F(ProxyProcessTest, SigkillMidStreamLeavesConsistentDatabase) {
    EchoUpstream upstream;
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url()}, port);
    ASSERT_NE(port, 0);

    constexpr int kClients = 4;
    std::vector<Client> clients(kClients);
    for (int i = 0; i < kClients; ++i) {
        clients[i] = connectWs(port, "/stream" + std::to_string(i));
        ASSERT_EQ(clients[i].status, 101);
    }
    std::atomic<bool> stop{false};
    std::atomic<uint64_t> sentCount{0}, receivedCount{0};
    std::vector<std::thread> threads;
    for (int i = 0; i < kClients; ++i) {
        Client* c = &clients[i];
        threads.emplace_back([c, i, &stop, &sentCount] {
            std::string filler(200, static_cast<char>('a' + i));
            try {
                for (uint64_t n = 0; !stop; ++n) {
                    c->sendText(std::to_string(n) + filler);
                    sentCount++;
                }
            } catch (const Poco::Exception&) {
                // The proxy is gone.
            }
        });
        threads.emplace_back([c, &receivedCount] {
            try {
                for (;;) {
                    Frame f = c->receive();
                    if (f.flags == 0 && f.payload.empty()) {
                        return;
                    }
                    receivedCount++;
                }
            } catch (const Poco::Exception&) {
            }
        });
    }
    // Stream until the recorder has committed something, then kill it mid-stream. Its writer
    // runs at nice 10: on a machine loaded by other tests it may need more than a second.
    std::this_thread::sleep_for(std::chrono::seconds(1));
    for (int i = 0; i < 200; ++i) {
        Sql probe(db());
        if (probe.ok() && probe.integer("SELECT count(*) FROM frames") > 0) {
            break;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    proxy->signal(SIGKILL);
    ExitStatus s = proxy->waitExit(kExitMs);
    EXPECT_EQ(s.signal, SIGKILL) << s.describe();
    stop = true;
    for (Client& c : clients) {
        c.shutdownRaw();
    }
    for (std::thread& t : threads) {
        t.join();
    }
    EXPECT_GT(receivedCount.load(), 0u) << "nothing was relayed before the kill";

    Sql sql(db());
    ASSERT_TRUE(sql.ok()) << sql.error();
    EXPECT_EQ(sql.text("PRAGMA integrity_check").value_or("?"), "ok");
    auto runs = sql.rows("SELECT session, count(*), min(seq), max(seq), count(DISTINCT seq) FROM frames GROUP BY session");
    int64_t total = 0;
    for (const Row& r : runs) {
        SCOPED_TRACE("session " + r[0].value_or("?"));
        int64_t count = std::stoll(r[1].value_or("0"));
        EXPECT_EQ(r[2].value_or("?"), "1") << "min seq";
        EXPECT_EQ(std::stoll(r[3].value_or("0")), count) << "max seq != count: a gap";
        EXPECT_EQ(std::stoll(r[4].value_or("0")), count) << "duplicate seqs";
        total += count;
    }
    EXPECT_GT(total, 0) << "no frame was recorded in up to 21 s of streaming (sent " << sentCount << ")";
}

// ---- write errors ----

TEST_F(ProxyProcessTest, AFullDiskIsSaidOnceAndRelayingContinues) {
    EchoUpstream upstream;
    uint16_t port = 0;
    // The file may not grow at all: the writer turns --db-max-bytes into pages of the file's own
    // size (PRAGMA page_size, 32 KiB here) and SQLite never goes below what the file has, so the
    // first few dozen frames fill it. ~2 MB each way stays far below the queue's limit: the
    // records wait in memory and relaying never does.
    auto proxy = startProxy({"--upstream", upstream.url(), "--db-max-bytes", "1", "--db-exit-wait", "500"}, port);
    ASSERT_NE(port, 0);
    Client c = connectWs(port, "/rtm");
    ASSERT_EQ(c.status, 101);

    std::string filler(1000, 'w');
    int n = 0;
    auto roundTrip = [&] {
        std::string text = "message " + std::to_string(n++) + " " + filler;
        c.sendText(text);
        Frame f = c.receive();
        EXPECT_EQ(f.opcode(), WebSocket::FRAME_OP_TEXT);
        return f.payload == text;
    };
    auto fullLines = [&] {
        size_t lines = 0;
        for (const std::string& line : proxy->errLines()) {
            lines += line.find("database or disk is full: keeping ") != std::string::npos ? 1 : 0;
        }
        return lines;
    };
    for (int i = 0; i < 1000; ++i) {
        ASSERT_TRUE(roundTrip()) << "echo " << i << " differs";
    }
    // The writer commits in the background: wait for its report, relaying all the while.
    for (int i = 0; i < 200 && fullLines() == 0; ++i) {
        ASSERT_TRUE(roundTrip()) << "echo after the disk filled differs";
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
    }
    EXPECT_EQ(fullLines(), 1u) << "one line when the disk filled, none per retry:\n" << proxy->err();
    for (int i = 0; i < 20; ++i) {
        ASSERT_TRUE(roundTrip()) << "echo after the disk filled was reported differs";
    }
    EXPECT_EQ(fullLines(), 1u) << proxy->err();
    // At exit the records still held are retried for --db-exit-wait, then counted and said.
    stopProxy(*proxy);
    EXPECT_NE(proxy->err().find("rtmtap: gave up on database '" + db() + "' at exit: "), std::string::npos)
        << proxy->err();
    EXPECT_NE(proxy->err().find("records NOT written"), std::string::npos) << proxy->err();
}

TEST_F(ProxyProcessTest, WhenBehindRelayTheLastLineAndStatsCountWhatWasNotRecorded) {
    if (SqliteLock::shell().empty()) {
        GTEST_SKIP() << "the sqlite3 shell is not installed (scripts/install-deps installs it)";
    }
    EchoUpstream upstream;
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url(), "--when-behind", "relay", "--queue-limit", "64K"}, port);
    ASSERT_NE(port, 0);
    Client c = connectWs(port, "/rtm");
    ASSERT_EQ(c.status, 101);
    int trips = 0;
    auto roundTrips = [&](int n) {
        for (int i = 0; i < n; ++i, ++trips) {
            std::string text = std::to_string(trips) + std::string(1000, 'r');
            c.sendText(text);
            ASSERT_EQ(c.receive().payload, text);
        }
    };
    roundTrips(20);
    {
        SqliteLock lock(db());
        ASSERT_TRUE(lock.held()) << lock.output();
        roundTrips(500);  // ~1 MB each way under the lock, far past the 64 KiB queue: never waits
        lock.release();
    }
    roundTrips(20);
    c.ws->shutdown();
    c.receive();  // the upstream's close, through the proxy
    stopProxy(*proxy);

    std::string last = proxy->errLines().back();
    std::smatch m;
    ASSERT_TRUE(std::regex_search(last, m, std::regex(R"(, (\d+) frames \((\d+) bytes\) relayed but NOT recorded )")))
        << proxy->err();
    const int64_t frames = std::stoll(m[1]), bytes = std::stoll(m[2]);
    EXPECT_GT(frames, 0);
    test::RunResult stats = Process::capture({"stats", "--db", db(), "--json"});
    ASSERT_EQ(stats.code(), 0) << stats.err;
    Poco::JSON::Parser parser;
    auto unrecorded = parser.parse(stats.out).extract<Poco::JSON::Object::Ptr>()->getObject("unrecorded");
    EXPECT_EQ(unrecorded->getValue<int64_t>("frames"), frames);
    EXPECT_EQ(unrecorded->getValue<int64_t>("bytes"), bytes);
    Sql sql(db());
    ASSERT_TRUE(sql.ok()) << sql.error();
    // Each frame (the text frames both ways and the two close frames) is either recorded or counted.
    EXPECT_EQ(sql.integer("SELECT count(*) FROM frames") + frames, 2 * trips + 2);
    EXPECT_EQ(sql.integer("SELECT count(*) FROM sessions WHERE ended_us IS NOT NULL"), 1) << "ends are always recorded";
}

// ---- limits ----

TEST_F(ProxyProcessTest, MaxSessionsRefusesWith503AndSaysSoOnceABurst) {
    EchoUpstream upstream;
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url(), "--max-sessions", "1"}, port);
    ASSERT_NE(port, 0);
    {
        Client live = connectWs(port, "/rtm");
        ASSERT_EQ(live.status, 101);
        for (int i = 0; i < 3; ++i) {
            EXPECT_EQ(connectWs(port, "/rtm").status, 503);
        }
        live.ws->shutdown(WebSocket::WS_NORMAL_CLOSE);
        EXPECT_EQ(live.receive().opcode(), WebSocket::FRAME_OP_CLOSE);
    }
    // Admitted again once the session has ended (its end reaches the proxy a moment later).
    int status = 0;
    for (int i = 0; i < 100 && status != 101; ++i) {
        status = connectWs(port, "/rtm").status;
        if (status != 101) {
            std::this_thread::sleep_for(std::chrono::milliseconds(50));
        }
    }
    EXPECT_EQ(status, 101);
    stopProxy(*proxy);
    size_t said = 0;
    for (const std::string& line : proxy->errLines()) {
        said += line.find("--max-sessions") != std::string::npos ? 1 : 0;
    }
    EXPECT_EQ(said, 1u) << "one line a burst; stderr:\n" << proxy->err();
}

// "Max open files  1024  20000  files": the soft and the hard limit of a process.
std::pair<std::string, std::string> openFileLimits(pid_t pid) {
    std::ifstream in("/proc/" + std::to_string(pid) + "/limits");
    std::string line;
    while (std::getline(in, line)) {
        if (line.rfind("Max open files", 0) == 0) {
            std::istringstream fields(line.substr(14));
            std::string soft, hard;
            fields >> soft >> hard;
            return {soft, hard};
        }
    }
    return {"?", "?"};
}

TEST_F(ProxyProcessTest, RaisesItsOpenFileLimitToTheHardLimit) {
    EchoUpstream upstream;
    uint16_t port = 0;
    std::unique_ptr<Process> proxy;
    {
        FileLimitScope low(256);  // the child inherits it
        proxy = startProxy({"--upstream", upstream.url()}, port);
    }
    ASSERT_NE(port, 0);
    const auto [soft, hard] = openFileLimits(proxy->pid());
    EXPECT_EQ(soft, hard);
    EXPECT_NE(soft, "256");
    stopProxy(*proxy);
}

TEST_F(ProxyProcessTest, HelpNamesTheLimits) {
    Process help({"proxy", "--help"});
    ASSERT_TRUE(help.waitExit(kExitMs).exited);
    for (const char* flag : {"--max-sessions", "--max-per-address", "descriptor"}) {
        EXPECT_NE(help.out().find(flag), std::string::npos) << flag << " in:\n" << help.out();
    }
}

// ---- the database file ----

TEST_F(ProxyProcessTest, DatabaseFileIsCreatedWithMode0600) {
    EchoUpstream upstream;
    uint16_t port = 0;
    // With umask 0 the mode must come from the proxy itself, not from the umask.
    mode_t old = ::umask(0);
    auto proxy = startProxy({"--upstream", upstream.url()}, port);
    ::umask(old);
    ASSERT_NE(port, 0);
    Client c = connectWs(port, "/rtm");
    ASSERT_EQ(c.status, 101);
    c.sendText("hello");
    EXPECT_EQ(c.receive().payload, "hello");
    stopProxy(*proxy);
    struct stat st {};
    ASSERT_EQ(::stat(db().c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0600u) << std::oct << (st.st_mode & 07777);
}

// ---- TLS to the upstream ----

EchoUpstream::Options tlsUpstream() {
    EchoUpstream::Options o;
    o.tlsCert = dataFile("server.pem");
    o.tlsKey = dataFile("server.key");
    return o;
}

void expectEcho(uint16_t port, Poco::Net::Context::Ptr tls = nullptr) {
    Client c = connectWs(port, "/rtm", tls);
    ASSERT_EQ(c.status, 101);
    c.sendText("through tls");
    Frame f = c.receive();
    EXPECT_EQ(f.opcode(), WebSocket::FRAME_OP_TEXT);
    EXPECT_EQ(f.payload, "through tls");
    c.ws->shutdown(WebSocket::WS_NORMAL_CLOSE);
    EXPECT_EQ(c.receive().opcode(), WebSocket::FRAME_OP_CLOSE);
}

TEST_F(ProxyProcessTest, WssUpstreamVerifiedWithCa) {
    EchoUpstream upstream(tlsUpstream());
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url("", "localhost"), "--ca", dataFile("ca.pem")}, port);
    ASSERT_NE(port, 0);
    expectEcho(port);
    stopProxy(*proxy);
    EXPECT_EQ(upstream.echoed(), 1u);
}

TEST_F(ProxyProcessTest, WssUpstreamWithWrongCaGives502AndRecordsCertificateError) {
    EchoUpstream upstream(tlsUpstream());
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url("", "localhost"), "--ca", dataFile("other-ca.pem")}, port);
    ASSERT_NE(port, 0);
    Client c = connectWs(port, "/rtm");
    EXPECT_EQ(c.status, 502);
    stopProxy(*proxy);
    EXPECT_EQ(upstream.echoed(), 0u);

    Sql sql(db());
    ASSERT_TRUE(sql.ok()) << sql.error();
    auto rows = sql.rows("SELECT http_status, error FROM sessions");
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0][0].value_or("NULL"), "502");
    EXPECT_NE(lower(rows[0][1].value_or("")).find("certificate"), std::string::npos)
        << "error: " << rows[0][1].value_or("NULL");
}

TEST_F(ProxyProcessTest, WssUpstreamInsecureSkipsVerification) {
    EchoUpstream upstream(tlsUpstream());
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url("", "localhost"), "--insecure"}, port);
    ASSERT_NE(port, 0);
    expectEcho(port);
    stopProxy(*proxy);
    EXPECT_EQ(upstream.echoed(), 1u);
}

// ---- TLS to the clients ----

TEST_F(ProxyProcessTest, ServesWssToClients) {
    EchoUpstream upstream;
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url(), "--tls-cert", dataFile("server.pem"), "--tls-key",
                             dataFile("server.key")},
                            port);
    ASSERT_NE(port, 0);
    EXPECT_EQ(proxy->listeningLine().rfind("rtmtap: listening on wss://", 0), 0u) << proxy->listeningLine();

    // A client that does not trust the proxy's certificate fails; the proxy keeps serving.
    Client untrusting = connectWs(port, "/rtm", clientContext(dataFile("other-ca.pem")));
    EXPECT_NE(untrusting.status, 101);

    expectEcho(port, clientContext(dataFile("ca.pem")));
    stopProxy(*proxy);
    EXPECT_EQ(upstream.echoed(), 1u);
}

// ---- reading it back with the CLI ----

Poco::JSON::Object::Ptr parseObject(const std::string& text) {
    Poco::JSON::Parser parser;
    return parser.parse(text).extract<Poco::JSON::Object::Ptr>();
}

TEST_F(ProxyProcessTest, SessionsJsonAndShowJsonlDescribeARealSession) {
    EchoUpstream upstream;
    uint16_t port = 0;
    auto proxy = startProxy({"--upstream", upstream.url()}, port);
    ASSERT_NE(port, 0);
    const std::string event =
        R"({"event":"chat.postMessage","payload":{"message":{"id":77,"channel_id":11010000,"user_id":5}}})";
    const std::string binary("\x00\x01\x02\xff", 4);
    {
        Client c = connectWs(port, "/rtm?x=1");
        ASSERT_EQ(c.status, 101);
        c.sendText(event);
        EXPECT_EQ(c.receive().payload, event);
        c.sendBinary(binary);
        EXPECT_EQ(c.receive().payload, binary);
        c.ws->shutdown(WebSocket::WS_NORMAL_CLOSE, "bye");
        Frame close = c.receive();
        EXPECT_EQ(close.opcode(), WebSocket::FRAME_OP_CLOSE);
        EXPECT_EQ(close.closeCode(), 1000);
    }
    stopProxy(*proxy);

    std::string out, err;
    ExitStatus s = Process::run({"sessions", "--db", db(), "--json"}, out, err);
    ASSERT_TRUE(s.exited && s.code == 0) << s.describe() << " " << err;
    Poco::JSON::Array::Ptr sessions;
    ASSERT_NO_THROW(sessions = Poco::JSON::Parser().parse(out).extract<Poco::JSON::Array::Ptr>()) << out;
    ASSERT_EQ(sessions->size(), 1u) << out;
    Poco::JSON::Object::Ptr session = sessions->getObject(0);
    for (const char* key : {"id", "started_at", "ended_at", "client", "upstream", "path", "user_id", "user_name",
                            "user_agent", "frames", "bytes", "close_code", "close_reason", "closed_by", "error"}) {
        EXPECT_TRUE(session->has(key)) << "sessions --json lacks " << key << ": " << out;
    }
    int64_t id = session->getValue<int64_t>("id");
    EXPECT_FALSE(session->isNull("started_at"));
    EXPECT_FALSE(session->isNull("ended_at"));
    EXPECT_NE(session->optValue<std::string>("client", "").find("127.0.0.1"), std::string::npos) << out;
    // The upstream URL the session was relayed to (the proxy records it joined with the path).
    EXPECT_EQ(session->optValue<std::string>("upstream", "").rfind(upstream.url(), 0), 0u) << out;
    EXPECT_EQ(session->optValue<std::string>("path", ""), "/rtm?x=1");
    EXPECT_TRUE(session->isNull("user_id"));
    EXPECT_EQ(session->optValue<int64_t>("frames", -1), 6);
    EXPECT_EQ(session->optValue<int64_t>("bytes", -1), int64_t(2 * (event.size() + binary.size() + 5)));
    EXPECT_EQ(session->optValue<int>("close_code", -1), 1000);
    EXPECT_EQ(session->optValue<std::string>("close_reason", ""), "bye");
    EXPECT_EQ(session->optValue<std::string>("closed_by", ""), "client");
    EXPECT_TRUE(session->isNull("error") || session->optValue<std::string>("error", "x").empty()) << out;

    s = Process::run({"show", std::to_string(id), "--db", db(), "--jsonl"}, out, err);
    ASSERT_TRUE(s.exited && s.code == 0) << s.describe() << " " << err;
    std::vector<Poco::JSON::Object::Ptr> frames;
    std::istringstream lines(out);
    std::string line;
    while (std::getline(lines, line)) {
        ASSERT_NO_THROW(frames.push_back(parseObject(line))) << "not JSON: " << line;
    }
    ASSERT_EQ(frames.size(), 6u) << out;
    struct Expected {
        const char* dir;
        const char* op;
        std::string text;    // text frames
        std::string base64;  // everything else
    };
    const Expected expected[] = {
        {"c2s", "text", event, ""},     {"s2c", "text", event, ""},     {"c2s", "binary", "", "AAEC/w=="},
        {"s2c", "binary", "", "AAEC/w=="}, {"c2s", "close", "", "A+hieWU="}, {"s2c", "close", "", "A+hieWU="},
    };
    for (size_t i = 0; i < frames.size(); ++i) {
        SCOPED_TRACE("frame " + std::to_string(i + 1));
        const Poco::JSON::Object::Ptr& f = frames[i];
        for (const char* key : {"session", "seq", "t_us", "dir", "op", "kind", "name", "channel_id", "message_id",
                                "size", "flags", "data"}) {
            EXPECT_TRUE(f->has(key)) << "show --jsonl lacks " << key;
        }
        EXPECT_EQ(f->optValue<int64_t>("session", -1), id);
        EXPECT_EQ(f->optValue<int64_t>("seq", -1), int64_t(i + 1));
        EXPECT_EQ(f->optValue<std::string>("dir", ""), expected[i].dir);
        EXPECT_EQ(f->optValue<std::string>("op", ""), expected[i].op);
        if (std::string(expected[i].op) == "text") {
            EXPECT_EQ(f->optValue<std::string>("data", ""), expected[i].text);
            EXPECT_EQ(f->optValue<std::string>("kind", ""), "event");
            EXPECT_EQ(f->optValue<std::string>("name", ""), "chat.postMessage");
            EXPECT_EQ(f->optValue<int64_t>("channel_id", -1), 11010000);
            EXPECT_EQ(f->optValue<int64_t>("message_id", -1), 77);
            EXPECT_EQ(f->optValue<int64_t>("size", -1), int64_t(event.size()));
        } else {
            Poco::JSON::Object::Ptr data = f->getObject("data");
            ASSERT_TRUE(data) << "data is not an object";
            EXPECT_EQ(data->optValue<std::string>("base64", ""), expected[i].base64);
        }
    }
}

}  // namespace
}  // namespace rtmtap::test
