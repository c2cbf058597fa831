#include "WsConnection.h"

#include "proxy/HttpHead.h"
#include "protocol/CloseFrame.h"

#include <algorithm>
#include <cerrno>
#include <cstring>
#include <iostream>
#include <poll.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <unistd.h>

namespace rtmtap {
namespace {

constexpr size_t kReadChunk = 64 * 1024;

// RFC 6455 7.4: the codes a peer may put in a close frame (1012-1014 were registered since).
bool allowedCloseCode(int code) {
    return (code >= 1000 && code <= 1003) || (code >= 1007 && code <= 1014) || (code >= 3000 && code <= 4999);
}

bool sendable(Opcode op) {
    return op == Opcode::Text || op == Opcode::Binary || op == Opcode::Close || op == Opcode::Ping ||
           op == Opcode::Pong;
}

}  // namespace

WsConnection::WsConnection(std::unique_ptr<Transport> io, const WsServerOptions& options, const Clock& clock)
    : io_(std::move(io)), options_(options), clock_(clock), wakeFd_(::eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC)) {}

WsConnection::~WsConnection() {
    if (wakeFd_ >= 0) {
        ::close(wakeFd_);
    }
}

bool WsConnection::send(Opcode op, const std::string& payload, uint32_t flags) {
    return sendFrame(op, payload, flags);
}

bool WsConnection::close(uint16_t code, const std::string& reason) {
    return sendFrame(Opcode::Close, closePayload(code, reason), 0);
}

void WsConnection::drop() {
    endTcp(SHUT_WR);
}

void WsConnection::abort() {
    aborted_ = true;
    endTcp(SHUT_RDWR);
}

void WsConnection::endTcp(int how) {
    // Not under sendMutex_: a sender may sit in a write to a client that reads nothing, and the
    // shutdown is what ends that write. fdMutex_ only keeps the descriptor from being closed
    // (and its number reused) meanwhile.
    {
        std::lock_guard fdLock(fdMutex_);
        if (!io_) {
            return;
        }
        dropping_ = true;
        // SHUT_WR: the FIN goes after the frames still queued for the client. Shutting the
        // reading side too, or closing with the client's bytes unread, makes the kernel answer
        // them with a reset that throws those frames away; linger() reads until the client
        // closes. Wakes any blocked writer either way.
        ::shutdown(io_->fd(), how);
    }
    {
        std::lock_guard lock(sendMutex_);
        if (!gone_) {
            droppedByServer_ = true;
        }
        gone_ = true;
    }
    wake();  // the reader stops at its next look
}

// Writes the whole frame or gives up once the client has taken nothing for sendTimeoutMs
// in all (SO_SNDTIMEO alone does not do it: the kernel's send buffer grows by autotuning, so a
// blocked write keeps moving a few bytes and never times out).
bool WsConnection::writeFrame(const std::string& frame) {
    const int64_t deadline = monotonicNowUs() + int64_t(options_.sendTimeoutMs) * 1000;
    size_t done = 0;
    while (done < frame.size()) {
        const ssize_t n = io_->write(frame.data() + done, frame.size() - done);
        if (n > 0) {
            done += static_cast<size_t>(n);
        } else if (n != Transport::WouldBlock || dropping_ || monotonicNowUs() >= deadline) {
            return false;
        }
    }
    return true;
}

bool WsConnection::isOpen() const {
    std::lock_guard lock(sendMutex_);
    return open_ && !gone_;
}

bool WsConnection::sendFrame(Opcode op, const std::string& payload, uint32_t flags) {
    if (!sendable(op) || (isControl(op) && payload.size() > 125) || (op == Opcode::Close && payload.size() == 1)) {
        return false;
    }
    std::lock_guard lock(sendMutex_);
    if (!open_ || gone_ || closeSent_) {
        return false;
    }
    Message m;
    if (options_.tap) {
        m = makeMessage(Direction::ServerToClient, op, payload, flags);
    }
    std::string frame;
    frame.reserve(payload.size() + 10);
    appendFrameHeader(frame, true, static_cast<uint8_t>(op), payload.size(), nullptr);
    frame += payload;
    const bool written = writeFrame(frame);
    if (written) {
        m.fwd_us = sinceOpenUs();
    } else {
        m.flags |= MessageFlag::Dropped;
        gone_ = true;
        if (error_.empty()) {
            error_ = io_->error().empty() ? "the client took no bytes for " + std::to_string(options_.sendTimeoutMs) + " ms"
                                          : "write failed: " + io_->error();
        }
        // A client that stopped reading did not end the connection: this side gave up on it.
        droppedByServer_ = droppedByServer_ || io_->error().empty();
        aborted_ = true;  // nothing more reaches a client that takes nothing: no linger
        ::shutdown(io_->fd(), SHUT_RDWR);
    }
    if (written && op == Opcode::Close) {
        closeSent_ = true;
        if (closeFirst_ == CloseFirst::None) {
            closeFirst_ = CloseFirst::Server;
            firstCloseCode_ = closeCodeOf(payload, 1005);
            firstCloseReason_ = payload.size() > 2 ? payload.substr(2) : "";
        }
        int64_t none = 0;
        closeDeadlineUs_.compare_exchange_strong(none, monotonicNowUs() + int64_t(options_.closeTimeoutMs) * 1000);
        wake();
    }
    if (options_.tap) {
        announce(m);
    }
    return written;
}

Message WsConnection::makeMessage(Direction dir, Opcode op, std::string payload, uint32_t flags) const {
    Message m;
    m.session = info_.id;
    m.dir = dir;
    m.op = op;
    m.flags = flags;
    m.t_us = sinceOpenUs();
    m.wall_us = info_.started_wall_us + m.t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

void WsConnection::announce(Message& message) {
    std::lock_guard lock(tapMutex_);
    message.seq = ++seq_;
    if (options_.tap) {
        tapCall([&](Tap& tap) { tap.onMessage(message); });
    }
}

// Caller holds tapMutex_. One failing observer must not end the connection (the relay's rule).
template <typename Call>
void WsConnection::tapCall(Call call) {
    try {
        call(*options_.tap);
    } catch (const std::exception& e) {
        if (!tapFailed_) {
            std::cerr << "rtmtap: a tap failed on session " << info_.id << ": " << e.what() << std::endl;
        }
        tapFailed_ = true;
    }
}

template <typename Hook>
bool WsConnection::guarded(const char* name, Hook hook) {
    std::string what;
    try {
        hook();
        return true;
    } catch (const std::exception& e) {
        what = e.what();
    } catch (...) {
        what = "an unknown exception";
    }
    {
        std::lock_guard lock(sendMutex_);
        if (error_.empty()) {
            error_ = std::string("the handler failed in ") + name + ": " + what;
        }
    }
    drop();
    return false;
}

void WsConnection::wake() {
    if (wakeFd_ >= 0) {
        uint64_t one = 1;
        [[maybe_unused]] ssize_t n = ::write(wakeFd_, &one, sizeof one);
    }
}

void WsConnection::run(WsHandler& handler, SessionInfo info, const std::string& early) {
    in_.append(early.data(), early.size());
    startMonoUs_ = clock_.monotonicUs();
    info.started_wall_us = clock_.wallUs();
    info_ = std::move(info);
    if (options_.tap) {
        std::lock_guard lock(tapMutex_);
        tapCall([&](Tap& tap) { tap.onSessionStart(info_); });
    }
    // Short socket timeouts: writeFrame() keeps the overall deadline and looks at drop() between.
    io_->setBlocking(true, std::min(options_.sendTimeoutMs, 200));
    {
        std::lock_guard lock(sendMutex_);
        open_ = true;
    }
    if (guarded("onOpen", [&] { handler.onOpen(*this); })) {
        readLoop(handler);
    }
    const WsEnd end = finish();
    guarded("onClose", [&] { handler.onClose(*this, end); });
    if (options_.tap) {
        SessionEnd se;
        se.id = info_.id;
        se.duration_us = sinceOpenUs();
        se.ended_wall_us = info_.started_wall_us + se.duration_us;
        se.close_code = end.code;
        se.close_reason = end.reason;
        se.closed_by = end.byClient() ? "client" : "server";
        se.error = end.error;
        std::lock_guard lock(tapMutex_);
        tapCall([&](Tap& tap) { tap.onSessionEnd(se); });
    }
    linger();
    closeTransport();
}

void WsConnection::closeTransport() {
    std::lock_guard lock(sendMutex_);
    std::lock_guard fdLock(fdMutex_);
    gone_ = true;
    io_.reset();
}

bool WsConnection::gone() const {
    std::lock_guard lock(sendMutex_);
    return gone_;
}

bool WsConnection::closeHandshakeDone() const {
    std::lock_guard lock(sendMutex_);
    return closeReceived_ && closeSent_;
}

void WsConnection::readLoop(WsHandler& handler) {
    for (;;) {
        if (gone() || closeHandshakeDone()) {
            return;
        }
        FrameHeader h;
        const HeaderParse parsed = parseFrameHeader(in_.data(), in_.size(), h);
        if (parsed == HeaderParse::Incomplete) {
            if (!readMore()) {
                return;
            }
            continue;
        }
        if (parsed == HeaderParse::Invalid) {
            fail(WsEnd::Kind::ProtocolError, 1002, "a frame length with the top bit set");
            return;
        }
        const std::string why = frameViolation(h, true, inMessage_);
        if (!why.empty()) {
            fail(WsEnd::Kind::ProtocolError, 1002, why);
            return;
        }
        const uint64_t total = h.length + (h.opcode == 0 ? fragments_.size() : 0);
        if ((h.opcode & 0x8) == 0 && total > options_.maxMessage) {
            tooBig(h, total);
            return;
        }
        const size_t frameSize = h.headerSize + static_cast<size_t>(h.length);
        while (in_.size() < frameSize) {
            if (!readMore()) {
                return;
            }
        }
        std::string payload(in_.data() + h.headerSize, static_cast<size_t>(h.length));
        applyMask(payload.data(), payload.size(), h.mask);
        in_.consume(frameSize);
        if (!onFrame(handler, h, std::move(payload))) {
            return;
        }
    }
}

bool WsConnection::readMore() {
    for (;;) {
        if (dropping_) {
            return false;  // what the client still sends is linger()'s to discard
        }
        int timeoutMs = -1;
        const int64_t deadline = closeDeadlineUs_.load();
        if (deadline != 0) {
            const int64_t left = deadline - monotonicNowUs();
            if (left <= 0) {
                noteError("no close handshake within " + std::to_string(options_.closeTimeoutMs) + " ms");
                return false;
            }
            timeoutMs = static_cast<int>((left + 999) / 1000);
        }
        pollfd fds[2] = {{io_->fd(), POLLIN, 0}, {wakeFd_, POLLIN, 0}};
        const int ready = ::poll(fds, wakeFd_ >= 0 ? 2 : 1, timeoutMs);
        if (ready < 0 && errno != EINTR) {
            noteError(std::string("poll failed: ") + std::strerror(errno));
            return false;
        }
        if (ready <= 0) {
            continue;
        }
        if (wakeFd_ >= 0 && (fds[1].revents & POLLIN)) {
            uint64_t count = 0;
            [[maybe_unused]] ssize_t n = ::read(wakeFd_, &count, sizeof count);
            return true;  // the caller looks again: a close may have completed the handshake
        }
        const ssize_t n = io_->read(in_.prepare(kReadChunk), kReadChunk);
        if (n > 0) {
            in_.commit(static_cast<size_t>(n));
            return true;
        }
        if (n == 0) {
            eof_ = true;
            return false;
        }
        if (n == Transport::Failed) {
            eof_ = true;
            noteError("read failed: " + io_->error());
            return false;
        }
    }
}

void WsConnection::noteError(const std::string& error) {
    std::lock_guard lock(sendMutex_);
    if (error_.empty() && !droppedByServer_ && !dropping_) {
        error_ = error;
    }
}

bool WsConnection::onFrame(WsHandler& handler, const FrameHeader& h, std::string payload) {
    const auto op = static_cast<Opcode>(h.opcode);
    if (op == Opcode::Close) {
        return onCloseFrame(handler, std::move(payload));
    }
    if (closeReceived_) {
        return true;  // the client said it was done: what it sends after is not heard
    }
    if (op == Opcode::Ping || op == Opcode::Pong) {
        Message m = makeMessage(Direction::ClientToServer, op, std::move(payload), 0);
        announce(m);
        if (op == Opcode::Ping && options_.autoPong) {
            sendFrame(Opcode::Pong, m.payload, MessageFlag::Synthetic);
        }
        return guarded("onMessage", [&] { handler.onMessage(*this, m); });
    }
    if (op != Opcode::Continuation) {
        messageOp_ = op;
        fragments_ = std::move(payload);
        messageFrames_ = 1;
    } else {
        fragments_ += payload;
        ++messageFrames_;
    }
    inMessage_ = !h.fin;
    if (inMessage_) {
        return true;
    }
    Message m = makeMessage(Direction::ClientToServer, messageOp_, std::move(fragments_),
                            messageFrames_ > 1 ? MessageFlag::Fragmented : 0);
    fragments_.clear();
    announce(m);
    return guarded("onMessage", [&] { handler.onMessage(*this, m); });
}

bool WsConnection::onCloseFrame(WsHandler& handler, std::string payload) {
    int code = 1005;  // RFC 6455 7.1.5: a close frame without a status code
    if (payload.size() == 1) {
        fail(WsEnd::Kind::ProtocolError, 1002, "a close frame with a 1-byte payload");
        return false;
    }
    if (payload.size() >= 2) {
        code = closeCodeOf(payload, 1005);
        if (!allowedCloseCode(code)) {
            fail(WsEnd::Kind::ProtocolError, 1002, "close code " + std::to_string(code) + " is not one a peer may send");
            return false;
        }
    }
    {
        std::lock_guard lock(sendMutex_);
        if (closeReceived_) {
            return true;  // a second close frame: nothing more to learn
        }
        closeReceived_ = true;
        if (closeFirst_ == CloseFirst::None) {
            closeFirst_ = CloseFirst::Peer;
            firstCloseCode_ = code;
            firstCloseReason_ = payload.size() > 2 ? payload.substr(2) : "";
        }
    }
    int64_t none = 0;
    closeDeadlineUs_.compare_exchange_strong(none, monotonicNowUs() + int64_t(options_.closeTimeoutMs) * 1000);
    Message m = makeMessage(Direction::ClientToServer, Opcode::Close, std::move(payload), 0);
    announce(m);
    if (options_.echoClose) {
        sendFrame(Opcode::Close, m.payload, MessageFlag::Synthetic);
    }
    return guarded("onMessage", [&] { handler.onMessage(*this, m); });
}

void WsConnection::tooBig(const FrameHeader& h, uint64_t total) {
    // Recorded as the proxy records one: its size, no payload.
    const Opcode op = h.opcode == 0 ? messageOp_ : static_cast<Opcode>(h.opcode);
    const uint32_t flags = MessageFlag::Oversize | (h.opcode == 0 || !h.fin ? MessageFlag::Fragmented : 0);
    Message m = makeMessage(Direction::ClientToServer, op, "", flags);
    m.size = total;
    announce(m);
    fail(WsEnd::Kind::TooBig, 1009,
         "client sent a message of at least " + std::to_string(total) + " bytes, above the limit of " +
             std::to_string(options_.maxMessage));
}

void WsConnection::fail(WsEnd::Kind kind, uint16_t code, const std::string& why) {
    const std::string reason = kind == WsEnd::Kind::TooBig ? "message too big" : "protocol error";
    {
        std::lock_guard lock(sendMutex_);
        failed_ = true;
        failKind_ = kind;
        failCode_ = code;
        failReason_ = reason;
        if (error_.empty()) {
            error_ = kind == WsEnd::Kind::TooBig ? why : "client violated the WebSocket protocol: " + why;
        }
    }
    sendFrame(Opcode::Close, closePayload(code, reason), MessageFlag::Synthetic);
    int64_t none = 0;
    closeDeadlineUs_.compare_exchange_strong(none, monotonicNowUs() + int64_t(options_.closeTimeoutMs) * 1000);
}

WsEnd WsConnection::finish() {
    std::lock_guard lock(sendMutex_);
    gone_ = true;
    WsEnd end;
    if (failed_) {
        end.kind = failKind_;
        end.code = failCode_;
        end.reason = failReason_;
    } else if (closeFirst_ != CloseFirst::None) {
        end.kind = closeFirst_ == CloseFirst::Peer ? WsEnd::Kind::PeerClosed : WsEnd::Kind::ServerClosed;
        end.code = firstCloseCode_;
        end.reason = firstCloseReason_;
    } else {
        end.kind = droppedByServer_ || dropping_ ? WsEnd::Kind::ServerDropped : WsEnd::Kind::Dropped;
    }
    end.error = error_;
    // After a close frame the server ends TCP first (RFC 6455 7.1.1); see linger().
    if (io_) {
        io_->shutdownWrite();
    }
    return end;
}

// Waits, bounded, for the client to close its side after a close frame went or after a drop,
// reading and discarding what it sends: closing at once with bytes unread would reset the
// connection, and the client could lose our close frame or the frames just before the drop.
void WsConnection::linger() {
    int64_t deadline = 0;
    {
        std::lock_guard lock(sendMutex_);
        if (!io_ || eof_ || aborted_) {
            return;
        }
        if (dropping_) {
            deadline = monotonicNowUs() + int64_t(options_.closeTimeoutMs) * 1000;
        } else if (closeFirst_ != CloseFirst::None && !droppedByServer_) {
            deadline = closeDeadlineUs_.load();
        } else {
            return;
        }
    }
    char sink[4096];
    for (int64_t left = deadline - monotonicNowUs(); left > 0; left = deadline - monotonicNowUs()) {
        pollfd fd{io_->fd(), POLLIN, 0};
        const int ready = ::poll(&fd, 1, static_cast<int>((left + 999) / 1000));
        if (ready < 0 && errno != EINTR) {
            return;
        }
        if (ready > 0) {
            const ssize_t n = io_->read(sink, sizeof sink);
            if (n == 0 || n == Transport::Failed) {
                return;
            }
        }
    }
}

}  // namespace rtmtap
