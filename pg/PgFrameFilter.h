#pragma once
// A FrameFilter (store/FrameFilter.h) as SQL over the server's rtmtap.frames (PG-DESIGN.md,
// "Reading"): the same frames SQLite's reader gives, through the server's indexes.
//   - --event/--command and --finding globs are matched here against the server's names and
//     rules with sqlite3_strglob (SQLite's own GLOB: no second implementation to drift) and
//     become `= ANY($n)` over the ids and rules that matched;
//   - --text: the tokens of every word as one tsquery over f.words (quoted lexemes AND'ed, as
//     ftsQuery() AND's them for FTS5); a word of several tokens, or none, or one the tsquery cannot
//     hold, is checked again on each candidate (recheckWords) with SQLite's own GLOB;
//   - --where PATH=VALUE with a text, null, true, false or an integer up to 2^53 (a real with no
//     fraction counts as one): `f.doc @> $n::jsonb` ({"payload":{"message":{"message_type":5}}}),
//     which the GIN index frames_by_doc serves, or doc NULL (found through the partial index
//     frames_without_doc): the shipper stores doc only where jsonb reads the payload as SQLite
//     does for such a value (pg/JsonbFidelity.h: no repeated or escaped key, no number a double
//     cannot hold). Any other value (a fraction) takes the frames with something at the path
//     (`f.doc #> $n IS NOT NULL`) or doc NULL. Every candidate is checked again with SQLite's
//     json_extract (recheckWheres): containment is wider (a[1]=5 takes a 5 anywhere in a).
// Integers come from typed fields and are written into the SQL, as store/FrameFilter.cpp does.
#include "store/FrameFilter.h"

#include <cstdint>
#include <optional>
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
    // The jsonb value whose containment takes every frame the condition matches (and more):
    // {"a":[{"b":5}]} for a[0].b=5; nothing when containment cannot be trusted for this value or
    // path (a fraction, an integer past 2^53, text jsonb cannot hold, a key SQLite's path syntax
    // reads otherwise).
    static std::optional<std::string> containment(const JsonCondition& condition);
};

}  // namespace rtmtap::pg
