#pragma once
// A client connection whose upgrade request is still arriving, driven without blocking by the
// HandshakeLoop: the TLS server handshake first when serving wss://, then the request head, read
// into a buffer up to its blank line. It costs a descriptor and a buffer, not a thread.
// Bytes that cannot begin an HTTP request are answered with 400 at once, a head above 16 KiB with
// 431, a partial head at the deadline with 408; a client that sent nothing at all is closed
// without a word at its deadline (a browser's preconnect looks like that).
#include "ConnectionLimits.h"
#include "TlsContext.h"
#include "Transport.h"

#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace rtmtap {

class TlsTransport;

// --mode regular: where a client's CONNECT tunnel goes, for the requests that come through it.
struct TunnelOrigin {
    std::string host;  // lower case, IPv6 without brackets
    uint16_t port = 0;
    bool tls = false;         // the client spoke TLS in the tunnel (rtmtap's leaf certificate)
    std::string serverName;   // the SNI it sent, "" when none
    // The origin connection made when the CONNECT came (to answer it 502 at once when the port
    // is closed), for the first request to use; later ones connect anew.
    std::optional<Poco::Net::StreamSocket> connected;
};

// A complete request head and what came with it: what the upgrade goes on with.
struct ClientHead {
    std::unique_ptr<Transport> client;
    std::string head;  // up to and including the blank line
    std::string rest;  // bytes that came after it (early frames)
    int64_t startMonoUs = 0, startWallUs = 0;  // accepted at, on the proxy's clock
    std::string peer;  // the client's address, "127.0.0.1:53122", as accept(2) gave it
    ConnectionLimits::Ticket ticket;
    std::shared_ptr<TunnelOrigin> origin;  // --mode regular, inside a CONNECT tunnel; else null
};

class PendingHandshake {
public:
    enum class Step { Wait, Complete, Closed };

    // socket: accepted, non-blocking. deadlineUs: monotonicNowUs() time by which the head must be
    // complete (timeoutMs after the accept, named in the 408). refusal: when not empty, the client
    // is not admitted and gets a 503 with this line once its head is complete (read first, so the
    // close that follows does not reset the connection under the answer).
    PendingHandshake(Poco::Net::StreamSocket socket, const std::shared_ptr<TlsContext>& serverTls, int64_t deadlineUs,
                     int timeoutMs, ClientHead start, std::string refusal = "");
    // --mode regular: the next request of a connection that already has its transport
    // (start.client; start.rest: bytes that came already). With interceptTls, the connection has
    // just been answered a CONNECT: its first byte tells whether the client starts TLS (then
    // served with interceptTls) or speaks plain HTTP in the tunnel.
    PendingHandshake(ClientHead start, const std::shared_ptr<TlsContext>& interceptTls, int64_t deadlineUs,
                     int timeoutMs);

    // Moves on as far as what arrived allows: Complete (take() the head), Closed (answered or
    // given up: destroy it) or Wait (for events()).
    Step advance();
    // EPOLLIN, or EPOLLOUT while the TLS handshake wants to write.
    uint32_t events() const { return events_; }
    // The deadline passed: a 408 to a client that sent part of a head, nothing to one that sent
    // nothing. Destroy it afterwards.
    void expire();

    bool refusing() const { return !refusal_.empty(); }
    // Why the TLS handshake with the client failed ("" when it did not), with the alert it sent.
    const std::string& tlsFailure() const { return tlsFailure_; }
    int fd() const { return got_.client->fd(); }
    int64_t deadlineUs() const { return deadlineUs_; }
    ClientHead take() { return std::move(got_); }

private:
    Step sniffTls();
    Step handshakeTls();
    Step readHead();
    Step headComplete(size_t end);
    Step answer(int status, const std::string& reason, const std::string& line);

    ClientHead got_;
    TlsTransport* tls_ = nullptr;  // got_.client while its TLS handshake is not done
    std::string buf_;
    int64_t deadlineUs_;
    int timeoutMs_;
    uint32_t events_;
    std::string refusal_;
    std::shared_ptr<TlsContext> sniffTls_;  // set until the first byte has been seen
    std::string tlsFailure_;
};

}  // namespace rtmtap
