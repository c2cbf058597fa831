#pragma once
// What the relay knows about a session at its start and at its end; taps receive these.
#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap {

using HeaderList = std::vector<std::pair<std::string, std::string>>;

struct SessionInfo {
    int64_t id = 0;
    int64_t started_wall_us = 0;  // wall clock, µs since the Unix epoch
    std::string client;           // "127.0.0.1:53122"
    std::string upstream;         // the upstream URL the session was relayed to (path and query joined)
    std::string path;             // the client's request target: path and query as it asked
    std::string subprotocol;      // as chosen by the upstream, "" when none
    HeaderList headers;           // the client's request headers, unredacted: the store redacts
    int64_t replay_of = 0;        // `rtmtap replay --record`: the recorded session this replays, 0 when none
    int64_t derived_from = 0;     // `rtmtap edit`: the session this one was edited from, 0 when none
};

struct SessionEnd {
    int64_t id = 0;
    int64_t ended_wall_us = 0;
    int64_t duration_us = 0;      // monotonic, since the session began
    int close_code = -1;          // code of the first close frame, 1006 for a drop, -1 when none applies
    std::string close_reason;
    std::string closed_by;        // "client" | "server" | "proxy" | "" (never opened)
    std::string error;            // "" for a clean end; otherwise one line saying what went wrong
    int http_status = 101;        // what the client got for its upgrade (101, or 400/502/504/upstream's)
};

}  // namespace rtmtap
