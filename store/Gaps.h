#pragma once
// The gaps table (schema version 9, docs/schema.md): frames a session relayed but the recorder
// did not keep, because it was behind and `rtmtap proxy --when-behind relay` chose to keep the
// traffic flowing. One row per run of consecutive frames of one session; `rtmtap stats` shows them.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

struct GapRow {
    int64_t session = 0;
    int64_t first_seq = 0, last_seq = 0;  // the frames' seq: frames.seq skips exactly these
    int64_t first_us = 0, last_us = 0;    // their arrival, wall clock µs since the epoch
    int64_t frames = 0;
    int64_t bytes = 0;                    // payload sizes as they arrived
    std::string reason;                   // why the recorder was behind
};

class Database;

class Gaps {
public:
    // The gaps of one session (nullopt: of all), by session and seq, from a database the caller
    // has checked (Schema::checkForReading: store/SqliteReader does). Throws DatabaseError.
    static std::vector<GapRow> read(Database& db, std::optional<int64_t> session);
};

}  // namespace rtmtap
