// TLS interception (TlsContext::intercepting over TlsTransport): real loopback handshakes with a
// client whose only trust anchor is rtmtap's CA. The leaf is made for the SNI name (or the
// fallback name), verifies against that name, and ALPN never agrees on anything but http/1.1.
#include "proxy/CertAuthority.h"
#include "proxy/TlsContext.h"
#include "proxy/TlsTransport.h"
#include "tests/support/TempDir.h"
#include "tests/support/TlsPeers.h"

#include <openssl/ssl.h>

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using test::OneShotServer;
using test::RawTlsOptions;
using test::TempDir;
using test::TlsPeerResult;

class InterceptTlsTest : public ::testing::Test {
protected:
    // One handshake: rtmtap's intercepting server side against a raw client with options.
    void handshake(const RawTlsOptions& options, const std::string& fallbackName = "") {
        OneShotServer server([&](Poco::Net::StreamSocket s) { return test::transportAccept(std::move(s), context_, fallbackName); });
        client_ = test::rawTlsConnect(server.port(), options);
        server_ = server.result();
    }
    RawTlsOptions trusting(const std::string& sni, const std::string& name) const {
        RawTlsOptions o;
        o.caFile = ca_->certPath();
        o.sni = sni;
        o.verifyName = name;
        return o;
    }

    TempDir tmp_;
    std::shared_ptr<CertAuthority> ca_ = CertAuthority::create(tmp_.file("ca"));
    std::shared_ptr<TlsContext> context_ = TlsContext::intercepting(ca_);
    TlsPeerResult client_, server_;
};

TEST_F(InterceptTlsTest, AClientTrustingTheCaVerifiesTheLeafMadeForItsSni) {
    handshake(trusting("rtm.example.test", "rtm.example.test"));
    ASSERT_TRUE(client_.ok) << client_.error;
    ASSERT_TRUE(server_.ok) << server_.error;
    EXPECT_EQ(server_.serverName, "rtm.example.test");
    EXPECT_EQ(client_.peerChain, 2) << "the leaf and the CA";
    EXPECT_EQ(client_.version, "TLSv1.3");
}

TEST_F(InterceptTlsTest, Tls12WorksToo) {
    RawTlsOptions o = trusting("rtm.example.test", "rtm.example.test");
    o.maxVersion = TLS1_2_VERSION;
    handshake(o);
    ASSERT_TRUE(client_.ok) << client_.error;
    ASSERT_TRUE(server_.ok) << server_.error;
    EXPECT_EQ(client_.version, "TLSv1.2");
}

TEST_F(InterceptTlsTest, TheLeafIsForTheNameAskedForNotAnother) {
    handshake(trusting("rtm.example.test", "api.example.test"));
    EXPECT_FALSE(client_.ok);
    EXPECT_NE(client_.error.find("hostname mismatch"), std::string::npos) << client_.error;
    EXPECT_FALSE(server_.ok);
}

TEST_F(InterceptTlsTest, WithoutSniTheFallbackNameIsUsed) {
    handshake(trusting("", "127.0.0.1"), "127.0.0.1");
    ASSERT_TRUE(client_.ok) << client_.error;
    ASSERT_TRUE(server_.ok) << server_.error;
    EXPECT_EQ(server_.serverName, "");

    handshake(trusting("", "::1"), "[::1]");
    EXPECT_TRUE(client_.ok) << client_.error;
    EXPECT_TRUE(server_.ok) << server_.error;

    handshake(trusting("", "rtm.example.test"), "rtm.example.test");
    EXPECT_TRUE(client_.ok) << client_.error;
}

TEST_F(InterceptTlsTest, SniWinsOverTheFallbackName) {
    handshake(trusting("rtm.example.test", "rtm.example.test"), "127.0.0.1");
    EXPECT_TRUE(client_.ok) << client_.error;
    EXPECT_EQ(server_.serverName, "rtm.example.test");
}

TEST_F(InterceptTlsTest, NeitherSniNorFallbackFailsWithAClearError) {
    handshake(trusting("", "127.0.0.1"));
    EXPECT_FALSE(client_.ok);
    EXPECT_NE(client_.error.find("unrecognized name"), std::string::npos) << client_.error;
    EXPECT_FALSE(server_.ok);
    EXPECT_NE(server_.error.find("sent no server name (SNI)"), std::string::npos) << server_.error;
}

TEST_F(InterceptTlsTest, ASniThatIsNoHostNameFailsWithAClearError) {
    handshake(trusting("bad_name!", "bad_name!"));
    EXPECT_FALSE(client_.ok);
    EXPECT_FALSE(server_.ok);
    EXPECT_NE(server_.error.find("not a host name"), std::string::npos) << server_.error;
}

TEST_F(InterceptTlsTest, AClientTrustingAnotherCaFailsAndTheServerNamesItsAlert) {
    RawTlsOptions o = trusting("rtm.example.test", "rtm.example.test");
    o.caFile = std::string(RTMTAP_TEST_DATA) + "/other-ca.pem";
    handshake(o);
    EXPECT_FALSE(client_.ok);
    EXPECT_NE(client_.error.find("self-signed certificate in certificate chain"), std::string::npos) << client_.error;
    ASSERT_FALSE(server_.ok);
    EXPECT_NE(server_.error.find("alert unknown ca"), std::string::npos) << server_.error;
    EXPECT_NE(server_.error.find("rtmtap ca show"), std::string::npos) << server_.error;
    EXPECT_EQ(server_.error.find('\n'), std::string::npos) << server_.error;
}

TEST_F(InterceptTlsTest, TheSameForTls12) {
    RawTlsOptions o = trusting("rtm.example.test", "rtm.example.test");
    o.caFile = std::string(RTMTAP_TEST_DATA) + "/other-ca.pem";
    o.maxVersion = TLS1_2_VERSION;
    handshake(o);
    EXPECT_FALSE(client_.ok);
    ASSERT_FALSE(server_.ok);
    EXPECT_NE(server_.error.find("alert unknown ca"), std::string::npos) << server_.error;
}

TEST_F(InterceptTlsTest, RtmtapsOwnUpstreamClientTrustingTheCaConnects) {
    OneShotServer server([&](Poco::Net::StreamSocket s) { return test::transportAccept(std::move(s), context_); });
    Poco::Net::StreamSocket socket(Poco::Net::SocketAddress("127.0.0.1", server.port()));
    TlsTransport client(socket, TlsContext::client(ca_->certPath(), false));
    client.setBlocking(true, 10000);
    EXPECT_TRUE(client.connect("rtm.example.test")) << client.error();
    client.shutdownWrite();
    const TlsPeerResult s = server.result();
    EXPECT_TRUE(s.ok) << s.error;
    EXPECT_EQ(s.serverName, "rtm.example.test");
}

TEST_F(InterceptTlsTest, AlpnAgreesOnHttp11WhenOffered) {
    RawTlsOptions o = trusting("rtm.example.test", "rtm.example.test");
    o.alpn = {"h2", "http/1.1"};
    handshake(o);
    ASSERT_TRUE(client_.ok) << client_.error;
    EXPECT_EQ(client_.alpn, "http/1.1");
    EXPECT_EQ(server_.alpn, "http/1.1");
}

TEST_F(InterceptTlsTest, AnH2OnlyClientGetsNoAlpnAndStillConnects) {
    RawTlsOptions o = trusting("rtm.example.test", "rtm.example.test");
    o.alpn = {"h2"};
    handshake(o);
    ASSERT_TRUE(client_.ok) << client_.error;
    ASSERT_TRUE(server_.ok) << server_.error;
    EXPECT_EQ(client_.alpn, "");
    EXPECT_EQ(server_.alpn, "");
}

TEST_F(InterceptTlsTest, NoAlpnOfferedNoneAgreed) {
    handshake(trusting("rtm.example.test", "rtm.example.test"));
    ASSERT_TRUE(server_.ok) << server_.error;
    EXPECT_EQ(server_.alpn, "");
}

TEST_F(InterceptTlsTest, ManyHostsOneContext) {
    for (const char* host : {"a.example.test", "b.example.test", "a.example.test"}) {
        handshake(trusting(host, host));
        EXPECT_TRUE(client_.ok) << host << ": " << client_.error;
        EXPECT_EQ(server_.serverName, host);
    }
}

TEST_F(InterceptTlsTest, TheContextKeepsItsCaAlive) {
    std::weak_ptr<CertAuthority> weak = ca_;
    ca_.reset();
    ASSERT_FALSE(weak.expired());
    RawTlsOptions o;
    o.caFile = weak.lock()->certPath();
    o.sni = o.verifyName = "rtm.example.test";
    handshake(o);
    EXPECT_TRUE(client_.ok) << client_.error;
    context_.reset();
    EXPECT_TRUE(weak.expired());
}

}  // namespace
}  // namespace rtmtap
