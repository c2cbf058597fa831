#pragma once
// What one client of `rtmtap replay --to URL` did against the server: for the report at the end
// (readable or --json), the latency figures, and --expect.
#include "EventCompare.h"
#include "protocol/Message.h"

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

// --reactive: a command that had to wait for the server frames before it.
struct CommandWait {
    int64_t seq = 0;       // the recorded frame's seq
    std::string name;      // the command, "" when it has none
    int64_t waitedUs = 0;  // how long it waited
    bool timedOut = false; // sent after --reactive-timeout, without them
    std::string missing;   // when timed out: "chat.postMessage (0 of 1)"
};

struct ClientReplayResult {
    int client = 0;            // 1, 2, 3 ...
    int64_t session = 0;       // --record: the session's id in the database, else 0
    bool connected = false;    // the upgrade went through and ws_auth was sent
    std::string failure;       // "" when the replay went through, else one line saying why not
    std::string ended;         // how the connection ended ("the replay closed it (1000)")
    int64_t connectUs = -1;    // TCP connect + upgrade + ws_auth sent; -1 when it did not connect
    int64_t durationUs = 0;    // from the TCP connect to the end of the connection
    size_t planned = 0;        // commands to send
    size_t sent = 0;           // commands sent
    std::vector<CommandWait> waits;
    std::string endMissing;    // recorded events that had not arrived when the replay ended, "" when all did
    // The live traffic, both directions, in order, as a recording holds it: seq 1, 2, ... (ws_auth
    // first), t_us since the TCP connect began.
    std::vector<Message> frames;
    int64_t authUs = 0;        // when ws_auth went, on the frames' clock (= connectUs)
    std::vector<int64_t> eventLatenciesUs;  // each answer's delay after the command it answered
    std::map<int64_t, int64_t> mappedIds;   // recorded message id -> live id, where they differ
    std::optional<EventDiff> diff;          // --expect
};

}  // namespace rtmtap
