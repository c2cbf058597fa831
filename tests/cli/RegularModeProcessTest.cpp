// `rtmtap proxy --mode regular`, the real binary as the HTTP proxy of real clients (curl, and
// POCO's HTTPS session for wss): API calls and WebSocket sessions recorded through CONNECT with
// rtmtap's CA (made on first use), SSLKEYLOGFILE holding both sides of a tunnel, --intercept
// leaving other hosts untouched, and bad input (a closed port, a client that refuses the CA, an
// unparseable URI, an unsafe CA folder, a reverse-mode option) answered with one clear line.
#include "proxy/HttpsClientContext.h"
#include "tests/support/EchoUpstream.h"
#include "tests/support/FakeAirSendApi.h"
#include "tests/support/Files.h"
#include "tests/support/Process.h"
#include "tests/support/RawSocket.h"
#include "tests/support/ReadConnection.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"

#include <Poco/Buffer.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/Net/WebSocket.h>

#include <gtest/gtest.h>

#include <signal.h>
#include <sys/stat.h>
#include <unistd.h>

#include <fstream>
#include <memory>
#include <regex>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace rtmtap::test {
namespace {

constexpr int kStartMs = 30000;  // generous: sanitizer builds on a shared 2-core machine
constexpr int kExitMs = 20000;
const char* const kCurl = "/usr/bin/curl";

uint16_t closedPort() {
    Poco::Net::ServerSocket probe(Poco::Net::SocketAddress("127.0.0.1", 0));
    return probe.address().port();
}

// The client randoms of an NSS key log (SSLKEYLOGFILE): "LABEL <client random> <secret>" lines.
// A line of another shape is a test failure.
std::set<std::string> clientRandoms(const std::string& keyLog) {
    static const std::regex line(R"(([A-Z_0-9]+) ([0-9a-f]{64}) ([0-9a-f]{32,}))");
    std::set<std::string> randoms;
    std::istringstream in(keyLog);
    std::string text;
    while (std::getline(in, text)) {
        std::smatch m;
        if (text.empty() || text[0] == '#') {
            continue;
        }
        if (!std::regex_match(text, m, line)) {
            ADD_FAILURE() << "not an NSS key log line: '" << text << "'";
            continue;
        }
        randoms.insert(m.str(2));
    }
    return randoms;
}

// curl as a user runs it, with the environment's proxy settings out of the way (NO_PROXY could
// send localhost around --proxy) and ~/.curlrc ignored (-q); keyLog sets its SSLKEYLOGFILE.
RunResult curl(const std::vector<std::string>& args, const std::string& keyLog = "") {
    std::vector<std::string> argv = {"-u", "NO_PROXY", "-u", "no_proxy", "-u", "ALL_PROXY", "-u", "all_proxy",
                                     "-u", "HTTPS_PROXY", "-u", "https_proxy", "-u", "SSLKEYLOGFILE"};
    if (!keyLog.empty()) {
        argv.push_back("SSLKEYLOGFILE=" + keyLog);
    }
    argv.insert(argv.end(), {kCurl, "-q", "-sS", "--max-time", "20"});
    argv.insert(argv.end(), args.begin(), args.end());
    RunResult r;
    r.status = Process::run(argv, r.out, r.err, 30000, "/usr/bin/env");
    return r;
}

class RegularModeProcess : public ::testing::Test {
protected:
    std::string db() const { return dir_.file("rtmtap.db"); }
    std::string caDir() const { return dir_.file("ca"); }
    std::string caCert() const { return caDir() + "/rtmtap-ca.pem"; }
    std::string keyLog() const { return dir_.file("keys"); }

    // `rtmtap proxy --mode regular --listen 127.0.0.1:0 ...` (its upstreams verified against the test
    // CA that signed tests/data/server.pem); port_ is the port its listening line names. With
    // logKeys, SSLKEYLOGFILE=keyLog() in its environment.
    std::unique_ptr<Process> start(const std::vector<std::string>& extra = {}, bool logKeys = false) {
        std::vector<std::string> args = {"proxy", "--mode", "regular", "--listen", "127.0.0.1:0", "--ca-dir", caDir(),
                                         "--ca", dataFile("ca.pem"), "--db", db()};
        args.insert(args.end(), extra.begin(), extra.end());
        std::unique_ptr<Process> proxy;
        if (logKeys) {
            args.insert(args.begin(), {"SSLKEYLOGFILE=" + keyLog(), RTMTAP_BINARY});
            proxy = std::make_unique<Process>(args, "/usr/bin/env");
        } else {
            proxy = std::make_unique<Process>(args);
        }
        const std::string port =
            proxy->waitForMatch(std::regex(R"(rtmtap: listening on http://127\.0\.0\.1:(\d+) -> )"), kStartMs);
        port_ = port.empty() ? 0 : static_cast<uint16_t>(std::stoi(port));
        EXPECT_NE(port_, 0) << "no listening line with the port; stdout: " << proxy->out()
                            << "\nstderr: " << proxy->err();
        return proxy;
    }

    // SIGINT (Ctrl-C), then exit 0: afterwards everything is in the database.
    void stop(Process& proxy) {
        proxy.signal(SIGINT);
        ExitStatus s = proxy.waitExit(kExitMs);
        EXPECT_TRUE(s.exited && s.code == 0) << "proxy ended with " << s.describe() << "; stderr: " << proxy.err();
    }

    std::string proxyUrl() const { return "http://127.0.0.1:" + std::to_string(port_); }

    // curl for rtm.connect through the proxy, trusting ca.
    RunResult rtmConnect(const FakeAirSendApi& api, const std::string& ca, const std::string& keys = "",
                         const std::vector<std::string>& more = {}) {
        std::vector<std::string> args = {"--proxy", proxyUrl(), "--cacert", ca, "-H",
                                         "Authorization: Bearer " + options_.bearer, "-w", "\nstatus %{http_code}",
                                         "https://localhost:" + std::to_string(api.port()) + "/api/v1/rtm.connect"};
        args.insert(args.end(), more.begin(), more.end());
        return curl(args, keys);
    }

    // The fake AirSend API over TLS, its certificate (CN localhost) signed by tests/data/ca.pem.
    FakeAirSendApi::Options apiOptions() {
        options_.tlsCert = dataFile("server.pem");
        options_.tlsKey = dataFile("server.key");
        return options_;
    }

    // Runs the proxy with arguments that must fail at start: exit 2 and one "rtmtap: " line.
    static std::string expectStartError(const std::vector<std::string>& args) {
        Process proxy(args);
        ExitStatus s = proxy.waitExit(kExitMs);
        EXPECT_TRUE(s.exited && s.code == 2) << "ended with " << s.describe();
        std::vector<std::string> lines = proxy.errLines();
        EXPECT_EQ(lines.size(), 1u) << "stderr was:\n" << proxy.err();
        EXPECT_EQ(proxy.out().find("listening"), std::string::npos) << proxy.out();
        return lines.empty() ? "" : lines[0];
    }

    TempDir dir_;
    FakeAirSendApi::Options options_;
    uint16_t port_ = 0;
};

// The tests that run curl.
class RegularModeCurl : public RegularModeProcess {
protected:
    void SetUp() override {
        if (::access(kCurl, X_OK) != 0) {
            GTEST_SKIP() << kCurl << " is not installed (apt-get install curl): the regular mode's curl checks need it";
        }
    }
};

TEST_F(RegularModeCurl, CurlApiCallIsRecordedTheCaIsMadeOnceAndBothSidesKeysAreLogged) {
    FakeAirSendApi api(apiOptions());
    auto proxy = start({}, true);
    ASSERT_NE(port_, 0);
    struct stat st {};
    ASSERT_EQ(::stat(caCert().c_str(), &st), 0) << "no CA certificate in " << caDir();
    const std::string caPem = slurp(caCert());

    const std::string curlKeys = dir_.file("curlkeys");
    RunResult r = rtmConnect(api, caCert(), curlKeys);
    EXPECT_EQ(r.code(), 0) << r.err;
    EXPECT_NE(r.out.find(options_.wsEndpoint), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("\nstatus 200"), std::string::npos) << r.out;
    stop(*proxy);
    EXPECT_EQ(occurrences(proxy->err(), "made a CA"), 1u) << proxy->err();
    EXPECT_NE(proxy->out().find("rtmtap: clients trust " + caCert()), std::string::npos) << proxy->out();

    ReadConnection rows(db());
    EXPECT_EQ(rows.integer("SELECT count(*) FROM api_calls"), 1);
    EXPECT_EQ(rows.text("SELECT path FROM api_calls"), "/api/v1/rtm.connect");
    EXPECT_EQ(rows.integer("SELECT status FROM api_calls"), 200);
    EXPECT_EQ(rows.text("SELECT upstream FROM api_calls"), "https://localhost:" + std::to_string(api.port()));
    EXPECT_EQ(rows.text("SELECT ws_endpoint FROM api_calls"), options_.wsEndpoint);
    ASSERT_EQ(api.requests().size(), 1u);
    EXPECT_EQ(api.requests()[0].authorization, "Bearer " + options_.bearer);

    // Both halves of the tunnel: curl's handshake with rtmtap (curl's client randoms) and rtmtap's
    // with the API (randoms curl never saw).
    const std::set<std::string> fromCurl = clientRandoms(slurp(curlKeys));
    const std::set<std::string> fromRtmtap = clientRandoms(slurp(keyLog()));
    ASSERT_FALSE(fromCurl.empty()) << "curl wrote no key log: is SSLKEYLOGFILE supported by this curl?";
    size_t clientSide = 0, upstreamSide = 0;
    for (const std::string& random : fromRtmtap) {
        ++(fromCurl.count(random) ? clientSide : upstreamSide);
    }
    EXPECT_EQ(clientSide, fromCurl.size()) << slurp(keyLog());
    EXPECT_GE(upstreamSide, 1u) << slurp(keyLog());

    // Made once: a second start uses the same CA and says nothing about making one.
    auto again = start();
    ASSERT_NE(port_, 0);
    stop(*again);
    EXPECT_EQ(occurrences(again->err(), "made a CA"), 0u) << again->err();
    EXPECT_EQ(slurp(caCert()), caPem);
}

TEST_F(RegularModeProcess, WssSessionThroughTheBinaryIsRecorded) {
    EchoUpstream::Options o;
    o.tlsCert = dataFile("server.pem");
    o.tlsKey = dataFile("server.key");
    EchoUpstream upstream(o);
    auto proxy = start();
    ASSERT_NE(port_, 0);
    {
        // A client configured with the proxy that trusts rtmtap's CA: POCO sends CONNECT.
        Poco::Net::HTTPSClientSession session("localhost", upstream.port(), httpsClientContext(caCert(), false));
        session.setProxy("127.0.0.1", port_);
        session.setTimeout(Poco::Timespan(15, 0));
        Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, "/rtm?v=2", Poco::Net::HTTPMessage::HTTP_1_1);
        Poco::Net::HTTPResponse response;
        Poco::Net::WebSocket ws(session, request, response);
        ws.setReceiveTimeout(Poco::Timespan(15, 0));
        for (const std::string& text : std::vector<std::string>{R"({"command":"ws_ping"})", "second"}) {
            ws.sendFrame(text.data(), static_cast<int>(text.size()));
            Poco::Buffer<char> buffer(0);
            int flags = 0;
            const int n = ws.receiveFrame(buffer, flags);
            EXPECT_EQ(std::string(buffer.begin(), static_cast<size_t>(std::max(n, 0))), text);
        }
        ws.shutdown();
        Poco::Buffer<char> buffer(0);
        int flags = 0;
        ws.receiveFrame(buffer, flags);  // the close reply
    }
    stop(*proxy);

    const std::string upstreamUrl = "wss://localhost:" + std::to_string(upstream.port()) + "/rtm?v=2";
    ReadConnection rows(db());
    EXPECT_EQ(rows.integer("SELECT count(*) FROM sessions"), 1);
    EXPECT_EQ(rows.text("SELECT upstream FROM sessions"), upstreamUrl);
    EXPECT_EQ(rows.integer("SELECT count(*) FROM frames WHERE op = 1"), 4) << "two messages, each echoed";
    EXPECT_EQ(rows.text("SELECT payload FROM frames ORDER BY seq LIMIT 1"), R"({"command":"ws_ping"})");
    RunResult listed = Process::capture({"sessions", "--db", db()});
    EXPECT_EQ(listed.code(), 0) << listed.err;
    EXPECT_NE(listed.out.find("/rtm?v=2"), std::string::npos) << listed.out;
}

TEST_F(RegularModeCurl, UnlistedHostIsTunnelledWithItsOwnCertificateAndNotRecorded) {
    FakeAirSendApi api(apiOptions());
    auto proxy = start({"--intercept", "*.airsend.test"});
    ASSERT_NE(port_, 0);
    // curl trusts only the origin's own CA: it must see the origin's certificate, not rtmtap's.
    RunResult r = rtmConnect(api, dataFile("ca.pem"));
    EXPECT_EQ(r.code(), 0) << r.err;
    EXPECT_NE(r.out.find("\nstatus 200"), std::string::npos) << r.out;
    stop(*proxy);
    EXPECT_EQ(api.requests().size(), 1u);
    ReadConnection rows(db());
    EXPECT_EQ(rows.integer("SELECT count(*) FROM api_calls"), 0);
    EXPECT_EQ(rows.integer("SELECT count(*) FROM sessions"), 0);
}

TEST_F(RegularModeCurl, ClosedPortIs502AndBadUriIs400AndTheProxyCarriesOn) {
    FakeAirSendApi api(apiOptions());
    auto proxy = start();
    ASSERT_NE(port_, 0);
    const uint16_t closed = closedPort();
    RunResult r = curl({"-v", "--proxy", proxyUrl(), "--cacert", caCert(), "https://localhost:" + std::to_string(closed) + "/"});
    EXPECT_NE(r.code(), 0) << r.out;
    EXPECT_NE(r.err.find("< HTTP/1.1 502"), std::string::npos) << r.err;

    RawSocket raw(port_);
    ASSERT_TRUE(raw.send("GET http://[::1/x HTTP/1.1\r\nHost: x\r\n\r\n"));
    const std::string answer = raw.readUntilClosed(5000).bytes;
    EXPECT_EQ(RawSocket::statusOf(answer), 400) << answer;
    EXPECT_NE(RawSocket::bodyOf(answer).find("unparseable URI"), std::string::npos) << answer;

    RunResult ok = rtmConnect(api, caCert());
    EXPECT_EQ(ok.code(), 0) << ok.err;
    EXPECT_NE(ok.out.find("\nstatus 200"), std::string::npos) << ok.out;
    stop(*proxy);
}

TEST_F(RegularModeCurl, ClientThatDoesNotTrustTheCaIsRecordedWithTheTlsAlert) {
    FakeAirSendApi api(apiOptions());
    auto proxy = start();
    ASSERT_NE(port_, 0);
    RunResult r = rtmConnect(api, dataFile("other-ca.pem"));
    EXPECT_EQ(r.code(), 60) << "curl: the peer's certificate cannot be verified; stderr: " << r.err;
    stop(*proxy);
    EXPECT_TRUE(api.requests().empty());
    ReadConnection rows(db());
    ASSERT_EQ(rows.integer("SELECT count(*) FROM sessions"), 1);
    const std::string error = rows.text("SELECT error FROM sessions");
    EXPECT_NE(error.find("TLS handshake with the client failed"), std::string::npos) << error;
    EXPECT_NE(error.find("alert unknown ca"), std::string::npos) << error;
    EXPECT_EQ(occurrences(error, "rtmtap ca show"), 1u) << "one hint, said once: " << error;
    EXPECT_EQ(rows.text("SELECT upstream FROM sessions"), "https://localhost:" + std::to_string(api.port()));
}

// The checks are on the mode bits, not on access(2): they hold for root too (these tests run as root).
TEST_F(RegularModeProcess, UnsafeCaFolderExitsTwoWithOneLineNamingChmod) {
    RunResult init = Process::capture({"ca", "init", "--ca-dir", caDir()});
    ASSERT_EQ(init.code(), 0) << init.err;
    const std::vector<std::string> args = {"proxy", "--mode", "regular", "--listen", "127.0.0.1:0",
                                           "--ca-dir", caDir(), "--db", db()};
    const std::string key = caDir() + "/rtmtap-ca-key.pem";
    ASSERT_EQ(::chmod(key.c_str(), 0644), 0);
    std::string line = expectStartError(args);
    EXPECT_NE(line.find("chmod 600 " + key), std::string::npos) << line;
    ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
    ASSERT_EQ(::chmod(caDir().c_str(), 0777), 0);
    line = expectStartError(args);
    EXPECT_NE(line.find("chmod 700 " + caDir()), std::string::npos) << line;
    struct stat st {};
    EXPECT_NE(::stat(db().c_str(), &st), 0) << "a refused start must create no database";
}

TEST_F(RegularModeProcess, ReverseModeOptionsExitTwoWithOneLine) {
    const std::string line = expectStartError({"proxy", "--mode", "regular", "--listen", "127.0.0.1:0", "--ca-dir",
                                               caDir(), "--db", db(), "--upstream", "ws://x"});
    EXPECT_NE(line.find("--mode regular takes no --upstream"), std::string::npos) << line;
}

}  // namespace
}  // namespace rtmtap::test
