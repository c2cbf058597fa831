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
#include <string>

namespace rtmtap {

class TlsTransport;

// A complete request head and what came with it: what the upgrade goes on with.
struct ClientHead {
    std::unique_ptr<Transport> client;
    std::string head;  // up to and including the blank line
    std::string rest;  // bytes that came after it (early frames)
    int64_t startMonoUs = 0, startWallUs = 0;  // accepted at, on the proxy's clock
    ConnectionLimits::Ticket ticket;
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

    // Moves on as far as what arrived allows: Complete (take() the head), Closed (answered or
    // given up: destroy it) or Wait (for events()).
    Step advance();
    // EPOLLIN, or EPOLLOUT while the TLS handshake wants to write.
    uint32_t events() const { return events_; }
    // The deadline passed: a 408 to a client that sent part of a head, nothing to one that sent
    // nothing. Destroy it afterwards.
    void expire();

    bool refusing() const { return !refusal_.empty(); }
    int fd() const { return got_.client->fd(); }
    int64_t deadlineUs() const { return deadlineUs_; }
    ClientHead take() { return std::move(got_); }

private:
    Step handshakeTls();
    Step readHead();
    Step answer(int status, const std::string& reason, const std::string& line);

    ClientHead got_;
    TlsTransport* tls_ = nullptr;  // got_.client while its TLS handshake is not done
    std::string buf_;
    int64_t deadlineUs_;
    int timeoutMs_;
    uint32_t events_;
    std::string refusal_;
};

}  // namespace rtmtap
