#pragma once
// OpenSSL contexts for wss:// on either side, and for TLS interception with rtmtap's CA.
// OpenSSL is used directly (not Poco::Net::Context + SecureStreamSocket) because the relay drives
// TLS non-blocking from one thread, which POCO's secure sockets do not support; the handshake
// still runs blocking, with timeouts. Every context logs its secrets to $SSLKEYLOGFILE when set.
#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace rtmtap {

class CertAuthority;

class TlsContext {
public:
    // Upstream side: verifies the server's certificate against caFile (or the system's CAs)
    // and its name, unless insecure. Throws std::invalid_argument with a one-line reason.
    static std::shared_ptr<TlsContext> client(const std::string& caFile, bool insecure);
    // Client side: serves certFile (PEM chain) with keyFile. Throws std::invalid_argument.
    static std::shared_ptr<TlsContext> server(const std::string& certFile, const std::string& keyFile);
    // Client side of an intercepted connection: serves, for the name the client asks for (SNI,
    // else the TlsTransport's fallback name), a leaf certificate of ca's with ca's certificate as
    // its chain. ALPN: http/1.1 when offered, else none (a client that offers only h2 falls
    // back to HTTP/1.1: rtmtap does not speak HTTP/2). Throws std::invalid_argument.
    static std::shared_ptr<TlsContext> intercepting(std::shared_ptr<CertAuthority> ca);
    ~TlsContext();
    SSL_CTX* get() const { return ctx_; }
    bool verifies() const { return verify_; }
    // The CA of an intercepting context; nullptr for the others.
    const std::shared_ptr<CertAuthority>& authority() const { return ca_; }

    // The text of the newest OpenSSL error in this thread's queue (and clears the queue).
    static std::string lastError();

private:
    TlsContext(SSL_CTX* ctx, bool verify) : ctx_(ctx), verify_(verify) {}
    SSL_CTX* ctx_;
    bool verify_;
    std::shared_ptr<CertAuthority> ca_;  // kept alive for the servername callback
};

}  // namespace rtmtap
