#pragma once
// Blocking reads and writes of HTTP heads during the upgrade, with a deadline.
// Heads are parsed by Poco::Net::HTTPRequest/HTTPResponse; this only frames the bytes so that
// whatever arrives after the head (early WebSocket frames) is kept, not lost in a stream buffer.
#include "Transport.h"

#include <cstdint>
#include <string>

namespace rtmtap {

struct HeadRead {
    enum Status { Ok, Timeout, Closed, TooLarge, Failed } status = Failed;
    std::string head;  // up to and including the blank line
    std::string rest;  // bytes that came after it
};

// Reads until "\r\n\r\n" or the limit; deadline is a monotonic time in µs.
HeadRead readHttpHead(Transport& io, int64_t deadlineUs, size_t limit = 16 * 1024);

// Reads up to limit more bytes (a refusal's body) until EOF, the limit or the deadline.
std::string readSome(Transport& io, size_t limit, int64_t deadlineUs, const std::string& already);

bool writeAll(Transport& io, const std::string& bytes);

// A short error response: one text/plain line, Connection: close.
std::string simpleResponse(int status, const std::string& reason, const std::string& line,
                           const std::string& extraHeaders = "");

// Sec-WebSocket-Accept for a Sec-WebSocket-Key (RFC 6455 section 4.2.2).
std::string computeWebSocketAccept(const std::string& key);

int64_t monotonicNowUs();

}  // namespace rtmtap
