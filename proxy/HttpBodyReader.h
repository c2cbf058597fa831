#pragma once
// Reads the body of an HTTP/1.1 request that follows a head already read (RFC 9112 section 6):
// Content-Length bytes, or a chunked body decoded (chunk extensions and trailers dropped), or
// none. Blocking with a deadline, bounded. Written here rather than with POCO's
// HTTPChunkedInputStream because that reads from its own HTTPSession socket, and the regular
// proxy mode reads from its own OpenSSL transport (proxy/TlsTransport).
#include "Transport.h"

#include <cstdint>
#include <string>

namespace Poco::Net {
class HTTPRequest;
}

namespace rtmtap {

struct BodyRead {
    enum Status { Ok, TooLarge, Timeout, Closed, Malformed } status = Ok;
    std::string body;
    std::string rest;   // bytes after the body (a pipelined next request)
    std::string error;  // one line, when not Ok
};

// already: bytes that came after the head. deadlineUs: monotonicNowUs() time.
BodyRead readRequestBody(Transport& io, const Poco::Net::HTTPRequest& request, std::string already, size_t limit,
                         int64_t deadlineUs);

}  // namespace rtmtap
