#pragma once
// A certificate made on the fly for one intercepted host, with its private key (shared by every
// leaf of one CertAuthority). Lives only in memory; both are freed when the last user lets go.
typedef struct x509_st X509;
typedef struct evp_pkey_st EVP_PKEY;

namespace rtmtap {

class LeafCert {
public:
    // Takes over one reference to each (the caller does not free them).
    LeafCert(X509* cert, EVP_PKEY* key) : cert_(cert), key_(key) {}
    ~LeafCert();
    LeafCert(const LeafCert&) = delete;
    LeafCert& operator=(const LeafCert&) = delete;

    X509* cert() const { return cert_; }
    EVP_PKEY* key() const { return key_; }

private:
    X509* cert_;
    EVP_PKEY* key_;
};

}  // namespace rtmtap
