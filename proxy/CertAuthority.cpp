#include "CertAuthority.h"

#include "CaFolder.h"
#include "HostName.h"
#include "TlsContext.h"

#include <Poco/Path.h>

#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rand.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <arpa/inet.h>
#include <cctype>
#include <cstdlib>
#include <ctime>
#include <pwd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rtmtap {
namespace {

constexpr int kRsaBits = 2048;        // every Android and iOS version accepts RSA 2048
constexpr long kCaDays = 3650;        // ten years
constexpr long kLeafDays = 397;       // Apple refuses server certificates valid for more than 398 days
constexpr long kBackdateSecs = 86400; // one day back, for clocks that lag behind ours
constexpr size_t kMaxCn = 64;         // ub-common-name (RFC 5280)

struct Free {
    void operator()(X509* p) const { X509_free(p); }
    void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
    void operator()(BIO* p) const { BIO_free(p); }
    void operator()(BIGNUM* p) const { BN_free(p); }
    void operator()(X509_EXTENSION* p) const { X509_EXTENSION_free(p); }
    void operator()(GENERAL_NAMES* p) const { GENERAL_NAMES_free(p); }
    void operator()(ASN1_TIME* p) const { ASN1_TIME_free(p); }
};
template <typename T>
using Owned = std::unique_ptr<T, Free>;

[[noreturn]] void fail(const std::string& what) {
    throw std::runtime_error(what + ": " + TlsContext::lastError());
}

std::string bioText(BIO* bio) {
    char* data = nullptr;
    long n = BIO_get_mem_data(bio, &data);
    return std::string(data, n > 0 ? static_cast<size_t>(n) : 0);
}

// Cuts text to at most max bytes without splitting a UTF-8 sequence.
std::string truncated(std::string text, size_t max) {
    if (text.size() <= max) {
        return text;
    }
    size_t end = max;
    while (end > 0 && (static_cast<unsigned char>(text[end]) & 0xC0) == 0x80) {
        --end;
    }
    return text.substr(0, end);
}

std::string userAtHost() {
    const passwd* pw = getpwuid(getuid());
    const char* env = std::getenv("USER");
    std::string user = pw && pw->pw_name ? pw->pw_name : (env && *env ? env : "user");
    char host[256] = {};
    if (gethostname(host, sizeof host - 1) != 0 || !*host) {
        return user + "@localhost";
    }
    return user + "@" + host;
}

std::string isoTime(const ASN1_TIME* t) {
    struct tm tm {};
    if (!t || ASN1_TIME_to_tm(t, &tm) != 1) {
        return "?";
    }
    char buf[32];
    strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S UTC", &tm);
    return buf;
}

// A random positive 128-bit serial (RFC 5280 wants it unpredictable, CAs use at least 64 bits).
void setRandomSerial(X509* cert) {
    unsigned char bytes[16];
    if (RAND_bytes(bytes, sizeof bytes) != 1) {
        fail("cannot make a random serial number");
    }
    bytes[0] &= 0x7F;  // positive in DER without a padding byte
    bytes[0] |= 0x40;  // and never zero
    Owned<BIGNUM> bn(BN_bin2bn(bytes, sizeof bytes, nullptr));
    if (!bn || !BN_to_ASN1_INTEGER(bn.get(), X509_get_serialNumber(cert))) {
        fail("cannot set a serial number");
    }
}

void addExtension(X509* cert, X509* issuer, int nid, const char* value) {
    X509V3_CTX ctx;
    X509V3_set_ctx_nodb(&ctx);
    X509V3_set_ctx(&ctx, issuer, cert, nullptr, nullptr, 0);
    Owned<X509_EXTENSION> ext(X509V3_EXT_conf_nid(nullptr, &ctx, nid, value));
    if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
        fail(std::string("cannot add the ") + OBJ_nid2sn(nid) + " extension");
    }
}

void addNameEntry(X509_NAME* name, const char* field, const std::string& value) {
    if (X509_NAME_add_entry_by_txt(name, field, MBSTRING_UTF8, reinterpret_cast<const unsigned char*>(value.c_str()),
                                   -1, -1, 0) != 1) {
        fail(std::string("cannot set the certificate's ") + field);
    }
}

Owned<EVP_PKEY> newRsaKey() {
    Owned<EVP_PKEY> key(EVP_RSA_gen(kRsaBits));
    if (!key) {
        fail("cannot make an RSA key");
    }
    return key;
}

// A certificate with serial, validity from a day back to now + days, subject CN (and O) and
// public key set; the caller adds extensions and signs it.
Owned<X509> newCert(EVP_PKEY* key, const std::string& cn, const char* org, long days) {
    Owned<X509> cert(X509_new());
    if (!cert || X509_set_version(cert.get(), 2) != 1) {
        fail("cannot make a certificate");
    }
    setRandomSerial(cert.get());
    if (!X509_gmtime_adj(X509_getm_notBefore(cert.get()), -kBackdateSecs) ||
        !X509_time_adj_ex(X509_getm_notAfter(cert.get()), days, 0, nullptr)) {
        fail("cannot set the certificate's validity");
    }
    X509_NAME* name = X509_get_subject_name(cert.get());
    addNameEntry(name, "CN", truncated(cn, kMaxCn));
    if (org) {
        addNameEntry(name, "O", org);
    }
    if (X509_set_pubkey(cert.get(), key) != 1) {
        fail("cannot set the certificate's key");
    }
    return cert;
}

Owned<X509> newCaCert(EVP_PKEY* key) {
    Owned<X509> cert = newCert(key, "rtmtap CA (" + userAtHost() + ")", "rtmtap", kCaDays);
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get())) != 1) {
        fail("cannot set the CA's issuer");
    }
    addExtension(cert.get(), cert.get(), NID_basic_constraints, "critical,CA:TRUE,pathlen:0");
    addExtension(cert.get(), cert.get(), NID_key_usage, "critical,keyCertSign,cRLSign");
    addExtension(cert.get(), cert.get(), NID_subject_key_identifier, "hash");
    if (X509_sign(cert.get(), key, EVP_sha256()) <= 0) {
        fail("cannot sign the CA certificate");
    }
    return cert;
}

std::string pemOf(X509* cert) {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_X509(bio.get(), cert) != 1) {
        fail("cannot write the certificate as PEM");
    }
    return bioText(bio.get());
}

std::string pemOf(EVP_PKEY* key) {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || PEM_write_bio_PrivateKey(bio.get(), key, nullptr, nullptr, 0, nullptr, nullptr) != 1) {
        fail("cannot write the key as PEM");
    }
    return bioText(bio.get());
}

// Never asks on the terminal for a pass phrase (OpenSSL's default for an encrypted key).
int noPassword(char*, int, int, void*) {
    return -1;
}

Owned<X509> parseCert(const std::string& pem, const std::string& path) {
    Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Owned<X509> cert(bio ? PEM_read_bio_X509(bio.get(), nullptr, noPassword, nullptr) : nullptr);
    if (!cert) {
        throw CaError("the CA certificate " + path + " is not a PEM certificate (" + TlsContext::lastError() +
                      "): move the folder away and run rtmtap ca init");
    }
    return cert;
}

Owned<EVP_PKEY> parseKey(const std::string& pem, const std::string& path) {
    Owned<BIO> bio(BIO_new_mem_buf(pem.data(), static_cast<int>(pem.size())));
    Owned<EVP_PKEY> key(bio ? PEM_read_bio_PrivateKey(bio.get(), nullptr, noPassword, nullptr) : nullptr);
    if (!key) {
        throw CaError("the CA key " + path + " is not an unencrypted PEM private key (" + TlsContext::lastError() +
                      "): move the folder away and run rtmtap ca init");
    }
    return key;
}

void checkUsable(X509* cert, EVP_PKEY* key, const std::string& certPath, const std::string& keyPath) {
    if (X509_check_private_key(cert, key) != 1) {
        TlsContext::lastError();  // clears the queue
        throw CaError("the CA key " + keyPath + " does not belong to the certificate " + certPath +
                      ": move the folder away and run rtmtap ca init");
    }
    if (X509_check_ca(cert) == 0) {
        throw CaError("the CA certificate " + certPath + " is not a CA certificate: move the folder away and run rtmtap ca init");
    }
    if (X509_cmp_current_time(X509_get0_notAfter(cert)) <= 0) {
        throw CaError("the CA certificate " + certPath + " expired on " + isoTime(X509_get0_notAfter(cert)) +
                      ": move the folder away, run rtmtap ca init and trust the new CA");
    }
}

// host without IPv6 brackets, lower case; "" when it is not a host name or IP address.
std::string normalHost(const std::string& host) {
    std::string h = host;
    if (h.size() >= 2 && h.front() == '[' && h.back() == ']') {
        h = h.substr(1, h.size() - 2);
    }
    if (!isValidHost(h)) {
        return "";
    }
    for (char& c : h) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return h;
}

// Printable form of untrusted text for an error message.
std::string shown(const std::string& text) {
    std::string out;
    for (char c : truncated(text, 80)) {
        const unsigned char u = static_cast<unsigned char>(c);
        out += u >= 0x20 && u < 0x7F ? std::string(1, c) : "?";
    }
    return out;
}

void addSubjectAltName(X509* cert, const std::string& host) {
    Owned<GENERAL_NAMES> names(GENERAL_NAMES_new());
    GENERAL_NAME* name = GENERAL_NAME_new();
    if (!names || !name || !sk_GENERAL_NAME_push(names.get(), name)) {
        GENERAL_NAME_free(name);
        fail("cannot make the subjectAltName");
    }
    unsigned char ip[16];  // the address's bytes, for an IP SAN
    const bool v4 = inet_pton(AF_INET, host.c_str(), ip) == 1;
    const bool v6 = !v4 && inet_pton(AF_INET6, host.c_str(), ip) == 1;
    ASN1_STRING* value = ASN1_STRING_type_new(v4 || v6 ? V_ASN1_OCTET_STRING : V_ASN1_IA5STRING);
    const bool set = value && (v4 || v6 ? ASN1_STRING_set(value, ip, v4 ? 4 : 16)
                                        : ASN1_STRING_set(value, host.data(), static_cast<int>(host.size())));
    if (!set) {
        ASN1_STRING_free(value);
        fail("cannot make the subjectAltName");
    }
    GENERAL_NAME_set0_value(name, v4 || v6 ? GEN_IPADD : GEN_DNS, value);
    if (X509_add1_ext_i2d(cert, NID_subject_alt_name, names.get(), 0, X509V3_ADD_DEFAULT) != 1) {
        fail("cannot add the subjectAltName");
    }
}

}  // namespace

std::string CertAuthority::defaultDir() {
    const char* xdg = std::getenv("XDG_DATA_HOME");
    if (xdg && *xdg == '/') {  // the XDG spec says relative paths are to be ignored
        return std::string(xdg) + "/rtmtap";
    }
    const char* home = std::getenv("HOME");
    if (!home || !*home) {
        const passwd* pw = getpwuid(getuid());
        home = pw && pw->pw_dir ? pw->pw_dir : ".";
    }
    return std::string(home) + "/.local/share/rtmtap";
}

namespace {

// Absolute, so that the paths rtmtap ca show prints work from anywhere (policy files, cp).
std::string absoluteDir(const std::string& dir) {
    Poco::Path path(dir);
    path.makeDirectory();  // parsed as a folder: "." and trailing slashes drop out
    std::string out = path.makeAbsolute().toString();
    while (out.size() > 1 && out.back() == '/') {
        out.pop_back();
    }
    return out;
}

}  // namespace

std::shared_ptr<CertAuthority> CertAuthority::load(const std::string& relativeDir) {
    const std::string dir = absoluteDir(relativeDir);
    CaFolder folder(dir);
    const bool present = folder.checkSafe();
    const bool hasCert = present && folder.exists(kCertFile);
    const bool hasKey = present && folder.exists(kKeyFile);
    if (!hasCert && !hasKey) {
        throw CaError("no CA in " + dir + ": rtmtap ca init (or rtmtap proxy --mode regular makes one)", true);
    }
    if (!hasCert || !hasKey) {
        throw CaError("the CA in " + dir + " is incomplete (" + (hasCert ? kKeyFile : kCertFile) +
                      " is missing): move the folder away and run rtmtap ca init");
    }
    const std::string certPath = folder.path(kCertFile);
    const std::string keyPath = folder.path(kKeyFile);
    Owned<X509> cert = parseCert(folder.read(kCertFile, false), certPath);
    Owned<EVP_PKEY> key = parseKey(folder.read(kKeyFile, true), keyPath);
    checkUsable(cert.get(), key.get(), certPath, keyPath);
    return std::shared_ptr<CertAuthority>(new CertAuthority(dir, cert.release(), key.release()));
}

std::shared_ptr<CertAuthority> CertAuthority::create(const std::string& relativeDir) {
    const std::string dir = absoluteDir(relativeDir);
    CaFolder folder(dir);
    folder.make();
    folder.checkSafe();
    if (folder.exists(kCertFile) || folder.exists(kKeyFile)) {
        throw CaError("a CA exists already in " + dir + " (rtmtap ca show)");
    }
    Owned<EVP_PKEY> key = newRsaKey();
    Owned<X509> cert = newCaCert(key.get());
    // The key first, created 0600 and exclusively: it is never readable by others, not even for
    // a moment, and a racing second init fails instead of overwriting it.
    folder.writeNew(kKeyFile, pemOf(key.get()), 0600);
    try {
        folder.writeNew(kCertFile, pemOf(cert.get()), 0644);
    } catch (...) {
        folder.remove(kKeyFile);
        throw;
    }
    return std::shared_ptr<CertAuthority>(new CertAuthority(dir, cert.release(), key.release()));
}

std::shared_ptr<CertAuthority> CertAuthority::loadOrCreate(const std::string& dir, bool& created) {
    created = false;
    try {
        return load(dir);
    } catch (const CaError& e) {
        if (!e.missing()) {
            throw;
        }
    }
    auto ca = create(dir);
    created = true;
    return ca;
}

CertAuthority::~CertAuthority() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
    EVP_PKEY_free(leafKey_);
}

std::string CertAuthority::certPath() const {
    return dir_ + "/" + kCertFile;
}

std::string CertAuthority::keyPath() const {
    return dir_ + "/" + kKeyFile;
}

std::string CertAuthority::certPem() const {
    return pemOf(cert_);
}

std::string CertAuthority::certDer() const {
    unsigned char* der = nullptr;
    const int n = i2d_X509(cert_, &der);
    if (n <= 0) {
        fail("cannot write the certificate as DER");
    }
    std::string out(reinterpret_cast<char*>(der), static_cast<size_t>(n));
    OPENSSL_free(der);
    return out;
}

std::string CertAuthority::fingerprintSha256() const {
    unsigned char md[EVP_MAX_MD_SIZE];
    unsigned int n = 0;
    if (X509_digest(cert_, EVP_sha256(), md, &n) != 1) {
        fail("cannot hash the certificate");
    }
    static const char* hex = "0123456789ABCDEF";
    std::string out;
    for (unsigned int i = 0; i < n; ++i) {
        out += (i ? ":" : "");
        out += hex[md[i] >> 4];
        out += hex[md[i] & 0xF];
    }
    return out;
}

std::string CertAuthority::subject() const {
    Owned<BIO> bio(BIO_new(BIO_s_mem()));
    if (!bio || X509_NAME_print_ex(bio.get(), X509_get_subject_name(cert_), 0, XN_FLAG_ONELINE & ~XN_FLAG_SPC_EQ) < 0) {
        fail("cannot print the CA's subject");
    }
    return bioText(bio.get());
}

std::string CertAuthority::notBefore() const {
    return isoTime(X509_get0_notBefore(cert_));
}

std::string CertAuthority::notAfter() const {
    return isoTime(X509_get0_notAfter(cert_));
}

std::shared_ptr<const LeafCert> CertAuthority::leafFor(const std::string& host) {
    const std::string name = normalHost(host);
    if (name.empty()) {
        throw std::invalid_argument("cannot make a certificate for '" + shown(host) +
                                    "': not a host name (letters, digits, '-', '.', '_') or an IP address");
    }
    std::lock_guard<std::mutex> lock(mutex_);
    auto found = leaves_.find(name);
    if (found != leaves_.end()) {
        return found->second;
    }
    if (!leafKey_) {
        leafKey_ = newRsaKey().release();
    }
    auto leaf = makeLeaf(name);
    if (leaves_.size() >= kMaxLeaves) {
        leaves_.erase(order_.front());
        order_.pop_front();
    }
    leaves_.emplace(name, leaf);
    order_.push_back(name);
    return leaf;
}

// Called with mutex_ held (leafKey_).
std::shared_ptr<const LeafCert> CertAuthority::makeLeaf(const std::string& host) {
    Owned<X509> cert = newCert(leafKey_, host, nullptr, kLeafDays);
    // A leaf that outlives its CA would be refused anyway; end it with the CA instead.
    if (ASN1_TIME_compare(X509_get0_notAfter(cert.get()), X509_get0_notAfter(cert_)) > 0 &&
        X509_set1_notAfter(cert.get(), X509_get0_notAfter(cert_)) != 1) {
        fail("cannot set the certificate's validity");
    }
    if (X509_set_issuer_name(cert.get(), X509_get_subject_name(cert_)) != 1) {
        fail("cannot set the certificate's issuer");
    }
    addSubjectAltName(cert.get(), host);
    addExtension(cert.get(), cert_, NID_basic_constraints, "CA:FALSE");
    addExtension(cert.get(), cert_, NID_key_usage, "critical,digitalSignature,keyEncipherment");
    addExtension(cert.get(), cert_, NID_ext_key_usage, "serverAuth");
    addExtension(cert.get(), cert_, NID_subject_key_identifier, "hash");
    addExtension(cert.get(), cert_, NID_authority_key_identifier, "keyid:always");
    if (X509_sign(cert.get(), key_, EVP_sha256()) <= 0) {
        fail("cannot sign the certificate for " + host);
    }
    if (EVP_PKEY_up_ref(leafKey_) != 1) {
        fail("cannot share the leaf key");
    }
    return std::make_shared<const LeafCert>(cert.release(), leafKey_);
}

}  // namespace rtmtap
