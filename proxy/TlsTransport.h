#pragma once
// TLS over a socket with OpenSSL, usable blocking (handshake) and non-blocking (relay).
#include "TlsContext.h"
#include "Transport.h"

#include <memory>

typedef struct ssl_st SSL;

namespace rtmtap {

class TlsTransport : public Transport {
public:
    TlsTransport(Poco::Net::StreamSocket socket, std::shared_ptr<TlsContext> context);
    ~TlsTransport() override;

    // Blocking handshakes (call while the transport is blocking with a timeout).
    // Return false with error() set on failure.
    bool connect(const std::string& hostName);
    bool accept();

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
