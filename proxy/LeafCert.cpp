#include "LeafCert.h"

#include <openssl/evp.h>
#include <openssl/x509.h>

namespace rtmtap {

LeafCert::~LeafCert() {
    X509_free(cert_);
    EVP_PKEY_free(key_);
}

}  // namespace rtmtap
