#pragma once
// TLS over a socket with OpenSSL, usable blocking (the upstream handshake) and non-blocking (the
// client's handshake on the HandshakeLoop, the relay).
#include "TlsContext.h"
#include "Transport.h"

#include <memory>

typedef struct ssl_st SSL;

namespace rtmtap {

class TlsTransport : public Transport {
public:
    TlsTransport(Poco::Net::StreamSocket socket, std::shared_ptr<TlsContext> context);
    ~TlsTransport() override;

    // The client side's handshake, blocking (call while the transport is blocking with a
    // timeout). Returns false with error() set on failure.
    bool connect(const std::string& hostName);

    // The server side's handshake, without blocking: call again when the socket is ready for
    // what the last step wanted. Failed sets error().
    enum class Step { Done, WantRead, WantWrite, Failed };
    Step acceptStep();

    // Intercepting (TlsContext::intercepting): the host to make the certificate for when the
    // client sends no SNI (it connected to an IP address); set before acceptStep().
    void setFallbackServerName(const std::string& host) { fallbackServerName_ = host; }
    const std::string& fallbackServerName() const { return fallbackServerName_; }
    // The server name the client sent (SNI), "" when none.
    std::string serverName() const;
    // The protocol agreed by ALPN ("http/1.1"), "" when none.
    std::string alpn() const;

    // The transport that owns ssl, nullptr for an SSL made elsewhere (for TlsContext's callbacks).
    static TlsTransport* of(const SSL* ssl);
    // A callback's reason for failing the handshake: acceptStep() reports it as the error.
    void noteHandshakeProblem(const std::string& why) { handshakeProblem_ = why; }

    ssize_t read(char* buf, size_t len) override;
    ssize_t write(const char* buf, size_t len) override;
    bool hasBuffered() const override;
    void shutdownWrite() override;

private:
    ssize_t result(int rc, const char* what);
    std::string acceptError(int err) const;
    std::shared_ptr<TlsContext> context_;
    SSL* ssl_;
    std::string fallbackServerName_;
    std::string handshakeProblem_;
};

}  // namespace rtmtap
