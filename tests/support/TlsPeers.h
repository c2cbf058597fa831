#pragma once
// The two ends of a TLS handshake over loopback for the TLS tests: a raw OpenSSL client or server
// (everything set by hand: trust anchors, SNI, ALPN, version), rtmtap's own server side
// (TlsTransport::acceptStep), and a server that takes one connection in a thread. Every wait has
// a timeout; a side that finished its handshake waits for the other to close before it goes.
#include "proxy/TlsContext.h"

#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {

// What one side saw of the handshake.
struct TlsPeerResult {
    bool ok = false;
    std::string error;         // why it failed
    std::string alpn;          // the protocol agreed, "" for none
    std::string serverName;    // the SNI (server side)
    std::string clientRandom;  // hex, as in a key log line
    std::string version;       // "TLSv1.3"
    int peerChain = 0;         // certificates the server sent (client side)
};

struct RawTlsOptions {
    std::string caFile;      // the client's only trust anchor ("" verifies nothing)
    std::string sni;         // "" sends none
    std::string verifyName;  // the name (or IP address) the certificate must carry
    std::vector<std::string> alpn;
    int maxVersion = 0;      // e.g. TLS1_2_VERSION
    std::string certFile, keyFile;  // server
};

TlsPeerResult rawTlsConnect(uint16_t port, const RawTlsOptions& options);
TlsPeerResult rawTlsAccept(Poco::Net::StreamSocket socket, const RawTlsOptions& options);
// rtmtap's server side: TlsTransport over context, with fallbackName when not "".
TlsPeerResult transportAccept(Poco::Net::StreamSocket socket, std::shared_ptr<TlsContext> context,
                              const std::string& fallbackName = "");

// Listens on 127.0.0.1 (any port) and hands the first connection to handle in a thread.
class OneShotServer {
public:
    explicit OneShotServer(std::function<TlsPeerResult(Poco::Net::StreamSocket)> handle);
    ~OneShotServer();
    OneShotServer(const OneShotServer&) = delete;
    OneShotServer& operator=(const OneShotServer&) = delete;
    uint16_t port() const { return port_; }
    // Waits for the handshake (and the close after it) to end.
    TlsPeerResult result();

private:
    Poco::Net::ServerSocket listener_;
    uint16_t port_;
    TlsPeerResult result_;
    std::thread thread_;
};

}  // namespace rtmtap::test
