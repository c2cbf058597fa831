#pragma once
// OpenSSL contexts for wss:// on either side. OpenSSL is used directly (not Poco::Net::Context +
// SecureStreamSocket) because the relay drives TLS non-blocking from one thread, which POCO's
// secure sockets do not support; the handshake still runs blocking, with timeouts.
#include <memory>
#include <string>

typedef struct ssl_ctx_st SSL_CTX;

namespace rtmtap {

class TlsContext {
public:
    // Upstream side: verifies the server's certificate against caFile (or the system's CAs)
    // and its name, unless insecure. Throws std::invalid_argument with a one-line reason.
    static std::shared_ptr<TlsContext> client(const std::string& caFile, bool insecure);
    // Client side: serves certFile (PEM chain) with keyFile. Throws std::invalid_argument.
    static std::shared_ptr<TlsContext> server(const std::string& certFile, const std::string& keyFile);
    ~TlsContext();
    SSL_CTX* get() const { return ctx_; }
    bool verifies() const { return verify_; }

    // The text of the newest OpenSSL error in this thread's queue (and clears the queue).
    static std::string lastError();

private:
    TlsContext(SSL_CTX* ctx, bool verify) : ctx_(ctx), verify_(verify) {}
    SSL_CTX* ctx_;
    bool verify_;
};

}  // namespace rtmtap
