#pragma once
// Blocking reads and writes of HTTP heads during the upgrade, with a deadline.
// Heads are parsed by Poco::Net::HTTPRequest/HTTPResponse; this only frames the bytes so that
// whatever arrives after the head (early WebSocket frames) is kept, not lost in a stream buffer.
#include "Transport.h"

#include <cstdint>
#include <optional>
#include <string>

namespace Poco::Net {
class HTTPRequest;
class HTTPResponse;
}

namespace rtmtap {

struct HeadRead {
    enum Status { Ok, Timeout, Closed, TooLarge, Failed } status = Failed;
    std::string head;  // up to and including the blank line
    std::string rest;  // bytes that came after it
};

// The largest client request head the proxy reads (then 431).
constexpr size_t kMaxRequestHead = 16 * 1024;

// One blocking read that gives up at deadlineUs (a monotonicNowUs() time): as Transport::read,
// with WouldBlock when the deadline has passed, before or during the read.
ssize_t readBefore(Transport& io, char* buf, size_t len, int64_t deadlineUs);

// Reads until "\r\n\r\n" or the limit; deadline is a monotonic time in µs.
HeadRead readHttpHead(Transport& io, int64_t deadlineUs, size_t limit = kMaxRequestHead);

// Where the head in buf ends (just past its blank line), or npos. searchFrom: how much of buf was
// already searched, so that a head arriving in pieces is scanned once.
size_t findHeadEnd(const std::string& buf, size_t searchFrom = 0);

// False when the first bytes of a client's request cannot begin an HTTP request line (its method
// is a token of at most 32 characters: RFC 9110 section 9, POCO's limit): a TLS ClientHello on a
// ws:// port, a binary probe. Such a client is answered at once instead of at its deadline.
bool couldBeHttpRequest(const std::string& start);

// Reads up to limit more bytes (a refusal's body) until EOF, the limit or the deadline.
std::string readSome(Transport& io, size_t limit, int64_t deadlineUs, const std::string& already);

bool writeAll(Transport& io, const std::string& bytes);

// A short error response: one text/plain line, Connection: close.
std::string simpleResponse(int status, const std::string& reason, const std::string& line,
                           const std::string& extraHeaders = "");

// True when a comma-separated header value (Connection: keep-alive, Upgrade) holds token,
// whatever its case.
bool hasHeaderToken(const std::string& value, const std::string& token);

// RFC 9112 section 6.3: a request with neither Content-Length nor Transfer-Encoding has no body.
// POCO's server assumes so only for GET, HEAD and DELETE and reads any other request's body until
// the connection closes: a browser's OPTIONS preflight is answered only at the timeout unless
// its body is read only when this says there is one.
bool requestHasBody(const Poco::Net::HTTPRequest& request);

// The status code of a response head ("HTTP/1.1 403 Forbidden..."): its three digits, -1 when it
// has none. Not Poco's getStatus(): HTTPResponse takes "-1" or "+5" and keeps it in its status
// enum, which is undefined behaviour to read back.
int headStatus(const std::string& head);

// How many body bytes to read after a response head: its Content-Length when that is a number,
// else (absent, or garbage such as "12x", which Poco's getContentLength64 throws on) until the
// peer closes; at most limit either way.
size_t responseBodyLimit(const Poco::Net::HTTPResponse& response, size_t limit);

// Why an upgrade request cannot be answered with 101: the response to send instead.
struct UpgradeRefusal {
    int status = 400;
    std::string reason = "Bad Request";
    std::string line;          // the one-line body
    std::string extraHeaders;  // "Name: value\r\n" lines
};

// Checks a parsed request as RFC 6455 section 4.2.1 asks of a server (GET, Upgrade: websocket,
// Connection: Upgrade, version 13, a key); nullopt when it is an upgrade. `self` names the
// refusing side in the line ("WebSocket proxy", "WebSocket server").
std::optional<UpgradeRefusal> checkUpgradeRequest(const Poco::Net::HTTPRequest& request, const std::string& self);

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
std::string computeWebSocketAccept(const std::string& key);

int64_t monotonicNowUs();

}  // namespace rtmtap
