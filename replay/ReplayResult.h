#pragma once
// What one replay served to one client under test did, for the report at its end (readable or
// --json) and for --expect.
#include "CommandKey.h"
#include "SequenceDiff.h"

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

struct ReplayPing {
    int64_t seq = 0;                     // the recorded ping's seq
    int64_t sentUs = 0;                  // since the replay started (ws_auth)
    std::optional<int64_t> pongAfterUs;  // when the client answered it, nullopt: never
};

struct ReplayHeld {
    int64_t seq = 0;
    std::string name;
    std::string waitsFor;  // the command that would have released it, CommandKey::describe()
};

struct ReplayCommand {
    CommandKey key;
    int64_t atUs = 0;  // since the replay started (negative: before ws_auth)
    int64_t seq = 0;   // recorded: its seq; live: the n-th client frame
};

struct ReplayResult {
    int client = 0;           // 1, 2, 3 ... in the order clients connected
    int64_t session = 0;      // the recorded session id with --record, else the server's own number
    std::string peer;         // "127.0.0.1:50412"
    bool started = false;     // the client sent ws_auth (or, when the recording has none, its first frame)
    size_t planned = 0;       // server frames in one round of the recording
    size_t sent = 0;          // server frames sent (all rounds)
    size_t skipped = 0;       // --step: skipped
    int rounds = 0;           // --loop: rounds begun
    int64_t durationUs = 0;   // from the connection's start to its end
    std::string ended;        // "the client closed it (1000 bye)", "the client sent invalid JSON: dropped ..."
    bool clean = true;        // false: the client misbehaved or the connection broke
    std::vector<ReplayHeld> neverReleased;
    std::vector<ReplayPing> pings;
    std::vector<ReplayCommand> commands;  // what the client under test sent
    int64_t latenessP50Us = 0, latenessP99Us = 0, latenessMaxUs = 0;
    // --expect: the recorded commands against commands, and the diff.
    std::vector<ReplayCommand> expected;
    std::vector<DiffStep> diff;
};

}  // namespace rtmtap
