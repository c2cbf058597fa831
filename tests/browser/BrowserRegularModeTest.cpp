// A real browser configured with `rtmtap proxy --mode regular` as its HTTP proxy: Debian's
// chromium loads a page from an https://localhost origin (FakeAirSendApi, which also answers
// rtm.connect there), calls the API and opens the wss:// endpoint the answer names (EchoUpstream).
// The proxy terminates every TLS connection with a leaf of its own CA. Chromium is made to trust
// those leaves, and nothing else, with --ignore-certificate-errors-spki-list: all leaves of one
// proxy share one key, so one hash of it covers every host. Chromium sends localhost to no proxy
// unless --proxy-bypass-list=<-loopback> removes that implicit rule.
#include "proxy/CertAuthority.h"
#include "proxy/LeafCert.h"
#include "proxy/TlsContext.h"
#include "tests/support/BrowserPage.h"
#include "tests/support/EchoUpstream.h"
#include "tests/support/FakeAirSendApi.h"
#include "tests/support/ProxyHarness.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/sha.h>
#include <openssl/x509.h>

#include <set>
#include <sstream>

namespace rtmtap::test {
namespace {

const std::string kBrowserDir = RTMTAP_BROWSER_DIR;
const std::string kData = RTMTAP_TEST_DATA;

// What --ignore-certificate-errors-spki-list takes: base64 of the SHA-256 of the certificate's
// DER SubjectPublicKeyInfo.
std::string spkiSha256(X509* cert) {
    unsigned char* der = nullptr;
    const int size = i2d_X509_PUBKEY(X509_get_X509_PUBKEY(cert), &der);
    if (size <= 0) {
        return "";
    }
    unsigned char digest[SHA256_DIGEST_LENGTH];
    SHA256(der, static_cast<size_t>(size), digest);
    OPENSSL_free(der);
    unsigned char base64[4 * ((SHA256_DIGEST_LENGTH + 2) / 3) + 1];
    EVP_EncodeBlock(base64, digest, SHA256_DIGEST_LENGTH);
    return reinterpret_cast<const char*>(base64);
}

std::string shown(const Poco::JSON::Object::Ptr& object) {
    std::ostringstream out;
    object->stringify(out, 1);
    return out.str();
}

class BrowserRegularMode : public BrowserTest {
protected:
    BrowserRegularMode() : BrowserTest(kBrowserDir) {}

    static EchoUpstream::Options echoOptions() {
        EchoUpstream::Options o;
        o.tlsCert = kData + "/server.pem";
        o.tlsKey = kData + "/server.key";
        return o;
    }

    FakeAirSendApi::Options apiOptions() const {
        FakeAirSendApi::Options o;
        o.tlsCert = kData + "/server.pem";
        o.tlsKey = kData + "/server.key";
        o.pagesDir = kBrowserDir;
        o.wsEndpoint = echo.url("/rtm", "localhost");
        return o;
    }

    // Only localhost is intercepted: whatever else chromium reaches for is tunnelled unrecorded.
    // The upstreams' certificates (tests/data/server.pem) are checked against the test CA.
    std::function<void(ProxyConfig&)> regular() {
        return [this](ProxyConfig& c) {
            c.mode = ProxyMode::Regular;
            c.intercept = {"localhost"};
            c.interceptTls = TlsContext::intercepting(ca);
            c.caFile = kData + "/ca.pem";
        };
    }

    // The page from its https origin, through the proxy; trustLeaves adds the leaf key's hash.
    PageRun openThroughProxy(bool trustLeaves, const std::string& shot) {
        PageLaunch launch;
        // The bearer in the fragment, which no Referer carries.
        launch.url = origin() + "/regular.html?timeout=20000#bearer=" + options.bearer;
        launch.chromiumArgs = {"--proxy-server=http://127.0.0.1:" + std::to_string(h.port()),
                               "--proxy-bypass-list=<-loopback>"};
        if (trustLeaves) {
            launch.chromiumArgs.push_back("--ignore-certificate-errors-spki-list=" +
                                          spkiSha256(ca->leafFor("localhost")->cert()));
        }
        launch.shot = shot;
        return openUrl(kBrowserDir, launch);
    }

    std::string origin() const { return "https://localhost:" + std::to_string(api.port()); }

    EchoUpstream echo{echoOptions()};
    FakeAirSendApi::Options options = apiOptions();
    FakeAirSendApi api{options};
    TempDir caDir;
    std::shared_ptr<CertAuthority> ca = CertAuthority::create(caDir.file("ca"));
    ProxyHarness h{"", regular()};
};

TEST_F(BrowserRegularMode, ThePageCallsTheApiAndOpensWssThroughTheProxyOverHttp11) {
    const std::string shot = screenshotPath("RTMTAP_BROWSER_REGULAR_SCREENSHOT", RTMTAP_BROWSER_REGULAR_SCREENSHOT);
    const PageRun run = openThroughProxy(true, shot);
    const Poco::JSON::Object::Ptr& result = run.result;
    ASSERT_NE(result, nullptr) << run.ran.describe() << "\nstdout: " << run.out << "\nstderr: " << run.err;
    ASSERT_TRUE(result->getValue<bool>("ok")) << result->getValue<std::string>("error") << "\n" << shown(result);
    EXPECT_TRUE(run.ran.exited && run.ran.code == 0) << run.ran.describe();
    EXPECT_EQ(jsonStrings(result->getArray("consoleErrors")), std::vector<std::string>{});
    EXPECT_TRUE(isPng(shot)) << shot;

    // What the page saw: its own origin, the API's answer, the echo, and HTTP/1.1 everywhere
    // (the proxy offers only http/1.1 in ALPN; chromium would take h2 if it were offered).
    EXPECT_EQ(result->getValue<std::string>("page"), origin());
    const std::string wss = echo.url("/rtm", "localhost");
    EXPECT_EQ(wss.rfind("wss://localhost:", 0), 0u) << wss;
    EXPECT_EQ(result->getObject("connect")->getValue<int>("status"), 200);
    EXPECT_EQ(result->getObject("connect")->getValue<std::string>("wsEndpoint"), wss);
    auto ws = result->getObject("ws");
    const std::string sent = ws->getValue<std::string>("sent");
    EXPECT_EQ(sent, R"({"command":"ws_auth","data":{"token":")" + options.wsToken + R"("}})");
    EXPECT_EQ(ws->getValue<std::string>("echo"), sent);
    EXPECT_EQ(ws->getValue<int>("closeCode"), 1000);
    std::set<std::string> urls;
    auto protocols = result->getArray("protocols");
    for (unsigned i = 0; protocols && i < protocols->size(); ++i) {
        auto entry = protocols->getObject(i);
        urls.insert(entry->getValue<std::string>("url"));
        EXPECT_EQ(entry->getValue<std::string>("protocol"), "http/1.1") << entry->getValue<std::string>("url");
    }
    EXPECT_EQ(urls, (std::set<std::string>{"/regular.html", "/page-run.js", "/api/v1/rtm.connect"}));

    // The origin got the page, its script and the call, the bearer whole.
    std::multiset<std::string> atOrigin;
    for (const ApiRequest& r : api.requests()) {
        atOrigin.insert(r.uri.substr(0, r.uri.find('?')));
        if (r.uri == "/api/v1/rtm.connect") {
            EXPECT_EQ(r.authorization, "Bearer " + options.bearer);
        }
    }
    EXPECT_EQ(atOrigin, (std::multiset<std::string>{"/regular.html", "/page-run.js", "/api/v1/rtm.connect"}));
    EXPECT_EQ(echo.connections(), 1u);

    // What the proxy recorded: the WebSocket session to the wss:// upstream and the API call.
    ASSERT_TRUE(h.waitForEnds(1));
    h.stop();
    auto sessions = h.sessions();
    ASSERT_EQ(sessions.size(), 1u) << "no failed TLS handshake, only the WebSocket";
    const SessionRecord& s = sessions[0];
    EXPECT_EQ(s.upstream, wss);
    EXPECT_EQ(s.path, "/rtm");
    EXPECT_EQ(s.http_status.value_or(0), 101);
    EXPECT_EQ(s.error, "");
    EXPECT_NE(s.headers.find("\"Origin\":\"" + origin() + "\""), std::string::npos) << s.headers;
    EXPECT_NE(s.headers.find("Chrome/"), std::string::npos) << "chromium's upgrade: " << s.headers;
    EXPECT_EQ(s.close_code.value_or(0), 1000);
    EXPECT_EQ(s.closed_by, "client");
    std::vector<std::string> texts;
    for (const FrameRecord& f : h.frames(s.id)) {
        if (f.op == 1) {
            texts.push_back((f.dir == 0 ? "c2s " : "s2c ") + f.name + " " + f.payload);
        }
    }
    EXPECT_EQ(texts, (std::vector<std::string>{"c2s ws_auth " + sent, "s2c ws_auth " + sent}));

    EXPECT_EQ(h.queryInt("SELECT count(*) FROM api_calls"), 1) << "the page and its script are no API calls";
    EXPECT_EQ(h.queryInt("SELECT count(*) FROM api_calls WHERE method = 'GET' AND path = '/api/v1/rtm.connect' "
                         "AND status = 200 AND upstream = '" + origin() + "' AND ws_endpoint = '" + wss + "'"),
              1)
        << h.queryText("SELECT method || ' ' || path || ' ' || status || ' ' || upstream || ' ' || "
                       "coalesce(ws_endpoint, '') FROM api_calls");
    const std::string headers = h.queryText("SELECT request_headers FROM api_calls");
    EXPECT_EQ(headers.find(options.bearer), std::string::npos) << headers;
    EXPECT_NE(headers.find("\"Authorization\":\"[redacted]\""), std::string::npos) << headers;
}

TEST_F(BrowserRegularMode, WithoutTheLeafKeyTrustedThePageDoesNotLoadAndTheRefusalIsRecorded) {
    const PageRun run = openThroughProxy(false, "");
    ASSERT_NE(run.result, nullptr) << run.ran.describe() << "\nstdout: " << run.out << "\nstderr: " << run.err;
    EXPECT_FALSE(run.result->getValue<bool>("ok"));
    const std::string error = run.result->getValue<std::string>("error");
    EXPECT_NE(error.find("net::ERR_CERT_AUTHORITY_INVALID"), std::string::npos) << error;
    EXPECT_TRUE(run.ran.exited && run.ran.code == 2) << run.ran.describe();

    // Chromium may open more than one connection (a preconnect, maybe closed before its TLS
    // began): each is a failed session, and the refusal names chromium's alert.
    ASSERT_TRUE(h.waitForEnds(1));
    h.stop();
    auto sessions = h.sessions();
    ASSERT_GE(sessions.size(), 1u);
    size_t alerts = 0;
    for (const SessionRecord& s : sessions) {
        EXPECT_EQ(s.error.rfind("TLS handshake with the client failed: ", 0), 0u) << s.error;
        alerts += s.error.find("alert certificate unknown") != std::string::npos ? 1 : 0;
        EXPECT_EQ(s.upstream, origin());
    }
    EXPECT_GE(alerts, 1u) << sessions[0].error;
    EXPECT_EQ(h.queryInt("SELECT count(*) FROM frames"), 0);
    EXPECT_EQ(h.queryInt("SELECT count(*) FROM api_calls"), 0);
    EXPECT_EQ(api.requests().size(), 0u) << "no request reached the origin";
}

}  // namespace
}  // namespace rtmtap::test
