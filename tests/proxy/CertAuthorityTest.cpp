// rtmtap's CA (proxy/CertAuthority): the files it makes and their modes, what it refuses to load
// (each with one line that says what to do), and the leaf certificates it signs.
#include "proxy/CertAuthority.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"

#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <fstream>
#include <gtest/gtest.h>
#include <sstream>
#include <sys/stat.h>
#include <unistd.h>

namespace rtmtap {
namespace {

using test::TempDir;
using test::modeOf;
using test::slurp;
using test::spit;

// The CaError load(dir) throws, "" when it loads.
std::string loadError(const std::string& dir) {
    try {
        CertAuthority::load(dir);
    } catch (const CaError& e) {
        return e.what();
    }
    return "";
}

bool isOneLine(const std::string& text) {
    return !text.empty() && text.find('\n') == std::string::npos;
}

// The DNS names and IP addresses (as text) of cert's subjectAltName.
std::vector<std::string> altNames(X509* cert) {
    std::vector<std::string> out;
    auto* names = static_cast<GENERAL_NAMES*>(X509_get_ext_d2i(cert, NID_subject_alt_name, nullptr, nullptr));
    for (int i = 0; names && i < sk_GENERAL_NAME_num(names); ++i) {
        const GENERAL_NAME* n = sk_GENERAL_NAME_value(names, i);
        if (n->type == GEN_DNS) {
            out.push_back("DNS:" + std::string(reinterpret_cast<const char*>(ASN1_STRING_get0_data(n->d.dNSName)),
                                               ASN1_STRING_length(n->d.dNSName)));
        } else if (n->type == GEN_IPADD) {
            char text[INET6_ADDRSTRLEN] = {};
            const int len = ASN1_STRING_length(n->d.iPAddress);
            inet_ntop(len == 4 ? AF_INET : AF_INET6, ASN1_STRING_get0_data(n->d.iPAddress), text, sizeof text);
            out.push_back(std::string("IP:") + text);
        }
    }
    GENERAL_NAMES_free(names);
    return out;
}

std::string commonName(X509* cert) {
    char buf[256] = {};
    X509_NAME_get_text_by_NID(X509_get_subject_name(cert), NID_commonName, buf, sizeof buf);
    return buf;
}

// X509_verify_cert's verdict on leaf with a store that holds only the CA, for purpose serverAuth.
std::string verifyAgainst(X509* leaf, X509* ca) {
    X509_STORE* store = X509_STORE_new();
    X509_STORE_add_cert(store, ca);
    X509_STORE_CTX* ctx = X509_STORE_CTX_new();
    X509_STORE_CTX_init(ctx, store, leaf, nullptr);
    X509_STORE_CTX_set_purpose(ctx, X509_PURPOSE_SSL_SERVER);
    const int ok = X509_verify_cert(ctx);
    std::string verdict = ok == 1 ? "ok" : X509_verify_cert_error_string(X509_STORE_CTX_get_error(ctx));
    X509_STORE_CTX_free(ctx);
    X509_STORE_free(store);
    return verdict;
}

class CertAuthorityTest : public ::testing::Test {
protected:
    TempDir tmp_;
    std::string dir_ = tmp_.file("ca");
};

TEST_F(CertAuthorityTest, CreateMakesTheFolderAndFilesWithTheirModes) {
    auto ca = CertAuthority::create(dir_);
    EXPECT_EQ(ca->dir(), dir_);
    EXPECT_EQ(modeOf(dir_), 0700u);
    EXPECT_EQ(modeOf(dir_ + "/rtmtap-ca-key.pem"), 0600u);
    EXPECT_EQ(modeOf(dir_ + "/rtmtap-ca.pem") & 0600u, 0600u);
    EXPECT_EQ(ca->certPath(), dir_ + "/rtmtap-ca.pem");
    EXPECT_EQ(slurp(ca->certPath()), ca->certPem());
    EXPECT_NE(slurp(dir_ + "/rtmtap-ca-key.pem").find("-----BEGIN PRIVATE KEY-----"), std::string::npos);
    EXPECT_EQ(ca->certPem().find("PRIVATE"), std::string::npos);
}

TEST_F(CertAuthorityTest, TheCaCertificateIsAnRsaCaForSigningOnly) {
    auto ca = CertAuthority::create(dir_);
    X509* cert = ca->cert();
    EXPECT_EQ(X509_check_ca(cert), 1);
    EXPECT_EQ(EVP_PKEY_get_base_id(X509_get0_pubkey(cert)), EVP_PKEY_RSA);
    EXPECT_EQ(EVP_PKEY_get_bits(X509_get0_pubkey(cert)), 2048);
    for (int nid : {NID_basic_constraints, NID_key_usage}) {
        const X509_EXTENSION* ext = X509_get_ext(cert, X509_get_ext_by_NID(cert, nid, -1));
        ASSERT_NE(ext, nullptr) << OBJ_nid2sn(nid);
        EXPECT_EQ(X509_EXTENSION_get_critical(ext), 1) << OBJ_nid2sn(nid);
    }
    EXPECT_EQ(X509_get_key_usage(cert), static_cast<uint32_t>(KU_KEY_CERT_SIGN | KU_CRL_SIGN));
    EXPECT_EQ(X509_get_pathlen(cert), 0);
    EXPECT_NE(X509_get0_subject_key_id(cert), nullptr);
    EXPECT_EQ(commonName(cert).rfind("rtmtap CA (", 0), 0u) << commonName(cert);
    EXPECT_NE(ca->subject().find("O=rtmtap"), std::string::npos) << ca->subject();
    EXPECT_EQ(X509_verify(cert, X509_get0_pubkey(cert)), 1) << "not self-signed";
    EXPECT_EQ(X509_check_issued(cert, cert), X509_V_OK);
    // Valid from a day back, for ten years.
    int days = 0, secs = 0;
    ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert)), 1);
    EXPECT_GE(days, 3650);
    EXPECT_LE(days, 3653);
    EXPECT_LT(X509_cmp_current_time(X509_get0_notBefore(cert)), 0);
    const ASN1_INTEGER* serial = X509_get0_serialNumber(cert);
    EXPECT_EQ(ASN1_STRING_length(serial), 16);
}

TEST_F(CertAuthorityTest, LoadGivesBackTheSameCa) {
    auto made = CertAuthority::create(dir_);
    auto loaded = CertAuthority::load(dir_);
    EXPECT_EQ(loaded->fingerprintSha256(), made->fingerprintSha256());
    EXPECT_EQ(loaded->certDer(), made->certDer());
    EXPECT_EQ(loaded->subject(), made->subject());
    EXPECT_EQ(loaded->notAfter(), made->notAfter());
    EXPECT_EQ(made->fingerprintSha256().size(), 32u * 3 - 1);
    EXPECT_NE(made->notAfter().find(" UTC"), std::string::npos);
}

TEST_F(CertAuthorityTest, TwoCasAreDifferent) {
    TempDir other;
    EXPECT_NE(CertAuthority::create(dir_)->fingerprintSha256(), CertAuthority::create(other.path())->fingerprintSha256());
}

TEST_F(CertAuthorityTest, CreatingTwiceIsRefusedAndKeepsTheFirst) {
    auto first = CertAuthority::create(dir_);
    try {
        CertAuthority::create(dir_);
        FAIL() << "a second create() succeeded";
    } catch (const CaError& e) {
        EXPECT_EQ(std::string(e.what()), "a CA exists already in " + dir_ + " (rtmtap ca show)");
        EXPECT_FALSE(e.missing());
    }
    EXPECT_EQ(CertAuthority::load(dir_)->fingerprintSha256(), first->fingerprintSha256());
}

TEST_F(CertAuthorityTest, LoadOrCreateMakesOnceThenLoads) {
    bool created = false;
    auto first = CertAuthority::loadOrCreate(dir_, created);
    EXPECT_TRUE(created);
    auto second = CertAuthority::loadOrCreate(dir_, created);
    EXPECT_FALSE(created);
    EXPECT_EQ(second->fingerprintSha256(), first->fingerprintSha256());
}

TEST_F(CertAuthorityTest, AMissingCaIsMissing) {
    try {
        CertAuthority::load(dir_);
        FAIL() << "loaded a CA from nothing";
    } catch (const CaError& e) {
        EXPECT_TRUE(e.missing());
        EXPECT_EQ(std::string(e.what()), "no CA in " + dir_ + ": rtmtap ca init (or rtmtap proxy --mode regular makes one)");
    }
    ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0);
    try {
        CertAuthority::load(dir_);
        FAIL() << "loaded a CA from an empty folder";
    } catch (const CaError& e) {
        EXPECT_TRUE(e.missing());
    }
}

TEST_F(CertAuthorityTest, AHalfCaIsNotMissingAndNotOverwritten) {
    CertAuthority::create(dir_);
    ASSERT_EQ(::unlink((dir_ + "/rtmtap-ca-key.pem").c_str()), 0);
    bool created = false;
    try {
        CertAuthority::loadOrCreate(dir_, created);
        FAIL() << "a CA without its key was used or replaced";
    } catch (const CaError& e) {
        EXPECT_FALSE(e.missing());
        EXPECT_NE(std::string(e.what()).find("rtmtap-ca-key.pem is missing"), std::string::npos) << e.what();
    }
    EXPECT_FALSE(created);
}

TEST_F(CertAuthorityTest, AKeyOthersCanReadIsRefusedWithTheChmodToRun) {
    CertAuthority::create(dir_);
    const std::string key = dir_ + "/rtmtap-ca-key.pem";
    ASSERT_EQ(::chmod(key.c_str(), 0640), 0);
    const std::string why = loadError(dir_);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("can be read by others (mode 0640)"), std::string::npos) << why;
    EXPECT_NE(why.find("chmod 600 " + key), std::string::npos) << why;
    ASSERT_EQ(::chmod(key.c_str(), 0600), 0);
    EXPECT_EQ(loadError(dir_), "");
}

TEST_F(CertAuthorityTest, AFolderOthersCanWriteIsRefusedWithTheChmodToRun) {
    CertAuthority::create(dir_);
    ASSERT_EQ(::chmod(dir_.c_str(), 0777), 0);
    const std::string why = loadError(dir_);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("can be written by others (mode 0777): run chmod 700 " + dir_), std::string::npos) << why;
    try {
        CertAuthority::create(dir_);
        FAIL() << "created into a world-writable folder";
    } catch (const CaError& e) {
        EXPECT_NE(std::string(e.what()).find("chmod 700"), std::string::npos) << e.what();
    }
}

TEST_F(CertAuthorityTest, AFolderThatIsAFileIsRefused) {
    spit(dir_, "not a folder");
    const std::string why = loadError(dir_);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("is not a folder"), std::string::npos) << why;
}

TEST_F(CertAuthorityTest, GarbagePemIsRefused) {
    CertAuthority::create(dir_);
    spit(dir_ + "/rtmtap-ca.pem", "-----BEGIN CERTIFICATE-----\nnot base64 at all!\n-----END CERTIFICATE-----\n");
    std::string why = loadError(dir_);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("is not a PEM certificate"), std::string::npos) << why;

    TempDir other;
    const std::string dir2 = other.file("ca");
    CertAuthority::create(dir2);
    spit(dir2 + "/rtmtap-ca-key.pem", std::string("\x00\xff garbage", 10));
    why = loadError(dir2);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("is not an unencrypted PEM private key"), std::string::npos) << why;
}

TEST_F(CertAuthorityTest, AKeyOfAnotherCaIsRefused) {
    CertAuthority::create(dir_);
    TempDir other;
    const std::string dir2 = other.file("ca");
    CertAuthority::create(dir2);
    spit(dir_ + "/rtmtap-ca-key.pem", slurp(dir2 + "/rtmtap-ca-key.pem"));
    const std::string why = loadError(dir_);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("does not belong to the certificate"), std::string::npos) << why;
}

TEST_F(CertAuthorityTest, ACertificateThatIsNoCaIsRefused) {
    CertAuthority::create(dir_);
    spit(dir_ + "/rtmtap-ca.pem", slurp(std::string(RTMTAP_TEST_DATA) + "/server.pem"));
    spit(dir_ + "/rtmtap-ca-key.pem", slurp(std::string(RTMTAP_TEST_DATA) + "/server.key"));
    const std::string why = loadError(dir_);
    EXPECT_NE(why.find("is not a CA certificate"), std::string::npos) << why;
}

TEST_F(CertAuthorityTest, AnExpiredCaIsRefused) {
    // An expired self-signed CA, made here with its key (the same calls as the CA's own, dated back).
    ASSERT_EQ(::mkdir(dir_.c_str(), 0700), 0);
    EVP_PKEY* key = EVP_RSA_gen(2048);
    X509* cert = X509_new();
    X509_set_version(cert, 2);
    ASN1_INTEGER_set(X509_get_serialNumber(cert), 7);
    X509_gmtime_adj(X509_getm_notBefore(cert), -3 * 86400);
    X509_gmtime_adj(X509_getm_notAfter(cert), -86400);
    X509_NAME_add_entry_by_txt(X509_get_subject_name(cert), "CN", MBSTRING_UTF8,
                               reinterpret_cast<const unsigned char*>("old"), -1, -1, 0);
    X509_set_issuer_name(cert, X509_get_subject_name(cert));
    X509_set_pubkey(cert, key);
    X509V3_CTX v3;
    X509V3_set_ctx_nodb(&v3);
    X509V3_set_ctx(&v3, cert, cert, nullptr, nullptr, 0);
    X509_EXTENSION* bc = X509V3_EXT_conf_nid(nullptr, &v3, NID_basic_constraints, "critical,CA:TRUE");
    X509_add_ext(cert, bc, -1);
    X509_EXTENSION_free(bc);
    ASSERT_GT(X509_sign(cert, key, EVP_sha256()), 0);
    FILE* c = fopen((dir_ + "/rtmtap-ca.pem").c_str(), "w");
    PEM_write_X509(c, cert);
    fclose(c);
    FILE* k = fopen((dir_ + "/rtmtap-ca-key.pem").c_str(), "w");
    PEM_write_PrivateKey(k, key, nullptr, nullptr, 0, nullptr, nullptr);
    fclose(k);
    ::chmod((dir_ + "/rtmtap-ca-key.pem").c_str(), 0600);
    X509_free(cert);
    EVP_PKEY_free(key);
    const std::string why = loadError(dir_);
    EXPECT_TRUE(isOneLine(why)) << why;
    EXPECT_NE(why.find("expired on"), std::string::npos) << why;
}

TEST_F(CertAuthorityTest, DefaultDirFollowsXdgDataHomeElseHome) {
    const char* oldXdg = std::getenv("XDG_DATA_HOME");
    const std::string savedXdg = oldXdg ? oldXdg : "";
    ::setenv("XDG_DATA_HOME", "/x/data", 1);
    EXPECT_EQ(CertAuthority::defaultDir(), "/x/data/rtmtap");
    ::setenv("XDG_DATA_HOME", "relative/ignored", 1);
    EXPECT_EQ(CertAuthority::defaultDir(), std::string(std::getenv("HOME")) + "/.local/share/rtmtap");
    ::unsetenv("XDG_DATA_HOME");
    EXPECT_EQ(CertAuthority::defaultDir(), std::string(std::getenv("HOME")) + "/.local/share/rtmtap");
    if (oldXdg) {
        ::setenv("XDG_DATA_HOME", savedXdg.c_str(), 1);
    }
}

class LeafTest : public CertAuthorityTest {
protected:
    std::shared_ptr<CertAuthority> ca_ = CertAuthority::create(dir_);
};

TEST_F(LeafTest, ALeafCarriesItsHostNameAndChainsToTheCa) {
    auto leaf = ca_->leafFor("rtm.example.test");
    EXPECT_EQ(altNames(leaf->cert()), std::vector<std::string>{"DNS:rtm.example.test"});
    EXPECT_EQ(commonName(leaf->cert()), "rtm.example.test");
    EXPECT_EQ(verifyAgainst(leaf->cert(), ca_->cert()), "ok");
    EXPECT_EQ(X509_check_host(leaf->cert(), "rtm.example.test", 0, 0, nullptr), 1);
    EXPECT_EQ(X509_check_host(leaf->cert(), "other.example.test", 0, 0, nullptr), 0);
    EXPECT_EQ(X509_check_private_key(leaf->cert(), leaf->key()), 1);
}

TEST_F(LeafTest, ALeafIsAServerCertificateThatIsNoCa) {
    X509* cert = ca_->leafFor("rtm.example.test")->cert();
    EXPECT_EQ(X509_check_ca(cert), 0);
    EXPECT_NE(X509_get_extension_flags(cert) & EXFLAG_BCONS, 0u) << "no basicConstraints";
    EXPECT_EQ(X509_get_extended_key_usage(cert), static_cast<uint32_t>(XKU_SSL_SERVER));
    EXPECT_EQ(X509_get_key_usage(cert), static_cast<uint32_t>(KU_DIGITAL_SIGNATURE | KU_KEY_ENCIPHERMENT));
    EXPECT_EQ(X509_check_purpose(cert, X509_PURPOSE_SSL_SERVER, 0), 1);
    ASSERT_NE(X509_get0_authority_key_id(cert), nullptr);
    EXPECT_EQ(ASN1_OCTET_STRING_cmp(X509_get0_authority_key_id(cert), X509_get0_subject_key_id(ca_->cert())), 0);
    EXPECT_NE(X509_get0_subject_key_id(cert), nullptr);
    EXPECT_EQ(X509_get_signature_nid(cert), NID_sha256WithRSAEncryption);
    int days = 0, secs = 0;
    ASSERT_EQ(ASN1_TIME_diff(&days, &secs, X509_get0_notBefore(cert), X509_get0_notAfter(cert)), 1);
    EXPECT_LE(days, 398) << "Apple refuses longer server certificates";
    EXPECT_GE(days, 397);
}

TEST_F(LeafTest, IpAddressesGetIpNames) {
    auto v4 = ca_->leafFor("127.0.0.1");
    EXPECT_EQ(altNames(v4->cert()), std::vector<std::string>{"IP:127.0.0.1"});
    EXPECT_EQ(X509_check_ip_asc(v4->cert(), "127.0.0.1", 0), 1);
    auto v6 = ca_->leafFor("::1");
    EXPECT_EQ(altNames(v6->cert()), std::vector<std::string>{"IP:::1"});
    EXPECT_EQ(ca_->leafFor("[::1]"), v6) << "brackets are not part of the address";
    EXPECT_EQ(verifyAgainst(v6->cert(), ca_->cert()), "ok");
}

TEST_F(LeafTest, LeavesAreCachedPerHostAndShareOneKey) {
    auto a = ca_->leafFor("a.example.test");
    EXPECT_EQ(ca_->leafFor("a.example.test"), a);
    EXPECT_EQ(ca_->leafFor("A.Example.TEST"), a) << "host names are not case-sensitive";
    auto b = ca_->leafFor("b.example.test");
    EXPECT_NE(b, a);
    EXPECT_NE(X509_cmp(a->cert(), b->cert()), 0);
    EXPECT_EQ(EVP_PKEY_eq(a->key(), b->key()), 1);
    EXPECT_NE(ASN1_INTEGER_cmp(X509_get0_serialNumber(a->cert()), X509_get0_serialNumber(b->cert())), 0);
}

TEST_F(LeafTest, TheCacheIsBoundedAndDropsTheOldestFirst) {
    auto first = ca_->leafFor("h0.example.test");
    auto second = ca_->leafFor("h1.example.test");
    for (size_t i = 2; i <= CertAuthority::kMaxLeaves; ++i) {
        ca_->leafFor("h" + std::to_string(i) + ".example.test");
    }
    // kMaxLeaves + 1 hosts asked for: the first was dropped, the second is still there.
    EXPECT_EQ(ca_->leafFor("h1.example.test"), second);
    auto again = ca_->leafFor("h0.example.test");
    EXPECT_NE(again, first);
    EXPECT_EQ(altNames(first->cert()), std::vector<std::string>{"DNS:h0.example.test"}) << "still usable when dropped";
}

TEST_F(LeafTest, ALeafNeverOutlivesItsCa) {
    // A CA that ends in 30 days: its leaves end with it, not 397 days on.
    auto leaf = ca_->leafFor("rtm.example.test");
    ASSERT_NE(X509_gmtime_adj(X509_getm_notAfter(ca_->cert()), 30 * 86400), nullptr);
    auto later = ca_->leafFor("later.example.test");
    EXPECT_EQ(ASN1_TIME_compare(X509_get0_notAfter(later->cert()), X509_get0_notAfter(ca_->cert())), 0);
    EXPECT_GT(ASN1_TIME_compare(X509_get0_notAfter(leaf->cert()), X509_get0_notAfter(later->cert())), 0);
}

TEST_F(LeafTest, BadHostsAreRefusedInOneLine) {
    for (const std::string& host : {std::string(""), std::string("a b"), std::string("evil,DNS:bank.test"),
                                   std::string("x\ny"), std::string("*.example.test"), std::string("a/b"),
                                   std::string(300, 'a'), std::string("\xff\xfe")}) {
        try {
            ca_->leafFor(host);
            ADD_FAILURE() << "made a certificate for '" << host << "'";
        } catch (const std::invalid_argument& e) {
            EXPECT_TRUE(isOneLine(e.what())) << e.what();
            EXPECT_NE(std::string(e.what()).find("not a host name"), std::string::npos) << e.what();
        }
    }
}

}  // namespace
}  // namespace rtmtap
