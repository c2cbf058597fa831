#pragma once
// The exact test of the --text words and --where conditions that SQL over PostgreSQL can only
// narrow down (pg/PgFrameFilter.h): each candidate frame is checked with the very condition
// SQLite's reader uses (store/FrameFilter.h toSql), evaluated by SQLite itself on that one
// frame in an in-memory connection. GLOB, lower() and json_extract then behave exactly as they
// do over a recorded file, with no second implementation to keep in step.
#include "store/FrameFilter.h"

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

struct sqlite3;
struct sqlite3_stmt;

namespace rtmtap::pg {

class FrameRecheck {
public:
    // words: matched by SQLite's scan (WordMatch::Scan); wheres: as SQLite's json_extract does.
    // Throws std::runtime_error when SQLite cannot prepare the check (out of memory).
    FrameRecheck(std::vector<std::string> words, std::vector<JsonCondition> wheres);
    ~FrameRecheck();
    FrameRecheck(const FrameRecheck&) = delete;
    FrameRecheck& operator=(const FrameRecheck&) = delete;

    // True when the frame passes every word and condition (always, when there are none).
    bool passes(int op, int kind, uint32_t flags, std::string_view payload);

private:
    FrameFilterSql sql_;
    sqlite3* db_ = nullptr;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace rtmtap::pg
