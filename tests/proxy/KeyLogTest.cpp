// SSLKEYLOGFILE (proxy/KeyLog): after real loopback handshakes, the file holds the NSS key log
// lines of the side that is rtmtap's (the other side is a raw OpenSSL peer that logs nothing), for
// that handshake's client random: CLIENT_RANDOM for TLS 1.2, the traffic secrets for TLS 1.3.
#include "proxy/CertAuthority.h"
#include "proxy/HttpsClientContext.h"
#include "proxy/KeyLog.h"
#include "proxy/TlsContext.h"
#include "proxy/TlsTransport.h"
#include "tests/support/TempDir.h"
#include "tests/support/TlsPeers.h"

#include <Poco/Net/SecureStreamSocket.h>
#include <openssl/ssl.h>

#include <cstdlib>
#include <fstream>
#include <gtest/gtest.h>
#include <map>
#include <regex>
#include <sys/stat.h>

namespace rtmtap {
namespace {

using test::OneShotServer;
using test::RawTlsOptions;
using test::TempDir;
using test::TlsPeerResult;

const std::string kData = RTMTAP_TEST_DATA;
const std::vector<std::string> kTls13Labels = {"CLIENT_HANDSHAKE_TRAFFIC_SECRET", "SERVER_HANDSHAKE_TRAFFIC_SECRET",
                                               "CLIENT_TRAFFIC_SECRET_0", "SERVER_TRAFFIC_SECRET_0", "EXPORTER_SECRET"};

// label -> secret (hex) of the lines for clientRandom; every line of the file must be well formed.
std::map<std::string, std::string> secretsFor(const std::string& path, const std::string& clientRandom) {
    static const std::regex line("([A-Z_0-9]+) ([0-9a-f]{64}) ([0-9a-f]{64,})");
    std::map<std::string, std::string> out;
    std::ifstream in(path);
    std::string text;
    while (std::getline(in, text)) {
        std::smatch m;
        EXPECT_TRUE(std::regex_match(text, m, line)) << "not a key log line: " << text;
        if (m.size() == 4 && m[2] == clientRandom) {
            EXPECT_EQ(out.count(m[1]), 0u) << "logged twice: " << text;
            out[m[1]] = m[3];
        }
    }
    return out;
}

RawTlsOptions rawClient(int maxVersion = 0) {
    RawTlsOptions o;
    o.caFile = kData + "/ca.pem";
    o.sni = o.verifyName = "localhost";
    o.maxVersion = maxVersion;
    return o;
}

RawTlsOptions rawServer() {
    RawTlsOptions o;
    o.certFile = kData + "/server.pem";
    o.keyFile = kData + "/server.key";
    return o;
}

class KeyLogTest : public ::testing::Test {
protected:
    void SetUp() override { KeyLog::setPathForTests(log_); }
    void TearDown() override { KeyLog::setPathForTests(""); }

    // rtmtap's server side (context) against a raw client; returns the client's view.
    TlsPeerResult serveTo(const std::shared_ptr<TlsContext>& context, const RawTlsOptions& client) {
        OneShotServer server([&](Poco::Net::StreamSocket s) { return test::transportAccept(std::move(s), context); });
        const TlsPeerResult c = test::rawTlsConnect(server.port(), client);
        const TlsPeerResult s = server.result();
        EXPECT_TRUE(s.ok) << s.error;
        EXPECT_TRUE(c.ok) << c.error;
        return c;
    }

    TempDir tmp_;
    std::string log_ = tmp_.file("keys.log");
};

TEST_F(KeyLogTest, ServerSideTls13LogsTheTrafficSecrets) {
    const TlsPeerResult c = serveTo(TlsContext::server(kData + "/server.pem", kData + "/server.key"), rawClient());
    ASSERT_EQ(c.version, "TLSv1.3");
    const auto secrets = secretsFor(log_, c.clientRandom);
    for (const std::string& label : kTls13Labels) {
        EXPECT_EQ(secrets.count(label), 1u) << label << " missing";
    }
    EXPECT_EQ(secrets.size(), kTls13Labels.size());
}

TEST_F(KeyLogTest, ServerSideTls12LogsClientRandom) {
    const TlsPeerResult c =
        serveTo(TlsContext::server(kData + "/server.pem", kData + "/server.key"), rawClient(TLS1_2_VERSION));
    ASSERT_EQ(c.version, "TLSv1.2");
    const auto secrets = secretsFor(log_, c.clientRandom);
    ASSERT_EQ(secrets.count("CLIENT_RANDOM"), 1u);
    EXPECT_EQ(secrets.at("CLIENT_RANDOM").size(), 96u) << "a 48-byte master secret";
}

TEST_F(KeyLogTest, TheInterceptingSideLogsToo) {
    auto ca = CertAuthority::create(tmp_.file("ca"));
    RawTlsOptions o;
    o.caFile = ca->certPath();
    o.sni = o.verifyName = "rtm.example.test";
    const TlsPeerResult c = serveTo(TlsContext::intercepting(ca), o);
    EXPECT_EQ(secretsFor(log_, c.clientRandom).size(), kTls13Labels.size());
    o.maxVersion = TLS1_2_VERSION;
    const TlsPeerResult c12 = serveTo(TlsContext::intercepting(ca), o);
    EXPECT_EQ(secretsFor(log_, c12.clientRandom).count("CLIENT_RANDOM"), 1u);
}

TEST_F(KeyLogTest, TheUpstreamClientSideLogs) {
    auto context = TlsContext::client(kData + "/ca.pem", false);
    OneShotServer server([](Poco::Net::StreamSocket s) { return test::rawTlsAccept(std::move(s), rawServer()); });
    {
        Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server.port()));
        TlsTransport client(socket, context);
        client.setBlocking(true, 10000);
        ASSERT_TRUE(client.connect("localhost")) << client.error();
        client.shutdownWrite();
    }
    const TlsPeerResult s = server.result();
    ASSERT_TRUE(s.ok) << s.error;
    EXPECT_EQ(secretsFor(log_, s.clientRandom).size(), kTls13Labels.size());
}

TEST_F(KeyLogTest, PocosHttpsClientContextLogs) {
    auto context = httpsClientContext(kData + "/ca.pem", false);
    OneShotServer server([](Poco::Net::StreamSocket s) { return test::rawTlsAccept(std::move(s), rawServer()); });
    {
        Poco::Net::SecureStreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server.port()), "localhost", context);
        try {
            socket.completeHandshake();
        } catch (const Poco::Exception& e) {
            FAIL() << e.displayText();
        }
    }
    const TlsPeerResult s = server.result();
    ASSERT_TRUE(s.ok) << s.error;
    EXPECT_EQ(secretsFor(log_, s.clientRandom).size(), kTls13Labels.size());
}

TEST_F(KeyLogTest, TheFileIsCreatedForTheUserOnlyAndAppendedTo) {
    auto context = TlsContext::server(kData + "/server.pem", kData + "/server.key");
    const TlsPeerResult first = serveTo(context, rawClient());
    struct stat st {};
    ASSERT_EQ(::stat(log_.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    const TlsPeerResult second = serveTo(context, rawClient());
    EXPECT_EQ(secretsFor(log_, first.clientRandom).size(), kTls13Labels.size());
    EXPECT_EQ(secretsFor(log_, second.clientRandom).size(), kTls13Labels.size());
}

TEST_F(KeyLogTest, EnvironmentVariableIsHonouredAndNothingIsLoggedWithoutIt) {
    const char* old = std::getenv("SSLKEYLOGFILE");
    const std::string saved = old ? old : "";
    KeyLog::setPathForTests("");
    ::unsetenv("SSLKEYLOGFILE");
    auto quiet = TlsContext::server(kData + "/server.pem", kData + "/server.key");
    EXPECT_EQ(SSL_CTX_get_keylog_callback(quiet->get()), nullptr);

    const std::string fromEnv = tmp_.file("env-keys.log");
    ::setenv("SSLKEYLOGFILE", fromEnv.c_str(), 1);
    auto logging = TlsContext::server(kData + "/server.pem", kData + "/server.key");
    EXPECT_NE(SSL_CTX_get_keylog_callback(logging->get()), nullptr);
    const TlsPeerResult c = serveTo(logging, rawClient());
    EXPECT_EQ(secretsFor(fromEnv, c.clientRandom).size(), kTls13Labels.size());
    serveTo(quiet, rawClient());
    if (old) {
        ::setenv("SSLKEYLOGFILE", saved.c_str(), 1);
    } else {
        ::unsetenv("SSLKEYLOGFILE");
    }
    struct stat st {};
    EXPECT_TRUE(::stat(log_.c_str(), &st) != 0 || st.st_size == 0) << "the test path was written after it was reset";
}

TEST_F(KeyLogTest, AFileThatCannotBeOpenedIsSaidOnceAndNothingBreaks) {
    const std::string bad = tmp_.file("no-such-folder/keys.log");
    testing::internal::CaptureStderr();
    KeyLog::setPathForTests(bad);
    auto a = TlsContext::server(kData + "/server.pem", kData + "/server.key");
    auto b = TlsContext::client(kData + "/ca.pem", false);
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(err, "rtmtap: cannot open SSLKEYLOGFILE '" + bad +
                       "': No such file or directory (TLS secrets are not logged)\n");
    EXPECT_EQ(SSL_CTX_get_keylog_callback(a->get()), nullptr);
    serveTo(a, rawClient());
}

}  // namespace
}  // namespace rtmtap
