#include "Relay.h"

#include "MaskKeys.h"
#include "protocol/CloseFrame.h"

#include <sys/epoll.h>

#include <algorithm>
#include <iostream>

namespace rtmtap {
namespace {

constexpr size_t kReadChunk = 64 * 1024;
constexpr size_t kReadBudget = 1u << 20;      // per wake-up, so one busy session cannot hog a loop
// What a frame costs against kReadBudget beyond its bytes: a message in 1-byte fragments would
// otherwise be 150,000 frames, milliseconds of the loop, per wake-up.
constexpr size_t kFrameCost = 128;
constexpr size_t kHighWater = 1u << 20;       // pause the source when the destination lags this much
constexpr size_t kLowWater = 256 * 1024;
// A direction that holds this many payload bytes (a long delay, a breakpoint) stops reading its
// source: the sender waits on TCP, as it would behind a slow reader, instead of the proxy's memory.
constexpr size_t kHeldHighWater = 8u << 20;
// While the taps are behind, a side may still pass this many control frames (an idle session's
// pings and pongs, a close) before it is paused like a side that sends data.
constexpr uint32_t kControlWhileBehind = 32;

// Growth of a session's buffers below this is reported to the process-wide budget at the end of the
// wake-up rather than after each read: an echo, read and written at once, costs no shared atomic.
constexpr size_t kBudgetGranule = 64 * 1024;

}  // namespace

Relay::Relay(SessionInfo info, int64_t startMonoUs, std::unique_ptr<Transport> client,
             std::unique_ptr<Transport> upstream, const RelaySettings& settings, const std::vector<Tap*>& taps,
             const Clock& clock, Poller& poller, FilterChain filters)
    : info_(std::move(info)), startMonoUs_(startMonoUs), settings_(settings), taps_(taps), clock_(clock),
      poller_(poller), filters_(std::move(filters)) {
    end_.id = info_.id;
    client_.relay = this;
    client_.io = std::move(client);
    client_.from = Direction::ClientToServer;
    client_.name = "client";
    upstream_.relay = this;
    upstream_.io = std::move(upstream);
    upstream_.from = Direction::ServerToClient;
    upstream_.name = "server";
}

void Relay::start(const std::string& clientEarly, const std::string& upstreamEarly) {
    client_.io->setBlocking(false, 0);
    upstream_.io->setBlocking(false, 0);
    for (auto [side, early] : {std::pair<RelaySide*, const std::string*>{&client_, &clientEarly},
                               std::pair<RelaySide*, const std::string*>{&upstream_, &upstreamEarly}}) {
        if (!early->empty()) {
            side->in.append(early->data(), early->size());
            processFrames(*side, side->in);
            if (side->discardInput) {
                side->in.clear();
            }
        }
    }
    flush(client_);
    flush(upstream_);
    emitPending();
    maybeFinish();
    settle();
}

void Relay::onEvent(RelaySide& side, uint32_t events) {
    if (finished_) {
        return;
    }
    if (events & EPOLLOUT) {
        flush(side);
    }
    if ((events & (EPOLLIN | EPOLLHUP | EPOLLERR)) && canRead(side)) {
        readSome(side);
    }
    flush(other(side));
    emitPending();
    maybeFinish();
    settle();
}

bool Relay::hasBufferedInput() {
    if (finished_) {
        return false;
    }
    for (RelaySide* s : {&client_, &upstream_}) {
        if (canRead(*s) && s->io->hasBuffered()) {
            return true;
        }
    }
    return false;
}

void Relay::pumpBuffered() {
    for (RelaySide* s : {&client_, &upstream_}) {
        if (!finished_ && canRead(*s) && s->io->hasBuffered()) {
            onEvent(*s, EPOLLIN);
        }
    }
}

// Reads go into one scratch buffer per loop thread; only the tail of a frame that has not fully
// arrived is copied into the side's own buffer. An idle session therefore holds no read buffer.
ByteBuffer& Relay::scratch() {
    static thread_local ByteBuffer buffer;
    return buffer;
}

void Relay::readSome(RelaySide& side) {
    size_t left = kReadBudget;
    ByteBuffer& shared = scratch();
    while (canRead(side) && !finished_ && left > 0) {
        const size_t want = std::min(kReadChunk, readAllowance(side));
        if (want == 0) {
            return;
        }
        ByteBuffer& buf = side.in.empty() ? shared : side.in;
        char* p = buf.prepare(want);
        ssize_t n = side.io->read(p, want);
        if (n > 0) {
            buf.commit(static_cast<size_t>(n));
            const size_t frames = processFrames(side, buf);
            left -= std::min(left, static_cast<size_t>(n) + frames * kFrameCost);
            if (side.discardInput) {
                buf.clear();
            }
            if (&buf == &shared) {
                side.in.append(shared.data(), shared.size());
                shared.clear();
            }
            chargeBudget(false);
            if (static_cast<size_t>(n) < want) {
                return;  // drained: epoll is level-triggered, and TLS leftovers are pumped by the loop
            }
            continue;
        }
        if (n == Transport::WouldBlock) {
            return;
        }
        onEof(side, n == 0 ? "" : side.io->error());
        return;
    }
}

void Relay::skipOversize(RelaySide& side, ByteBuffer& buf) {
    size_t n = static_cast<size_t>(std::min<uint64_t>(side.skipBytes, buf.size()));
    buf.consume(n);
    side.skipBytes -= n;
}

size_t Relay::processFrames(RelaySide& side, ByteBuffer& buf) {
    size_t frames = 0;
    while (!side.discardInput && !finished_) {
        if (side.skipBytes > 0) {
            skipOversize(side, buf);
            if (side.skipBytes > 0) {
                return frames;
            }
        }
        FrameHeader h;
        HeaderParse parsed = parseFrameHeader(buf.data(), buf.size(), h);
        if (parsed == HeaderParse::Incomplete) {
            return frames;
        }
        if (parsed == HeaderParse::Invalid) {
            failProtocol(side, 1002, "a frame length with the top bit set");
            return frames;
        }
        if (!validate(side, h)) {
            return frames;
        }
        const uint64_t total = h.length + (side.inMessage ? side.fragments.size() : 0);
        if (!isControl(static_cast<Opcode>(h.opcode)) && total > settings_.maxMessage) {
            uint8_t op = side.inMessage ? side.fragmentOpcode : h.opcode;
            queue(makeMessage(side, op, total, MessageFlag::Oversize | (side.inMessage ? MessageFlag::Fragmented : 0)));
            side.inMessage = false;
            side.fragments.clear();
            buf.consume(h.headerSize);
            side.skipBytes = h.length;
            closeBoth(1009, "message too big",
                      std::string(side.name) + " sent a message of " + std::to_string(total) +
                          " bytes, above --max-message " + std::to_string(settings_.maxMessage));
            continue;
        }
        const size_t frameSize = h.headerSize + static_cast<size_t>(h.length);
        if (buf.size() < frameSize) {
            return frames;
        }
        handleFrame(side, h, buf.data(), frameSize);
        buf.consume(frameSize);
        ++frames;
    }
    return frames;
}

bool Relay::validate(RelaySide& side, const FrameHeader& h) {
    const std::string why = frameViolation(h, side.from == Direction::ClientToServer, side.inMessage);
    if (why.empty()) {
        return true;
    }
    failProtocol(side, 1002, why);
    return false;
}

void Relay::handleFrame(RelaySide& side, const FrameHeader& h, const char* frame, size_t frameSize) {
    const char* payload = frame + h.headerSize;
    const size_t length = static_cast<size_t>(h.length);
    RelaySide& dest = other(side);
    const bool deliver = !dest.gotClose && !dest.writeFailed;
    const bool whole = (h.opcode & 0x8) != 0 || (h.fin && h.opcode != 0);
    if (whole) {
        Message m = makeMessage(side, h.opcode, length, deliver ? 0 : MessageFlag::Dropped);
        m.payload.assign(payload, length);
        if (h.masked) {
            applyMask(m.payload.data(), length, h.mask);
        }
        if (mustFilter(side) && h.opcode != 0x8) {
            filterMessage(side, std::move(m), frame, frameSize);
            return;
        }
        if (h.opcode == 0x8 && !side.held.empty()) {
            // A close is not filtered, but it must not overtake what its direction holds: it
            // goes out (and the destination counts as closed) once they have.
            noteClose(side, m.payload);
            m.flags &= ~MessageFlag::Dropped;
            hold(side, std::move(m), std::string(frame, frameSize), 0);
            return;
        }
        if (deliver) {
            forwardRaw(dest, frame, frameSize);  // the exact bytes, client's mask included
        }
        if (h.opcode == 0x8) {
            if (deliver) {
                dest.gotClose = true;
            }
            noteClose(side, m.payload);
        }
        queue(std::move(m));
        return;
    }
    if (h.opcode != 0) {
        side.inMessage = true;
        side.fragmentOpcode = h.opcode;
        side.fragments.clear();
    }
    const size_t old = side.fragments.size();
    side.fragments.append(payload, length);
    if (h.masked) {
        applyMask(side.fragments.data() + old, length, h.mask);
    }
    if (!h.fin) {
        return;
    }
    Message m = makeMessage(side, side.fragmentOpcode, side.fragments.size(),
                            MessageFlag::Fragmented | (deliver ? 0 : MessageFlag::Dropped));
    m.payload = std::move(side.fragments);
    side.fragments.clear();
    side.inMessage = false;
    if (mustFilter(side)) {
        filterMessage(side, std::move(m), nullptr, 0);
        return;
    }
    if (deliver) {
        forwardEncoded(dest, static_cast<uint8_t>(m.op), m.payload);
    }
    queue(std::move(m));
}

void Relay::forwardRaw(RelaySide& to, const char* frame, size_t size) {
    to.out.append(frame, size);
}

void Relay::forwardEncoded(RelaySide& to, uint8_t opcode, const std::string& payload) {
    // Frames towards the upstream must be masked (RFC 6455 5.3); a fresh, unpredictable key per frame.
    uint8_t mask[4];
    const bool masked = &to == &upstream_;
    if (masked) {
        MaskKeys::next(mask);
    }
    std::string header;
    appendFrameHeader(header, true, opcode, payload.size(), masked ? mask : nullptr);
    to.out.append(header.data(), header.size());
    char* body = to.out.prepare(payload.size());
    std::copy(payload.begin(), payload.end(), body);
    if (masked) {
        applyMask(body, payload.size(), mask);
    }
    to.out.commit(payload.size());
}

Message Relay::makeMessage(RelaySide& side, uint8_t opcode, uint64_t size, uint32_t flags) {
    Message m;
    m.dir = side.from;
    m.op = static_cast<Opcode>(opcode);
    m.flags = flags;
    m.t_us = nowUs();
    m.wall_us = info_.started_wall_us + m.t_us;
    m.size = size;
    return m;
}

void Relay::noteClose(RelaySide& side, const std::string& payload) {
    side.sentClose = true;
    if (!end_.closed_by.empty()) {
        return;
    }
    end_.closed_by = side.name;
    end_.close_code = closeCodeOf(payload, 1005);  // RFC 6455 7.1.5: 1005 for a close without a code
    end_.close_reason = std::string(closeReasonOf(payload));
}

// A direction that holds messages keeps its order even when no filter is left (the one that held
// them was detached meanwhile): what comes behind goes through the chain, and waits.
bool Relay::mustFilter(const RelaySide& side) const {
    return filters_.active() || !side.held.empty();
}

bool Relay::canRead(const RelaySide& side) const {
    // Closing, a side paused for the taps is read again: its close reply ends the session.
    return !side.eof && !side.readPaused && (!side.tapPaused || proxyClosing_) && !side.budgetPaused &&
           side.heldBytes <= kHeldHighWater;
}

size_t Relay::readAllowance(RelaySide& side) {
    side.budgetPaused = false;
    if (!settings_.budget) {
        return SIZE_MAX;
    }
    if (side.discardInput || side.skipBytes > 0 || proxyClosing_) {
        // Reading throws the bytes away (or, closing, records them as not forwarded): nothing
        // stays buffered, and a close reply must get through to end the session.
        settings_.budget->release(&side);
        return SIZE_MAX;
    }
    chargeBudget(true);  // the budget decides on what this session holds now, not a granule ago
    // Part of a message is buffered (a frame not complete, or fragments) and the destination keeps
    // up: this side may take the budget's overdraft to finish the message.
    BufferBudget& budget = *settings_.budget;
    const bool finishing = (!side.in.empty() || side.inMessage) && other(side).out.size() < budget.smallSession();
    const size_t allowed = budget.allowance(&side, buffered(), finishing);
    side.budgetPaused = allowed == 0;
    return allowed;
}

void Relay::chargeBudget(bool force) {
    if (!settings_.budget) {
        return;
    }
    const size_t now = buffered();
    const size_t before = charged_.total();
    if (now == before || (!force && now > before && now - before < kBudgetGranule)) {
        return;
    }
    BufferBudget& budget = *settings_.budget;
    budget.settle(charged_, now, budget.holds(&client_) || budget.holds(&upstream_));
}

size_t Relay::buffered() const {
    size_t total = 0;
    for (const RelaySide* s : {&client_, &upstream_}) {
        total += s->in.size() + s->out.size() + s->fragments.size() + s->heldBytes;
    }
    return total;
}

void Relay::settle() {
    chargeBudget(true);
    updateWatch(client_);
    updateWatch(upstream_);
}

void Relay::retryBudget() {
    if (!finished_) {
        settle();
    }
}

void Relay::filterMessage(RelaySide& side, Message&& m, const char* raw, size_t rawSize) {
    m.flags &= ~MessageFlag::Dropped;  // decided when it goes out
    FilterContext context{info_, side.from, nowUs()};
    applyResult(side, std::move(m), raw, rawSize, filters_.run(context, m));
}

void Relay::applyResult(RelaySide& side, Message&& m, const char* raw, size_t rawSize, FilterResult&& result) {
    sendInserts(result.inserts, true);
    switch (result.action) {
    case FilterResult::Action::Drop:
        m.flags |= MessageFlag::Dropped;
        queue(std::move(m));
        break;
    case FilterResult::Action::Replace:
        if (!replaceMessage(side, m, result.replacements, true)) {
            sendInOrder(side, std::move(m), raw, rawSize);
        }
        break;
    case FilterResult::Action::Hold:
        hold(side, std::move(m), raw != nullptr ? std::string(raw, rawSize) : std::string(),
             clock_.monotonicUs() + int64_t(std::max(0, result.holdMs)) * 1000, result.holdToken);
        break;
    case FilterResult::Action::Close:
        m.flags |= MessageFlag::Dropped;
        queue(std::move(m));
        for (FilterInsert& insert : result.inserts) {
            if (!insert.before) {
                sendInsert(insert);  // the session ends now: what comes after goes before the close
            }
        }
        closeAs(result.close);
        return;
    case FilterResult::Action::Continue:
        sendInOrder(side, std::move(m), raw, rawSize);
        break;
    }
    sendInserts(result.inserts, false);
}

bool Relay::replaceMessage(RelaySide& side, Message& original, std::vector<Message>& replacements, bool inOrder) {
    for (const Message& r : replacements) {
        if (!injectable(r.op, r.payload.size())) {
            std::cerr << "rtmtap: a filter on session " << info_.id << " replaced a frame with a " << toString(r.op)
                      << " frame of " << r.payload.size()
                      << " bytes, which cannot be sent (text, binary, or ping/pong up to 125 bytes): the frame goes on"
                      << std::endl;
            return false;
        }
    }
    const uint32_t injected = original.flags & MessageFlag::Injected;
    original.flags |= MessageFlag::Dropped;
    const int64_t origin = queue(std::move(original));
    for (Message& r : replacements) {
        Message e = makeMessage(side, static_cast<uint8_t>(r.op), r.payload.size(), MessageFlag::Edited | injected);
        e.payload = std::move(r.payload);
        e.edit_of = origin;
        if (inOrder) {
            sendInOrder(side, std::move(e), nullptr, 0);
        } else {
            send(side, std::move(e), nullptr, 0);
        }
    }
    return true;
}

void Relay::sendInserts(const std::vector<FilterInsert>& inserts, bool before) {
    for (const FilterInsert& insert : inserts) {
        if (insert.before != before) {
            continue;
        }
        if (!before && insert.afterMs > 0) {
            ScheduledInsert later{clock_.monotonicUs() + int64_t(insert.afterMs) * 1000, insert};
            auto at = std::upper_bound(scheduled_.begin(), scheduled_.end(), later.dueMonoUs,
                                       [](int64_t due, const ScheduledInsert& s) { return due < s.dueMonoUs; });
            scheduled_.insert(at, std::move(later));
            continue;
        }
        sendInsert(insert);
    }
}

// Enters its direction as if its sender had sent it now (behind what that direction holds).
void Relay::sendInsert(const FilterInsert& insert) {
    if (!injectable(insert.op, insert.payload.size())) {
        std::cerr << "rtmtap: a filter on session " << info_.id << " added a " << toString(insert.op) << " frame of "
                  << insert.payload.size() << " bytes, which cannot be sent (text, binary, or ping/pong up to 125 bytes)"
                  << std::endl;
        return;
    }
    RelaySide& from = sideFrom(insert.dir);
    Message m = makeMessage(from, static_cast<uint8_t>(insert.op), insert.payload.size(), MessageFlag::Injected);
    m.payload = insert.payload;
    sendInOrder(from, std::move(m), nullptr, 0);
}

// The peer of `by` sees `by` close: a close frame with the code, or for 1006 the connection ends
// without one. The close handshake then runs as usual: the peer's answer goes on to `by`.
void Relay::closeAs(const FilterClose& close) {
    RelaySide& by = sideFrom(close.by);
    RelaySide& peer = other(by);
    if (by.sentClose || by.eof || peer.gotClose || peer.writeFailed || proxyClosing_) {
        return;  // the session is already ending
    }
    if (close.code == 1006) {
        if (end_.closed_by.empty()) {
            end_.closed_by = by.name;
            end_.close_code = 1006;
            end_.error = std::string(by.name) + " connection dropped by a filter";
        }
        by.eof = true;  // as if it had hung up: the relay drops the peer once its bytes are out
        dropped_ = true;
        return;
    }
    Message m = makeMessage(by, 0x8, 0, MessageFlag::Injected);
    m.payload = closePayload(close.code, close.reason);
    m.size = m.payload.size();
    forwardEncoded(peer, 0x8, m.payload);
    peer.gotClose = true;
    noteClose(by, m.payload);
    queue(std::move(m));
}

void Relay::sendInOrder(RelaySide& side, Message&& m, const char* raw, size_t rawSize) {
    if (side.held.empty()) {
        send(side, std::move(m), raw, rawSize);
        return;
    }
    hold(side, std::move(m), raw != nullptr ? std::string(raw, rawSize) : std::string(), 0);
}

void Relay::send(RelaySide& side, Message&& m, const char* raw, size_t rawSize) {
    RelaySide& dest = other(side);
    if (dest.gotClose || dest.writeFailed) {
        m.flags |= MessageFlag::Dropped;
    } else if (raw != nullptr) {
        forwardRaw(dest, raw, rawSize);  // the exact bytes, client's mask included
    } else {
        forwardEncoded(dest, static_cast<uint8_t>(m.op), m.payload);
    }
    if (m.op == Opcode::Close && !(m.flags & MessageFlag::Dropped)) {
        dest.gotClose = true;  // a close that waited behind held messages
    }
    queue(std::move(m));
}

void Relay::hold(RelaySide& side, Message&& m, std::string raw, int64_t releaseMonoUs, uint64_t token) {
    side.heldBytes += m.payload.size();
    HeldMessage h{std::move(m), std::move(raw), releaseMonoUs, token, FilterResult()};
    side.held.push_back(std::move(h));
}

void Relay::releaseHeld(RelaySide& side, int64_t nowMonoUs) {
    size_t n = 0;
    for (; n < side.held.size() && side.held[n].releaseMonoUs <= nowMonoUs; ++n) {
        side.heldBytes -= std::min(side.heldBytes, side.held[n].message.payload.size());
        sendReleased(side, side.held[n]);
    }
    side.held.erase(side.held.begin(), side.held.begin() + static_cast<std::ptrdiff_t>(n));
}

void Relay::sendReleased(RelaySide& side, HeldMessage& h) {
    if (h.decision.action == FilterResult::Action::Drop) {
        h.message.flags |= MessageFlag::Dropped;
        queue(std::move(h.message));
        return;
    }
    if (h.decision.action == FilterResult::Action::Replace &&
        replaceMessage(side, h.message, h.decision.replacements, false)) {
        return;
    }
    send(side, std::move(h.message), h.raw.empty() ? nullptr : h.raw.data(), h.raw.size());
}

bool Relay::release(uint64_t token, FilterResult decision) {
    if (finished_ || token == 0) {
        return false;
    }
    for (RelaySide* s : {&client_, &upstream_}) {
        for (HeldMessage& h : s->held) {
            if (h.token == token) {
                h.token = 0;
                h.decision = std::move(decision);
                h.releaseMonoUs = 0;
                releaseHeld(*s, clock_.monotonicUs());
                afterWork();
                return true;
            }
        }
    }
    return false;
}

// The session ends while messages are held: they are recorded, as never forwarded.
void Relay::dropHeld() {
    for (RelaySide* s : {&client_, &upstream_}) {
        for (HeldMessage& h : s->held) {
            h.message.flags |= MessageFlag::Dropped;
            queue(std::move(h.message));
        }
        s->held.clear();
        s->heldBytes = 0;
    }
    scheduled_.clear();  // added messages not yet due never existed on the wire
}

void Relay::inject(Direction dir, Opcode op, std::string payload) {
    if (finished_) {
        return;
    }
    RelaySide& side = dir == Direction::ClientToServer ? client_ : upstream_;
    Message m = makeMessage(side, static_cast<uint8_t>(op), payload.size(), MessageFlag::Injected);
    m.payload = std::move(payload);
    if (mustFilter(side)) {
        filterMessage(side, std::move(m), nullptr, 0);
    } else {
        send(side, std::move(m), nullptr, 0);
    }
    afterWork();
}

void Relay::afterWork() {
    flush(client_);
    flush(upstream_);
    emitPending();
    maybeFinish();
    settle();
}

int64_t Relay::queue(Message&& m) {
    m.session = info_.id;
    m.seq = ++seq_;
    pending_.push_back(std::move(m));
    return seq_;
}

void Relay::emitPending() {
    if (pending_.empty()) {
        return;
    }
    const int64_t forwarded = nowUs();
    for (Message& m : pending_) {
        if (!(m.flags & (MessageFlag::Dropped | MessageFlag::Oversize))) {
            m.fwd_us = forwarded;
            ++relayed_;
        }
    }
    MessageBatch batch = std::make_shared<const std::vector<Message>>(std::move(pending_));
    pending_ = std::vector<Message>();
    for (Tap* tap : taps_) {
        try {
            tap->onMessages(batch);
        } catch (const std::exception& e) {
            reportTapError(e.what());
        }
    }
    pauseSenders(*batch);
}

void Relay::pauseSenders(const std::vector<Message>& announced) {
    if (poller_.tapsOpen()) {
        client_.controlWhileBehind = 0;
        upstream_.controlWhileBehind = 0;
        return;
    }
    if (finished_) {
        return;
    }
    bool paused = false;
    for (const Message& m : announced) {
        RelaySide& side = sideFrom(m.dir);
        if (isControl(m.op) && ++side.controlWhileBehind <= kControlWhileBehind) {
            continue;
        }
        paused = paused || !side.tapPaused;
        side.tapPaused = true;
    }
    if (paused) {
        poller_.resumeWhenTapsOpen(*this);  // the caller's updateWatch drops EPOLLIN
    }
}

void Relay::resumeReading() {
    if (finished_) {
        return;
    }
    client_.tapPaused = false;
    upstream_.tapPaused = false;
    updateWatch(client_);
    updateWatch(upstream_);
}

void Relay::reportTapError(const char* what) {
    // One failing observer must not take the relay down (mitmproxy's addon rule).
    std::cerr << "rtmtap: a tap failed on session " << info_.id << ": " << what << std::endl;
}

void Relay::flush(RelaySide& side) {
    if (finished_) {
        return;  // finish() has closed the transports
    }
    while (!side.out.empty() && !side.writeFailed) {
        ssize_t n = side.io->write(side.out.data(), side.out.size());
        if (n > 0) {
            side.out.consume(static_cast<size_t>(n));
            continue;
        }
        if (n == Transport::WouldBlock) {
            break;
        }
        side.writeFailed = true;
        side.out.clear();
        onEof(side, "write failed: " + side.io->error());
    }
    if (side.out.empty()) {
        side.out.shrinkIfIdle();
    }
    RelaySide& source = other(side);
    if (side.out.size() > kHighWater) {
        source.readPaused = true;
    } else if (side.out.size() < kLowWater) {
        source.readPaused = false;
    }
}

void Relay::onEof(RelaySide& side, const std::string& error) {
    if (side.eof && error.empty()) {
        return;
    }
    side.eof = true;
    if (side.sentClose || proxyClosing_) {
        return;  // a close frame came first: this is the orderly end of the connection
    }
    dropped_ = true;
    if (end_.closed_by.empty()) {
        end_.closed_by = side.name;
        end_.close_code = 1006;
        end_.error = error.empty() ? std::string(side.name) + " dropped the connection without a close frame"
                                   : std::string(side.name) + " connection failed: " + error;
    }
}

void Relay::failProtocol(RelaySide& side, uint16_t code, const std::string& why) {
    side.discardInput = true;  // the caller empties the buffer being parsed
    closeBoth(code, "protocol error", std::string(side.name) + " violated the WebSocket protocol: " + why);
}

void Relay::closeBoth(uint16_t code, const std::string& reason, const std::string& error) {
    if (finished_) {
        return;
    }
    emitPending();
    if (end_.closed_by.empty()) {
        end_.closed_by = "proxy";
        end_.close_code = code;
        end_.close_reason = reason;
    }
    if (!error.empty() && end_.error.empty()) {
        end_.error = error;
    }
    proxyClosing_ = true;
    sendProxyClose(upstream_, code, reason);
    sendProxyClose(client_, code, reason);
    emitPending();
    flush(upstream_);
    flush(client_);
    maybeFinish();
    settle();
}

void Relay::sendProxyClose(RelaySide& to, uint16_t code, const std::string& reason) {
    if (to.gotClose || to.writeFailed || to.eof) {
        return;
    }
    const std::string payload = closePayload(code, reason);
    forwardEncoded(to, 0x8, payload);
    to.gotClose = true;
    to.proxyClosed = true;
    // Recorded in the direction it travels: towards the upstream is c2s.
    Message m = makeMessage(other(to), 0x8, payload.size(), MessageFlag::Synthetic);
    m.payload = payload;
    queue(std::move(m));
}

void Relay::maybeFinish() {
    if (finished_) {
        return;
    }
    auto gone = [](const RelaySide& s) { return s.eof || s.writeFailed; };
    const bool ending = gone(client_) || gone(upstream_) || (client_.sentClose && upstream_.sentClose) || proxyClosing_;
    if (!ending) {
        return;
    }
    if (closeDeadlineUs_ == 0) {
        closeDeadlineUs_ = clock_.monotonicUs() + int64_t(settings_.closeGraceMs) * 1000;
    }
    auto flushed = [&](const RelaySide& s) { return s.out.empty() || gone(s); };
    auto quiet = [&](const RelaySide& s) { return gone(s) || s.sentClose || s.discardInput; };
    if (flushed(client_) && flushed(upstream_) && (dropped_ || (quiet(client_) && quiet(upstream_)))) {
        finish();
    }
}

int64_t Relay::deadlineUs() const {
    int64_t next = closeDeadlineUs_;
    for (const RelaySide* s : {&client_, &upstream_}) {
        if (!s->held.empty() && (next == 0 || s->held.front().releaseMonoUs < next)) {
            next = s->held.front().releaseMonoUs;
        }
    }
    if (!scheduled_.empty() && (next == 0 || scheduled_.front().dueMonoUs < next)) {
        next = scheduled_.front().dueMonoUs;
    }
    return next;
}

void Relay::onTimer(int64_t nowMonoUs) {
    if (finished_) {
        return;
    }
    if (!client_.held.empty() || !upstream_.held.empty() || !scheduled_.empty()) {
        releaseHeld(client_, nowMonoUs);
        releaseHeld(upstream_, nowMonoUs);
        while (!scheduled_.empty() && scheduled_.front().dueMonoUs <= nowMonoUs) {
            const FilterInsert insert = std::move(scheduled_.front().insert);
            scheduled_.erase(scheduled_.begin());
            sendInsert(insert);  // never schedules: it only sends or queues behind held messages
        }
        afterWork();
    }
    if (!finished_ && closeDeadlineUs_ != 0 && nowMonoUs >= closeDeadlineUs_) {
        if (end_.error.empty() && !(client_.sentClose && upstream_.sentClose) && !dropped_) {
            end_.error = "close handshake did not complete in time";
        }
        finish();
    }
}

// A fragmented message the session's end cut off: never forwarded (the relay sends a message on
// once its last fragment is in), and recorded with what came, so no received byte goes unrecorded.
void Relay::recordCutMessages() {
    for (RelaySide* side : {&client_, &upstream_}) {
        if (!side->inMessage) {
            continue;
        }
        Message m = makeMessage(*side, side->fragmentOpcode, side->fragments.size(),
                                MessageFlag::Fragmented | MessageFlag::Dropped | MessageFlag::Incomplete);
        m.payload = std::move(side->fragments);
        side->fragments.clear();
        side->inMessage = false;
        queue(std::move(m));
    }
}

void Relay::finish() {
    if (finished_) {
        return;
    }
    dropHeld();
    recordCutMessages();
    emitPending();
    finished_ = true;
    if (settings_.budget) {
        settings_.budget->settle(charged_, 0, false);
        settings_.budget->release(&client_);
        settings_.budget->release(&upstream_);
    }
    client_.budgetPaused = upstream_.budgetPaused = false;
    for (RelaySide* s : {&client_, &upstream_}) {
        if (s->watched != 0) {
            poller_.watch(s->io->fd(), 0, s);
            s->watched = 0;
        }
        if (!s->writeFailed) {
            s->io->shutdownWrite();
        }
        s->io.reset();
    }
    if (end_.close_code == -1 && !end_.closed_by.empty()) {
        end_.close_code = 1006;
    }
    end_.duration_us = nowUs();
    end_.ended_wall_us = info_.started_wall_us + end_.duration_us;
    end_.http_status = 101;
    for (Tap* tap : taps_) {
        try {
            tap->onSessionEnd(end_);
        } catch (const std::exception& e) {
            reportTapError(e.what());
        }
    }
}

void Relay::updateWatch(RelaySide& side) {
    if (finished_ || !side.io) {
        return;
    }
    side.budgetPaused = false;
    uint32_t want = 0;
    if (canRead(side) && readAllowance(side) > 0) {
        want |= EPOLLIN;
    } else if (!side.budgetPaused && settings_.budget) {
        settings_.budget->release(&side);  // paused for another reason: let another session finish
    }
    if (!side.out.empty() && !side.writeFailed) {
        want |= EPOLLOUT;
    }
    if (want != side.watched) {
        poller_.watch(side.io->fd(), want, &side);
        side.watched = want;
    }
}

}  // namespace rtmtap
