#pragma once
// The rule_counts table (schema version 8, docs/schema.md): what each rule of `rtmtap proxy
// --rules` did over a span of a proxy run. The proxy writes a span's rows when it ends (reload
// or exit); `rtmtap stats` reads the rows of the spans that overlap what it reports on.
#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {

class Database;

struct RuleCountRow {
    int64_t started_us = 0;  // wall clock, µs since the epoch
    int64_t ended_us = 0;
    std::string file;
    int64_t line = 0;
    std::string rule;  // the line as written
    int64_t matched = 0;
    int64_t touched = 0;
    int64_t missing = 0;
};

class RuleCounts {
public:
    // Appends rows to the database at dbPath (which the recorder has created) in one
    // transaction. Throws DatabaseError.
    static void write(const std::string& dbPath, const std::vector<RuleCountRow>& rows);
    // The rows whose span overlaps [fromUs, toUs], oldest span first, then in file order. An
    // older database is migrated first (Schema::checkForReading). Throws DatabaseError.
    static std::vector<RuleCountRow> read(const std::string& dbPath, int64_t fromUs, int64_t toUs);
    // The same from a database the caller has checked (store/SqliteReader does).
    static std::vector<RuleCountRow> read(Database& db, int64_t fromUs, int64_t toUs);
};

}  // namespace rtmtap
