#pragma once
// One HTTP API call the proxy forwarded (user.login, rtm.connect, ...), as taps receive it:
// unredacted, like SessionInfo's headers; the store redacts before writing.
#include "Session.h"

#include <cstdint>
#include <string>

namespace rtmtap {

struct ApiExchange {
    int64_t started_wall_us = 0;  // wall clock, µs since the Unix epoch
    int64_t duration_us = 0;      // monotonic, from the request's arrival to the answer's end
    std::string client;           // "127.0.0.1:53122"
    std::string upstream;         // the API upstream's base URL, "http://127.0.0.1:8080"
    std::string method;
    std::string path;             // request target: path and query as the client sent them
    int status = 0;               // what the client got (the upstream's, or 413/502/504 from rtmtap)
    HeaderList request_headers;
    std::string request_body;
    HeaderList response_headers;  // as the client got them
    std::string response_body;    // as the client got it (rtm.connect: with the rewritten ws_endpoint)
    std::string ws_endpoint;      // rtm.connect: the endpoint the upstream returned, "" otherwise
    std::string error;            // "" when the upstream answered; else one line (the client got 502/504)
};

}  // namespace rtmtap
