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

    ssize_t read(char* buf, size_t len) override;
    ssize_t write(const char* buf, size_t len) override;
    bool hasBuffered() const override;
    void shutdownWrite() override;

private:
    ssize_t result(int rc, const char* what);
    std::shared_ptr<TlsContext> context_;
    SSL* ssl_;
};

}  // namespace rtmtap
