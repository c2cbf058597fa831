#pragma once
// One proxied session inside a relay loop: reads frames from each side, forwards them to the
// other (the exact bytes whenever a frame is whole), and announces each message to the taps.
// Runs on exactly one EventLoop thread; nothing here is shared with other threads.
// With filters (proxy/FilterChain.h) each whole message, but close frames, passes the chain
// before it goes out; without, the relay takes its unfiltered path (one branch a message).
//
// Taps that fall behind (protocol/Backpressure.h, asked through the Poller): after announcing a
// round's messages, a relay whose taps are no longer open stops reading from each side that sent
// a data message in that round (or more than kControlWhileBehind control frames since the taps
// closed), and reads it again when its loop says they are open. Writes, timers, closes and the
// other side go on, and an idle session's pings and pongs pass. What this bounds: the tap holds at
// most its limit plus, for each side that reads while the taps close or right after they open,
// one read round: at most 1 MiB read from the socket (kReadBudget) plus a message completed from
// bytes read before (at most --max-message), each message costing the recorder its payload plus
// 256 B of bookkeeping, plus up to kControlWhileBehind control frames (at most 125 B each) a side.
#include "BufferBudget.h"
#include "ByteBuffer.h"
#include "FilterChain.h"
#include "FrameCodec.h"
#include "Transport.h"
#include "protocol/Clock.h"
#include "protocol/Message.h"
#include "protocol/Session.h"
#include "protocol/Tap.h"

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

namespace rtmtap {

class Relay;

// How a relay asks its loop to watch its sockets.
class Poller {
public:
    virtual ~Poller() = default;
    virtual void watch(int fd, uint32_t events, void* side) = 0;  // add/modify; 0 events = remove
    // Whether the taps take more without falling further behind (protocol/Backpressure.h).
    virtual bool tapsOpen() const { return true; }
    // The relay stopped reading some sides because tapsOpen() was false: call
    // relay.resumeReading() on the loop thread once the taps are open again.
    virtual void resumeWhenTapsOpen(Relay& relay) { (void)relay; }
};

// A message a filter held, or one queued behind it (a direction keeps its order).
struct HeldMessage {
    Message message;
    std::string raw;            // the frame's exact bytes when it arrived whole, else "" (re-encoded)
    int64_t releaseMonoUs = 0;  // absolute monotonic µs; 0: as soon as those before it are out
    uint64_t token = 0;         // a controller may end the hold early (Relay::release)
    FilterResult decision;      // what becomes of it when it is released: Continue, Drop or Replace
};

// A message a filter added to go out later (FilterInsert::afterMs): not in a direction's queue,
// so nothing waits for it.
struct ScheduledInsert {
    int64_t dueMonoUs = 0;
    FilterInsert insert;
};

struct RelaySide {
    Relay* relay = nullptr;
    std::unique_ptr<Transport> io;
    Direction from = Direction::ClientToServer;  // direction of the frames read from this side
    const char* name = "client";
    ByteBuffer in, out;
    std::string fragments;        // payload of a fragmented message so far (unmasked)
    uint8_t fragmentOpcode = 0;
    bool inMessage = false;
    int64_t messageStartUs = 0;
    bool sentClose = false;       // it sent a close frame
    bool eof = false;             // it closed its sending half, or the socket failed
    bool readPaused = false;      // the other side is not draining: stop reading this one
    bool tapPaused = false;       // the taps are behind and this side sent data: stop reading it
    uint32_t controlWhileBehind = 0;  // control frames read since the taps were last seen open
    bool budgetPaused = false;    // the process-wide budget is spent: wait until it frees
    bool discardInput = false;    // after an oversize or invalid frame: read and throw away
    bool gotClose = false;        // a close frame was written to it (relayed or the proxy's own)
    bool proxyClosed = false;     // the proxy sent it a close frame of its own
    bool writeFailed = false;     // writing to it failed: it is gone
    uint64_t skipBytes = 0;       // rest of an oversize frame's payload, read and thrown away
    uint32_t watched = 0;
    std::vector<HeldMessage> held;  // filtered sessions only: waiting to go out, in order
    size_t heldBytes = 0;           // payload bytes in held: above a bound, reading this side pauses
};

struct RelaySettings {
    size_t maxMessage = 16u << 20;
    int closeGraceMs = 2000;
    std::shared_ptr<BufferBudget> budget;  // shared by every relay of the process; null: no bound
};

class Relay {
public:
    Relay(SessionInfo info, int64_t startMonoUs, std::unique_ptr<Transport> client, std::unique_ptr<Transport> upstream,
          const RelaySettings& settings, const std::vector<Tap*>& taps, const Clock& clock, Poller& poller,
          FilterChain filters = FilterChain());

    // Registers with the poller and processes bytes that came with the handshakes.
    void start(const std::string& clientEarly, const std::string& upstreamEarly);
    void onEvent(RelaySide& side, uint32_t events);
    // True when a side has bytes decrypted inside its TLS transport that epoll cannot report.
    bool hasBufferedInput();
    void pumpBuffered();
    // Closes both sides with a close frame of the proxy's own (1001 on shutdown).
    void closeBoth(uint16_t code, const std::string& reason, const std::string& error);
    // Called by the loop's timer: releases held messages that are due, ends sessions whose close
    // grace ran out.
    void onTimer(int64_t nowUs);
    // Loop thread only: a message made by an injector enters the direction dir as if it had
    // arrived now: through the filters, recorded with Injected (op: text, binary, ping or pong).
    void inject(Direction dir, Opcode op, std::string payload);
    // Loop thread only: ends the hold of the message a filter held with this token (see
    // FilterResult::holdToken) with decision Continue (as it came), Drop or Replace. False when no
    // message of this session is held with that token (it went on at its hold time, or never was).
    bool release(uint64_t token, FilterResult decision);
    // Loop thread only: the taps are open again (Poller::resumeWhenTapsOpen): read the sides
    // that were paused for them.
    void resumeReading();
    bool finished() const { return finished_; }
    int64_t sessionId() const { return info_.id; }
    // The next time onTimer has work (close grace, a held message), absolute monotonic µs; 0: none.
    int64_t deadlineUs() const;
    uint64_t messagesRelayed() const { return relayed_; }
    // A side stopped reading because the process-wide budget is spent (RelaySettings::budget).
    bool waitsForBudget() const { return client_.budgetPaused || upstream_.budgetPaused; }
    // Loop thread only: the budget may have room again (BufferBudget::onFreed): ask again, and watch
    // the sockets that may be read.
    void retryBudget();

private:
    RelaySide& other(RelaySide& side) { return &side == &client_ ? upstream_ : client_; }
    void readSome(RelaySide& side);
    void skipOversize(RelaySide& side, ByteBuffer& buf);
    void reportTapError(const char* what);
    size_t processFrames(RelaySide& side, ByteBuffer& buf);  // returns the frames it handled
    static ByteBuffer& scratch();
    bool validate(RelaySide& side, const FrameHeader& h);
    void handleFrame(RelaySide& side, const FrameHeader& h, const char* frame, size_t frameSize);
    void forwardRaw(RelaySide& to, const char* frame, size_t size);
    void forwardEncoded(RelaySide& to, uint8_t opcode, const std::string& payload);
    Message makeMessage(RelaySide& side, uint8_t opcode, uint64_t size, uint32_t flags);
    // The filtered path: raw is the frame as it arrived (nullptr when it must be encoded anew).
    void filterMessage(RelaySide& side, Message&& m, const char* raw, size_t rawSize);
    void applyResult(RelaySide& side, Message&& m, const char* raw, size_t rawSize, FilterResult&& result);
    // Records the original as not forwarded and sends the replacements, linked to it; false (and
    // nothing done) when a replacement cannot be sent. inOrder: behind the held messages.
    bool replaceMessage(RelaySide& side, Message& original, std::vector<Message>& replacements, bool inOrder);
    void sendInserts(const std::vector<FilterInsert>& inserts, bool before);
    void sendInsert(const FilterInsert& insert);
    void closeAs(const FilterClose& close);
    bool mustFilter(const RelaySide& side) const;
    bool canRead(const RelaySide& side) const;
    // How many bytes side may read, as the budget allows (0 sets budgetPaused); without a budget,
    // as many as it likes.
    size_t readAllowance(RelaySide& side);
    size_t buffered() const;  // what the budget counts: partial frames, fragments, output, held payloads
    // Reports the bytes this session buffers to the budget; small increases wait unless force.
    void chargeBudget(bool force);
    // After a piece of work: the budget charged, the sockets watched for what they may do now.
    void settle();
    RelaySide& sideFrom(Direction dir) { return dir == Direction::ClientToServer ? client_ : upstream_; }
    // Out now, or behind the messages this direction holds.
    void sendInOrder(RelaySide& side, Message&& m, const char* raw, size_t rawSize);
    void send(RelaySide& side, Message&& m, const char* raw, size_t rawSize);
    void hold(RelaySide& side, Message&& m, std::string raw, int64_t releaseMonoUs, uint64_t token = 0);
    void sendReleased(RelaySide& side, HeldMessage& h);
    void releaseHeld(RelaySide& side, int64_t nowMonoUs);
    void dropHeld();
    void recordCutMessages();
    void afterWork();
    void noteClose(RelaySide& side, const std::string& payload);
    int64_t queue(Message&& m);  // returns the seq it got
    void emitPending();
    void pauseSenders(const std::vector<Message>& announced);
    void flush(RelaySide& side);
    void onEof(RelaySide& side, const std::string& error);
    void failProtocol(RelaySide& side, uint16_t code, const std::string& why);
    void sendProxyClose(RelaySide& to, uint16_t code, const std::string& reason);
    void maybeFinish();
    void finish();
    void updateWatch(RelaySide& side);
    int64_t nowUs() const { return clock_.monotonicUs() - startMonoUs_; }

    SessionInfo info_;
    SessionEnd end_;
    int64_t startMonoUs_;
    RelaySettings settings_;
    const std::vector<Tap*>& taps_;
    const Clock& clock_;
    Poller& poller_;
    FilterChain filters_;
    RelaySide client_, upstream_;
    std::vector<Message> pending_;  // read in this round, announced after forwarding
    std::vector<ScheduledInsert> scheduled_;  // by due time
    int64_t seq_ = 0;
    uint64_t relayed_ = 0;
    BudgetCharge charged_;          // bytes reported to settings_.budget
    bool dropped_ = false;          // a side hung up without a close frame: close the other at once
    bool proxyClosing_ = false;     // the proxy sent close frames of its own
    bool finished_ = false;
    int64_t closeDeadlineUs_ = 0;   // absolute monotonic µs; 0 = none
};

}  // namespace rtmtap
