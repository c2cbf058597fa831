#pragma once
// What a WsServer runs for each connection: the factory makes one handler per accepted upgrade,
// and the connection's reader thread calls its hooks in order (onOpen, onMessage..., onClose).
// Other threads may send on the connection meanwhile (WsConnection::send is thread-safe).
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <functional>
#include <memory>
#include <string>

namespace rtmtap {

class WsConnection;

// How a connection ended, as its handler hears it once.
struct WsEnd {
    enum class Kind {
        PeerClosed,     // the client sent the first close frame (code, reason)
        ServerClosed,   // this side sent the first close frame (code, reason)
        Dropped,        // the client ended TCP without a close frame (or reset it, or stopped reading)
        ServerDropped,  // drop(), stop() or a failed handler: TCP ended without a close frame
        ProtocolError,  // the client broke RFC 6455: closed with 1002, error says how
        TooBig,         // a message above the size limit: closed with 1009
    };
    Kind kind = Kind::Dropped;
    int code = 1006;     // the first close frame's code (1005 when it had none), 1006 for drops
    std::string reason;  // the first close frame's reason
    std::string error;   // "" for a clean end; otherwise one line saying what went wrong
    bool byClient() const { return kind == Kind::PeerClosed || kind == Kind::Dropped; }
};

const char* toString(WsEnd::Kind kind);  // "peer-closed", "server-closed", "dropped", ...

class WsHandler {
public:
    virtual ~WsHandler() = default;
    // After the 101 went out and the session was announced, before any frame is read.
    virtual void onOpen(WsConnection& /*conn*/) {}
    // Every message from the client, whole (fragments joined), and every ping, pong and close,
    // in arrival order. Automatic answers (WsServerOptions::autoPong, echoClose) are sent
    // before this is called.
    virtual void onMessage(WsConnection& conn, const Message& message) = 0;
    // Once, last. The connection is gone: sends fail from here on.
    virtual void onClose(WsConnection& /*conn*/, const WsEnd& /*end*/) {}
};

// Called on the connection's thread for each upgrade request before it is answered. info holds
// the client address, path, headers and the chosen subprotocol; the factory (or the handler it
// makes) may add to it, and the session is announced to the tap as amended. nullptr refuses the
// upgrade with 503.
using WsHandlerFactory = std::function<std::shared_ptr<WsHandler>(SessionInfo& info)>;

}  // namespace rtmtap
