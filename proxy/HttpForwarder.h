#pragma once
// One HTTP request passed on to an origin server and its whole answer read back, with POCO's
// HTTP client: what the API proxy (ApiProxy, a fixed --api-upstream) and the regular proxy mode
// (ForwardProxy, the origin each request names) both do. Hop-by-hop headers are dropped both
// ways (RFC 9110 section 7.6.1); bodies are read whole, bounded, so that they can be recorded.
#include "protocol/Session.h"

#include <Poco/Net/Context.h>
#include <Poco/Net/StreamSocket.h>

#include <cstdint>
#include <istream>
#include <optional>
#include <string>

namespace rtmtap {

struct HttpOrigin {
    bool tls = false;
    std::string host;      // without brackets for IPv6
    uint16_t port = 0;
    std::string basePath;  // "" or "/base"

    std::string url() const;  // "https://host:port/base"

    // http://host[:port][/base] or https://... Throws std::invalid_argument with a one-line reason
    // naming option (e.g. "--api-upstream").
    static HttpOrigin parse(const std::string& url, const std::string& option);
};

// What the client gets: the origin's answer, or rtmtap's own one-line error.
struct UpstreamAnswer {
    int status = 0;
    std::string reason;
    HeaderList headers;         // the origin's, hop-by-hop ones removed
    std::string body;
    std::string error;          // set for rtmtap's own errors (without "rtmtap: ")
    int64_t contentLength = 0;  // the origin's Content-Length (for an answer to HEAD)

    // status with a text/plain body of one line.
    static UpstreamAnswer ownError(int status, const std::string& reason, const std::string& line);
};

struct ForwardRequest {
    std::string method;
    std::string target;  // origin-form: "/path?query"
    HeaderList headers;  // as the client sent them; hop-by-hop ones are dropped here
    std::string body;
    bool declaresBody = false;  // the client sent Content-Length or chunked: send a length on
    std::string host;           // the Host header to send; "" for the origin's host:port
};

// Reads the whole stream into out; false when it holds more than limit bytes.
bool readBoundedStream(std::istream& in, size_t limit, std::string& out);

class HttpForwarder {
public:
    // tls: the client context for an https origin (httpsClientContext), unused for http. label
    // names the origin in error lines ("API upstream").
    HttpForwarder(HttpOrigin origin, Poco::Net::Context::Ptr tls, size_t maxBody, int timeoutMs,
                  std::string label = "upstream");

    // Blocking, at most timeoutMs per connect and read. 502 when the origin cannot be reached or
    // answers more than maxBody bytes, 504 when it is too slow. connected: a socket already
    // connected to the origin to use instead of a new one (TLS is still done here).
    UpstreamAnswer forward(const ForwardRequest& request,
                           std::optional<Poco::Net::StreamSocket> connected = std::nullopt) const;

    const HttpOrigin& origin() const { return origin_; }

private:
    HttpOrigin origin_;
    Poco::Net::Context::Ptr tls_;
    size_t maxBody_;
    int timeoutMs_;
    std::string label_;
};

}  // namespace rtmtap
