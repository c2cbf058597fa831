#include "TlsContext.h"

#include "CertAuthority.h"
#include "KeyLog.h"
#include "TlsTransport.h"

#include <openssl/err.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <cstring>
#include <stdexcept>

namespace rtmtap {
namespace {

// TLS 1.2 or newer, writes that may be partial and retried from a moved buffer (the relay's).
SSL_CTX* newContext(const SSL_METHOD* method) {
    SSL_CTX* ctx = SSL_CTX_new(method);
    if (!ctx) {
        throw std::invalid_argument("cannot create a TLS context: " + TlsContext::lastError());
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
    KeyLog::install(ctx);
    return ctx;
}

// Installs the leaf certificate for the name the client asked for, chained to the CA.
bool useLeaf(SSL* ssl, CertAuthority& ca, const std::string& host, std::string& why) {
    std::shared_ptr<const LeafCert> leaf;
    try {
        leaf = ca.leafFor(host);
    } catch (const std::exception& e) {
        why = e.what();
        return false;
    }
    STACK_OF(X509)* chain = sk_X509_new_null();
    const bool ok = chain && sk_X509_push(chain, ca.cert()) > 0 &&
                    SSL_use_cert_and_key(ssl, leaf->cert(), leaf->key(), chain, 1) == 1;
    sk_X509_free(chain);  // SSL_use_cert_and_key took its own references
    if (!ok) {
        why = "cannot use the certificate for " + host + ": " + TlsContext::lastError();
    }
    return ok;
}

// OpenSSL calls this for every ClientHello, with or without SNI.
int pickLeaf(SSL* ssl, int* alert, void* arg) {
    TlsTransport* transport = TlsTransport::of(ssl);
    const char* sni = SSL_get_servername(ssl, TLSEXT_NAMETYPE_host_name);
    const std::string host = sni && *sni ? sni : (transport ? transport->fallbackServerName() : "");
    std::string why;
    if (host.empty()) {
        why = "the client sent no server name (SNI) and the host it wants is not known: no certificate to make";
        *alert = SSL_AD_UNRECOGNIZED_NAME;
    } else if (!useLeaf(ssl, *static_cast<CertAuthority*>(arg), host, why)) {
        *alert = SSL_AD_INTERNAL_ERROR;
    } else {
        return SSL_TLSEXT_ERR_OK;
    }
    if (transport) {
        transport->noteHandshakeProblem(why);
    }
    return SSL_TLSEXT_ERR_ALERT_FATAL;
}

// http/1.1 when the client offers it; otherwise no ALPN at all, so a client that offered only
// h2 goes on without it (and speaks HTTP/1.1), where choosing h2 would need an HTTP/2 server.
int pickHttp11(SSL*, const unsigned char** out, unsigned char* outLen, const unsigned char* in, unsigned int inLen,
               void*) {
    static const unsigned char kHttp11[] = "http/1.1";
    const unsigned int n = sizeof kHttp11 - 1;
    for (unsigned int i = 0; i < inLen; i += 1u + in[i]) {
        if (in[i] == n && i + 1 + n <= inLen && std::memcmp(in + i + 1, kHttp11, n) == 0) {
            *out = in + i + 1;
            *outLen = static_cast<unsigned char>(n);
            return SSL_TLSEXT_ERR_OK;
        }
    }
    return SSL_TLSEXT_ERR_NOACK;
}

}  // namespace

std::string TlsContext::lastError() {
    unsigned long code = 0;
    unsigned long last = 0;
    while ((code = ERR_get_error()) != 0) {
        last = code;
    }
    if (last == 0) {
        return "unknown TLS error";
    }
    // The reason alone ("sslv3 alert certificate unknown"), not OpenSSL's full
    // "error:0A000416:SSL routines::..." form: the line is read by people, in records and on stderr.
    if (const char* reason = ERR_reason_error_string(last)) {
        return reason;
    }
    char buf[256];
    ERR_error_string_n(last, buf, sizeof(buf));
    return buf;
}

std::shared_ptr<TlsContext> TlsContext::client(const std::string& caFile, bool insecure) {
    SSL_CTX* ctx = newContext(TLS_client_method());
    if (!insecure) {
        int ok = caFile.empty() ? SSL_CTX_set_default_verify_paths(ctx)
                                : SSL_CTX_load_verify_locations(ctx, caFile.c_str(), nullptr);
        if (ok != 1) {
            std::string why = lastError();
            SSL_CTX_free(ctx);
            throw std::invalid_argument("cannot load CA certificates from '" + caFile + "': " + why +
                                        " (pass a PEM file with --ca)");
        }
        SSL_CTX_set_verify(ctx, SSL_VERIFY_PEER, nullptr);
    } else {
        SSL_CTX_set_verify(ctx, SSL_VERIFY_NONE, nullptr);
    }
    return std::shared_ptr<TlsContext>(new TlsContext(ctx, !insecure));
}

std::shared_ptr<TlsContext> TlsContext::server(const std::string& certFile, const std::string& keyFile) {
    SSL_CTX* ctx = newContext(TLS_server_method());
    if (SSL_CTX_use_certificate_chain_file(ctx, certFile.c_str()) != 1) {
        std::string why = lastError();
        SSL_CTX_free(ctx);
        throw std::invalid_argument("cannot load TLS certificate '" + certFile + "': " + why);
    }
    if (SSL_CTX_use_PrivateKey_file(ctx, keyFile.c_str(), SSL_FILETYPE_PEM) != 1 ||
        SSL_CTX_check_private_key(ctx) != 1) {
        std::string why = lastError();
        SSL_CTX_free(ctx);
        throw std::invalid_argument("cannot load TLS key '" + keyFile + "' for '" + certFile + "': " + why);
    }
    return std::shared_ptr<TlsContext>(new TlsContext(ctx, false));
}

std::shared_ptr<TlsContext> TlsContext::intercepting(std::shared_ptr<CertAuthority> ca) {
    if (!ca) {
        throw std::invalid_argument("TLS interception needs a CA (rtmtap ca init)");
    }
    SSL_CTX* ctx = newContext(TLS_server_method());
    SSL_CTX_set_tlsext_servername_callback(ctx, pickLeaf);
    SSL_CTX_set_tlsext_servername_arg(ctx, ca.get());
    SSL_CTX_set_alpn_select_cb(ctx, pickHttp11, nullptr);
    std::shared_ptr<TlsContext> context(new TlsContext(ctx, false));
    context->ca_ = std::move(ca);
    return context;
}

TlsContext::~TlsContext() {
    SSL_CTX_free(ctx_);
}

}  // namespace rtmtap
