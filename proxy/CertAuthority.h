#pragma once
// rtmtap's own certificate authority for the regular proxy mode: a CA certificate and key kept in
// one folder of the user's (rtmtap-ca.pem 0644, rtmtap-ca-key.pem 0600, the folder 0700), and
// leaf certificates made on the fly for intercepted hosts, signed by it. The CA key never leaves
// the folder (it is read into memory, never written elsewhere); leaf keys exist only in memory.
// OpenSSL is used directly: POCO's Crypto (X509Certificate) can read certificates but cannot
// create or sign them.
#include "LeafCert.h"

#include <cstddef>
#include <list>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <unordered_map>

namespace rtmtap {

// One line saying what is wrong with a CA folder and what to do about it.
class CaError : public std::runtime_error {
public:
    explicit CaError(const std::string& what, bool missing = false) : std::runtime_error(what), missing_(missing) {}
    // True when the folder holds no CA at all (neither file), so one may be made.
    bool missing() const { return missing_; }

private:
    bool missing_;
};

class CertAuthority {
public:
    static constexpr const char* kCertFile = "rtmtap-ca.pem";
    static constexpr const char* kKeyFile = "rtmtap-ca-key.pem";
    static constexpr size_t kMaxLeaves = 1000;  // cached leaf certificates; the oldest goes first

    // $XDG_DATA_HOME/rtmtap, else $HOME/.local/share/rtmtap.
    static std::string defaultDir();
    // Reads the CA in dir. Throws CaError (missing() when neither file is there) when a file is
    // missing, unreadable or not PEM, the key does not match the certificate, the key can be read
    // by others or the folder written by others or owned by someone else, or the CA has expired.
    static std::shared_ptr<CertAuthority> load(const std::string& dir);
    // Makes a new CA in dir (created 0700 when missing). Throws CaError when dir already holds
    // a CA (or part of one), or cannot be written.
    static std::shared_ptr<CertAuthority> create(const std::string& dir);
    // load(), or create() when dir holds no CA; created says which happened.
    static std::shared_ptr<CertAuthority> loadOrCreate(const std::string& dir, bool& created);

    ~CertAuthority();
    CertAuthority(const CertAuthority&) = delete;
    CertAuthority& operator=(const CertAuthority&) = delete;

    const std::string& dir() const { return dir_; }
    std::string certPath() const;
    std::string keyPath() const;
    std::string certPem() const;
    std::string certDer() const;
    std::string fingerprintSha256() const;  // "AB:CD:..." (32 bytes)
    std::string subject() const;            // "CN=rtmtap CA (user@host), O=rtmtap"
    std::string notBefore() const;          // "2025-01-31 12:00:00 UTC"
    std::string notAfter() const;
    X509* cert() const { return cert_; }

    // The leaf certificate for host (a DNS name, or an IPv4/IPv6 literal, brackets allowed),
    // made on first use and cached. Thread-safe. Throws std::invalid_argument when host is empty
    // or not a host name or IP address; std::runtime_error when OpenSSL fails.
    std::shared_ptr<const LeafCert> leafFor(const std::string& host);

private:
    CertAuthority(std::string dir, X509* cert, EVP_PKEY* key) : dir_(std::move(dir)), cert_(cert), key_(key) {}
    std::shared_ptr<const LeafCert> makeLeaf(const std::string& host);

    std::string dir_;
    X509* cert_;
    EVP_PKEY* key_;
    std::mutex mutex_;
    EVP_PKEY* leafKey_ = nullptr;  // made at the first leafFor(): one RSA key per host would be slow
    std::unordered_map<std::string, std::shared_ptr<const LeafCert>> leaves_;
    std::list<std::string> order_;  // hosts in leaves_, oldest first
};

}  // namespace rtmtap
