#pragma once
// A FrameFilter (store/FrameFilter.h) as SQL over the server's rtmtap.frames (PG-DESIGN.md,
// "Reading"): the same frames SQLite's reader gives, through the server's indexes.
//   - --event/--command and --finding globs are matched here against the server's names and
//     rules with sqlite3_strglob (SQLite's own GLOB: no second implementation to drift) and
//     become `= ANY($n)` over the ids and rules that matched;
//   - --text: the tokens of every word as one tsquery over f.words (quoted lexemes AND'ed, as
//     ftsQuery() AND's them for FTS5); a word of several tokens, or none, or one the tsquery cannot
//     hold, is checked again on each candidate (recheckWords) with SQLite's own GLOB;
//   - --where: the frames whose doc has something at the path (`f.doc #> $n`), plus the payloads
//     PostgreSQL refused as JSON (doc NULL); every candidate is checked again with SQLite's
//     json_extract (recheckWheres). Not `doc @> value`, which the GIN index serves: jsonb keeps
//     the last of duplicate keys where SQLite reads the first, and compares numbers as numeric
//     where SQLite compares doubles (0.10000000000000001 = 0.1, an integer past int64 as a
//     real), so a containment would miss frames SQLite finds.
// Integers come from typed fields and are written into the SQL, as store/FrameFilter.cpp does.
#include "store/FrameFilter.h"

#include <cstdint>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap::pg {

// What the globs are matched against; only what the filter needs must be filled.
struct PgFilterLookups {
    std::vector<std::pair<int64_t, std::string>> names;  // rtmtap.names (id, name), with --event/--command
    std::vector<std::string> rules;                      // distinct rtmtap.findings.rule, with --finding
};

struct PgFrameFilterSql {
    std::string condition;            // over `rtmtap.frames f`; "true" when the filter is empty
    std::vector<std::string> params;  // the text of $firstParam, $firstParam + 1, ...
    // What SQL cannot decide exactly: each candidate row must pass pg/FrameRecheck with these.
    std::vector<std::string> recheckWords;
    std::vector<JsonCondition> recheckWheres;

    bool needsRecheck() const { return !recheckWords.empty() || !recheckWheres.empty(); }
};

class PgFrameFilter {
public:
    static PgFrameFilterSql toSql(const FrameFilter& filter, const PgFilterLookups& lookups, int firstParam);

    // The ids of the names any pattern matches (SQLite GLOB), in the order of names.
    static std::vector<int64_t> matchingNames(const std::vector<std::string>& patterns,
                                              const std::vector<std::pair<int64_t, std::string>>& names);
    // The rules any pattern matches (SQLite GLOB), in the order of rules.
    static std::vector<std::string> matchingRules(const std::vector<std::string>& patterns,
                                                  const std::vector<std::string>& rules);
    // The tsquery text of the tokens of words the index can match ("'chat' & 'postmessage'");
    // "" when none. The words that need a recheck are appended to recheck.
    static std::string tsQuery(const std::vector<std::string>& words, std::vector<std::string>& recheck);
    // The path as a text[] literal for #>: {payload,message,0}.
    static std::string pathArray(const JsonPath& path);
    // A PostgreSQL array literal of texts: {"a","b\"c"}.

};

}  // namespace rtmtap::pg
