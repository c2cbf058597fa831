#pragma once
// The --upstream URL, checked once at start-up, and how a client's request target joins it.
#include <cstdint>
#include <string>

namespace rtmtap {

struct UpstreamUrl {
    bool tls = false;       // wss://
    std::string host;       // without brackets for IPv6
    uint16_t port = 0;
    std::string basePath;   // "" or "/base" (no trailing slash)
    std::string baseQuery;  // without '?'

    // Throws std::invalid_argument with a one-line reason for anything but ws:// or wss://
    // with a host and a valid port.
    static UpstreamUrl parse(const std::string& url);

    // Request target for the upstream: basePath + the client's path, queries joined with '&'.
    std::string targetFor(const std::string& clientTarget) const;
    std::string hostHeader() const;                          // "host:port" ([v6]:port)
    std::string urlFor(const std::string& clientTarget) const;  // full ws(s):// URL, for the record
};

}  // namespace rtmtap
