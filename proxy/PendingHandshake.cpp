#include "PendingHandshake.h"

#include "HttpHead.h"
#include "TlsTransport.h"

#include <sys/epoll.h>
#include <sys/socket.h>

#include <cerrno>

namespace rtmtap {

PendingHandshake::PendingHandshake(Poco::Net::StreamSocket socket, const std::shared_ptr<TlsContext>& serverTls,
                                   int64_t deadlineUs, int timeoutMs, ClientHead start, std::string refusal)
    : got_(std::move(start)), deadlineUs_(deadlineUs), timeoutMs_(timeoutMs), events_(EPOLLIN),
      refusal_(std::move(refusal)) {
    if (serverTls) {
        auto tls = std::make_unique<TlsTransport>(std::move(socket), serverTls);
        tls_ = tls.get();
        got_.client = std::move(tls);
    } else {
        got_.client = std::make_unique<Transport>(std::move(socket));
    }
}

PendingHandshake::PendingHandshake(ClientHead start, const std::shared_ptr<TlsContext>& interceptTls,
                                   int64_t deadlineUs, int timeoutMs)
    : got_(std::move(start)), deadlineUs_(deadlineUs), timeoutMs_(timeoutMs), events_(EPOLLIN),
      sniffTls_(interceptTls) {
    buf_ = std::move(got_.rest);
    got_.rest.clear();
}

PendingHandshake::Step PendingHandshake::advance() {
    if (sniffTls_) {
        Step step = sniffTls();
        if (step != Step::Complete) {
            return step;
        }
    }
    if (tls_) {
        Step step = handshakeTls();
        if (step != Step::Complete) {
            return step;
        }
    }
    return readHead();
}

// A TLS record starts with 22 (handshake); an HTTP request with a letter. Complete here means
// only that the choice is made.
PendingHandshake::Step PendingHandshake::sniffTls() {
    char first = 0;
    if (!buf_.empty()) {
        first = buf_[0];
    } else {
        const ssize_t n = ::recv(got_.client->fd(), &first, 1, MSG_PEEK | MSG_DONTWAIT);
        if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR)) {
            return Step::Wait;
        }
        if (n <= 0) {
            return Step::Closed;
        }
    }
    std::shared_ptr<TlsContext> tls = std::move(sniffTls_);
    sniffTls_.reset();
    if (first != '\x16') {
        return Step::Complete;  // plain HTTP (a ws:// upgrade) in the tunnel
    }
    if (!buf_.empty()) {
        return Step::Closed;  // a ClientHello glued to the CONNECT, before its answer: not a real client
    }
    auto transport = std::make_unique<TlsTransport>(got_.client->socket(), tls);
    if (got_.origin) {
        got_.origin->tls = true;
        transport->setFallbackServerName(got_.origin->host);
    }
    tls_ = transport.get();
    got_.client = std::move(transport);
    return Step::Complete;
}

// Complete here means only that the TLS handshake is done.
PendingHandshake::Step PendingHandshake::handshakeTls() {
    switch (tls_->acceptStep()) {
        case TlsTransport::Step::Done:
            if (got_.origin) {
                got_.origin->serverName = tls_->serverName();
            }
            tls_ = nullptr;
            events_ = EPOLLIN;
            return Step::Complete;
        case TlsTransport::Step::WantRead:
            events_ = EPOLLIN;
            return Step::Wait;
        case TlsTransport::Step::WantWrite:
            events_ = EPOLLOUT;
            return Step::Wait;
        case TlsTransport::Step::Failed:
            tlsFailure_ = tls_->error();
            break;
    }
    return Step::Closed;  // as before: a failed TLS handshake gets no answer (there is no channel for one)
}

PendingHandshake::Step PendingHandshake::readHead() {
    if (findHeadEnd(buf_) != std::string::npos) {
        return headComplete(findHeadEnd(buf_));  // a pipelined request that came with the last one
    }
    char chunk[4096];
    for (;;) {
        const ssize_t n = got_.client->read(chunk, sizeof chunk);
        if (n == Transport::WouldBlock) {
            break;
        }
        if (n <= 0) {
            return Step::Closed;  // closed or failed before its request was complete: nothing to answer
        }
        const size_t searched = buf_.size();
        buf_.append(chunk, static_cast<size_t>(n));
        const size_t end = findHeadEnd(buf_, searched);
        if (end != std::string::npos) {
            return headComplete(end);
        }
        if (buf_.size() > kMaxRequestHead) {
            return answer(431, "Request Header Fields Too Large", "rtmtap: request head above 16 KiB");
        }
    }
    if (!couldBeHttpRequest(buf_)) {
        const bool tlsHello = !buf_.empty() && buf_[0] == '\x16';
        return answer(400, "Bad Request",
                      tlsHello ? "rtmtap: malformed HTTP request: this looks like TLS; the proxy serves ws:// "
                                 "here (wss:// needs --tls-cert and --tls-key)"
                               : "rtmtap: malformed HTTP request: not an HTTP request line");
    }
    return Step::Wait;
}

PendingHandshake::Step PendingHandshake::headComplete(size_t end) {
    if (refusing()) {
        return answer(503, "Service Unavailable", refusal_);
    }
    got_.head = buf_.substr(0, end);
    got_.rest = buf_.substr(end);
    buf_.clear();
    return Step::Complete;
}

void PendingHandshake::expire() {
    if (!tls_ && !sniffTls_ && buf_.find_first_not_of(" \t\r\n") != std::string::npos) {
        answer(408, "Request Timeout",
               "rtmtap: the request head was not complete within " + std::to_string(timeoutMs_) +
                   " ms (--handshake-timeout)");
    }
}

// Best effort without blocking: a fresh socket's send buffer takes a short answer whole. What
// the client sent is read first: closing on unread bytes would reset the connection, and the
// reset can destroy the answer before the client reads it.
PendingHandshake::Step PendingHandshake::answer(int status, const std::string& reason, const std::string& line) {
    char scratch[4096];
    for (int i = 0; i < 16 && got_.client->read(scratch, sizeof scratch) > 0; ++i) {
    }
    writeAll(*got_.client, simpleResponse(status, reason, line));
    got_.client->shutdownWrite();
    return Step::Closed;
}

}  // namespace rtmtap
