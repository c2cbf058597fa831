#pragma once
// One client connection of a WsServer, after its upgrade. Its own thread reads frames with the
// project's codec (proxy/FrameCodec) in blocking reads, checks them as RFC 6455 asks of a server
// and hands whole messages to the handler; any thread may send, one frame at a time (a mutex).
// Every frame either way can be announced to a tap, with times from the given clock.
#include "WsHandler.h"
#include "WsServerOptions.h"
#include "proxy/ByteBuffer.h"
#include "proxy/FrameCodec.h"
#include "proxy/Transport.h"
#include "protocol/Clock.h"
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <atomic>
#include <cstdint>
#include <memory>
#include <mutex>
#include <string>

namespace rtmtap {

class WsConnection : public std::enable_shared_from_this<WsConnection> {
public:
    ~WsConnection();
    WsConnection(const WsConnection&) = delete;
    WsConnection& operator=(const WsConnection&) = delete;

    // Sends one whole frame of any opcode but Continuation (Close: the payload is the code in
    // two bytes and the reason; see close()). False, and nothing sent, when the connection is
    // gone or this side has already sent a close frame, or for a frame RFC 6455 forbids (a
    // control frame above 125 bytes, a 1-byte close payload). A failed write drops the connection.
    // flags: what the tap records the frame with besides (Edited, Injected: a replay's patch made it).
    bool send(Opcode op, const std::string& payload, uint32_t flags = 0);
    bool sendText(const std::string& text) { return send(Opcode::Text, text); }
    // A close frame; the client's answer is awaited for closeTimeoutMs, then TCP ends.
    bool close(uint16_t code, const std::string& reason);
    // Ends TCP without a close frame, as the real AirSend server does: the frames already sent
    // still reach the client, then its end of the stream; what it sends meanwhile is read and
    // discarded until it closes its side or closeTimeoutMs passes. Safe from any thread, any time.
    void drop();

    bool isOpen() const;
    const SessionInfo& info() const { return info_; }  // id, client address, path, headers, subprotocol
    const std::string& peer() const { return info_.client; }
    const std::string& path() const { return info_.path; }
    const HeaderList& headers() const { return info_.headers; }

private:
    friend class WsServer;
    enum class CloseFirst { None, Peer, Server };

    WsConnection(std::unique_ptr<Transport> io, const WsServerOptions& options, const Clock& clock);
    Transport& transport() { return *io_; }
    void closeTransport();  // the descriptor goes at once, whoever still holds the connection
    void abort();           // drop() without waiting for the client (the server stops)
    void endTcp(int how);   // drop() and abort(): shutdown(how), then the reader stops
    // The whole life after the 101: announce, onOpen, read until the end, onClose, announce.
    void run(WsHandler& handler, SessionInfo info, const std::string& early);

    void readLoop(WsHandler& handler);
    bool readMore();  // false: the connection is over (EOF, an error, the close deadline)
    bool onFrame(WsHandler& handler, const FrameHeader& h, std::string payload);
    bool onCloseFrame(WsHandler& handler, std::string payload);
    void tooBig(const FrameHeader& h, uint64_t total);
    void fail(WsEnd::Kind kind, uint16_t code, const std::string& why);
    WsEnd finish();
    void linger();
    bool gone() const;
    bool closeHandshakeDone() const;
    void noteError(const std::string& error);
    // Runs a handler hook; an exception drops the connection (and says so in the end's error).
    template <typename Hook>
    bool guarded(const char* name, Hook hook);

    bool sendFrame(Opcode op, const std::string& payload, uint32_t flags);
    bool writeFrame(const std::string& frame);  // caller holds sendMutex_
    Message makeMessage(Direction dir, Opcode op, std::string payload, uint32_t flags) const;
    void announce(Message& message);  // numbers it and hands it to the tap
    template <typename Call>
    void tapCall(Call call);
    void wake();
    int64_t sinceOpenUs() const { return clock_.monotonicUs() - startMonoUs_; }

    std::unique_ptr<Transport> io_;  // reset (closed) at the end, under sendMutex_
    const WsServerOptions options_;
    const Clock& clock_;
    SessionInfo info_;
    int wakeFd_ = -1;  // an eventfd: a close sent by another thread shortens the reader's wait
    int64_t startMonoUs_ = 0;

    std::mutex fdMutex_;                 // io_'s descriptor stays open while held (drop() vs the end)
    std::atomic<bool> dropping_{false};  // drop() was called: writes stop, the end is the server's
    std::atomic<bool> aborted_{false};   // both directions were shut: linger() has nothing to wait for

    // Guarded by sendMutex_: what was sent and how the connection is going.
    mutable std::mutex sendMutex_;
    bool open_ = false;
    bool gone_ = false;
    bool closeSent_ = false;
    bool closeReceived_ = false;  // written by the reader only
    bool droppedByServer_ = false;
    bool failed_ = false;
    WsEnd::Kind failKind_ = WsEnd::Kind::ProtocolError;
    int failCode_ = 0;
    std::string failReason_;
    CloseFirst closeFirst_ = CloseFirst::None;
    int firstCloseCode_ = 1005;
    std::string firstCloseReason_;
    std::string error_;
    std::atomic<int64_t> closeDeadlineUs_{0};  // real monotonic time; 0 while no close went either way

    std::mutex tapMutex_;  // seq numbers and tap calls in one order
    int64_t seq_ = 0;
    bool tapFailed_ = false;

    // The reader thread's own.
    ByteBuffer in_;
    std::string fragments_;
    Opcode messageOp_ = Opcode::Text;
    bool inMessage_ = false;
    int messageFrames_ = 0;
    bool eof_ = false;  // the client closed its side (or the socket failed)
};

}  // namespace rtmtap
