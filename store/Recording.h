#pragma once
// Replay's view of one recorded session, whatever it came from: a session of a database or a
// session of a JSONL or HAR file (replay/RecordingLoader.h loads one).
#include "protocol/Message.h"
#include "protocol/Session.h"

#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtmtap {

// One HTTP API call of the session's login (user.login, rtm.connect, ...) as it was answered.
struct RecordedApiCall {
    int64_t started_wall_us = 0;  // wall clock, µs since the Unix epoch
    std::string method, path;     // path: path and query
    int status = 0;
    HeaderList response_headers;
    std::string response_body;
    HeaderList request_headers;
    std::string request_body;
};

struct Recording {
    SessionInfo info;  // info.id: dbSessionId
    std::optional<SessionEnd> end;
    std::string label;
    std::vector<Message> frames;            // seq order, seq 1..N, t_us as recorded
    std::vector<RecordedApiCall> apiCalls;  // the session's login calls, oldest first
    int64_t dbSessionId = 0;                // the id in the database when the source is one, else 0
    std::string describe;                   // "session 3 of rtmtap.db", "session 2 of capture.har"
};

// Why a recording cannot be loaded, in one line.
class RecordingError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

}  // namespace rtmtap
