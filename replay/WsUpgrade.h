#pragma once
// The server side of the WebSocket opening handshake (RFC 6455 section 4.2), run blocking on the
// connection's own thread. The head is framed by proxy/HttpHead (so frames sent right after the
// request are kept) and parsed by Poco::Net::HTTPRequest, with the same checks as the proxy's.
#include "proxy/HttpHead.h"
#include "proxy/Transport.h"
#include "protocol/Session.h"

#include <cstdint>
#include <string>

namespace rtmtap {

struct WsUpgradeRequest {
    bool upgrade = false;  // true: answer with switchingProtocols(); false: already answered or silent
    SessionInfo info;      // client, path (request target), headers, subprotocol (the first asked for)
    std::string key;       // Sec-WebSocket-Key
    std::string early;     // bytes that came after the head
    std::string error;     // why it is no upgrade
};

// Reads the request head until deadlineUs. What is not an upgrade gets its answer here (400,
// 426, 431, one line, Connection: close); a client that sends no complete head gets none.
WsUpgradeRequest readUpgradeRequest(Transport& io, int64_t deadlineUs);

// The 101 answer, naming the subprotocol when there is one.
std::string switchingProtocols(const std::string& key, const std::string& subprotocol);

// Answers with a short refusal and ends the sending side.
void refuseUpgrade(Transport& io, const UpgradeRefusal& refusal);

}  // namespace rtmtap
