#include "TlsContext.h"

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <stdexcept>

namespace rtmtap {

std::string TlsContext::lastError() {
    unsigned long code = 0;
    unsigned long last = 0;
    while ((code = ERR_get_error()) != 0) {
        last = code;
    }
    if (last == 0) {
        return "unknown TLS error";
    }
    char buf[256];
    ERR_error_string_n(last, buf, sizeof(buf));
    return buf;
}

std::shared_ptr<TlsContext> TlsContext::client(const std::string& caFile, bool insecure) {
    SSL_CTX* ctx = SSL_CTX_new(TLS_client_method());
    if (!ctx) {
        throw std::invalid_argument("cannot create a TLS context: " + lastError());
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
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
    SSL_CTX* ctx = SSL_CTX_new(TLS_server_method());
    if (!ctx) {
        throw std::invalid_argument("cannot create a TLS context: " + lastError());
    }
    SSL_CTX_set_min_proto_version(ctx, TLS1_2_VERSION);
    SSL_CTX_set_mode(ctx, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
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

TlsContext::~TlsContext() {
    SSL_CTX_free(ctx_);
}

}  // namespace rtmtap
