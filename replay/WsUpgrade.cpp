#include "WsUpgrade.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/String.h>

#include <sstream>

namespace rtmtap {
namespace {

// Like the real server: the first of a comma-separated list.
std::string firstSubprotocol(const std::string& requested) {
    return Poco::trim(requested.substr(0, requested.find(',')));
}

}  // namespace

WsUpgradeRequest readUpgradeRequest(Transport& io, int64_t deadlineUs) {
    WsUpgradeRequest r;
    r.info.client = io.peerAddress();
    HeadRead head = readHttpHead(io, deadlineUs);
    if (head.status == HeadRead::TooLarge) {
        r.error = "request head above 16 KiB";
        refuseUpgrade(io, {431, "Request Header Fields Too Large", "rtmtap: " + r.error, ""});
        return r;
    }
    if (head.status != HeadRead::Ok) {
        r.error = head.status == HeadRead::Timeout ? "client sent no complete request in time"
                                                   : "client closed before completing its request";
        return r;
    }
    Poco::Net::HTTPRequest request;
    try {
        std::istringstream in(head.head);
        request.read(in);
    } catch (const Poco::Exception& e) {
        r.error = "malformed HTTP request: " + e.displayText();
        refuseUpgrade(io, {400, "Bad Request", "rtmtap: " + r.error, ""});
        return r;
    }
    if (auto refusal = checkUpgradeRequest(request, "WebSocket server")) {
        r.error = refusal->line;
        refuseUpgrade(io, *refusal);
        return r;
    }
    r.info.path = request.getURI();
    for (const auto& [name, value] : request) {
        r.info.headers.emplace_back(name, value);
    }
    r.info.subprotocol = firstSubprotocol(request.get("Sec-WebSocket-Protocol", ""));
    r.key = request.get("Sec-WebSocket-Key");
    r.early = std::move(head.rest);
    r.upgrade = true;
    return r;
}

std::string switchingProtocols(const std::string& key, const std::string& subprotocol) {
    std::string response = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                           "Sec-WebSocket-Accept: " +
                           computeWebSocketAccept(key) + "\r\n";
    if (!subprotocol.empty()) {
        response += "Sec-WebSocket-Protocol: " + subprotocol + "\r\n";
    }
    return response + "\r\n";
}

void refuseUpgrade(Transport& io, const UpgradeRefusal& refusal) {
    writeAll(io, simpleResponse(refusal.status, refusal.reason, refusal.line, refusal.extraHeaders));
    io.shutdownWrite();
}

}  // namespace rtmtap
