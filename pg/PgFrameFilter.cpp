#include "PgFrameFilter.h"

#include "PgConnection.h"

#include "protocol/Utf8.h"

#include <sqlite3.h>

#include <utility>

namespace rtmtap::pg {
namespace {

// PostgreSQL refuses a lexeme longer than this in a tsquery (and a tsvector).
constexpr size_t kMaxLexemeBytes = 2046;

bool globMatches(const std::string& pattern, const std::string& text) {
    return sqlite3_strglob(pattern.c_str(), text.c_str()) == 0;
}

class ParamList {
public:
    ParamList(PgFrameFilterSql& out, int firstParam) : out_(out), firstParam_(firstParam) {}

    // "$n" for a new parameter holding text.
    std::string add(std::string text) {
        out_.params.push_back(std::move(text));
        return "$" + std::to_string(firstParam_ + static_cast<int>(out_.params.size()) - 1);
    }

private:
    PgFrameFilterSql& out_;
    int firstParam_;
};

// The frames SQLite's text index covers (store/TextIndex.cpp), for a word only a recheck decides.
const char* const kTextFrames = "((f.op = 1 OR (f.op = 2 AND f.kind <> 0)) AND (f.flags & 128) = 0)";

}  // namespace

std::vector<int64_t> PgFrameFilter::matchingNames(const std::vector<std::string>& patterns,
                                                  const std::vector<std::pair<int64_t, std::string>>& names) {
    std::vector<int64_t> matched;
    for (const auto& [id, name] : names) {
        for (const std::string& pattern : patterns) {
            if (globMatches(pattern, name)) {
                matched.push_back(id);
                break;
            }
        }
    }
    return matched;
}

std::vector<std::string> PgFrameFilter::matchingRules(const std::vector<std::string>& patterns,
                                                      const std::vector<std::string>& rules) {
    std::vector<std::string> matched;
    for (const std::string& rule : rules) {
        for (const std::string& pattern : patterns) {
            if (globMatches(pattern, rule)) {
                matched.push_back(rule);
                break;
            }
        }
    }
    return matched;
}

std::string PgFrameFilter::tsQuery(const std::vector<std::string>& words, std::vector<std::string>& recheck) {
    std::string query;
    for (const std::string& word : words) {
        if (word.empty()) {
            continue;  // toSql skips it too
        }
        std::vector<std::string> tokens = textTokens(word);
        bool indexable = true;
        for (const std::string& token : tokens) {
            // Not valid UTF-8 or too long: PostgreSQL cannot hold it as a lexeme, only the scan
            // can match it.
            indexable = indexable && token.size() <= kMaxLexemeBytes && isValidUtf8(token);
        }
        if (tokens.size() != 1 || !indexable) {
            recheck.push_back(word);
        }
        if (!indexable) {
            continue;
        }
        for (const std::string& token : tokens) {
            // Tokens hold no quote or backslash (they are not token bytes): no escapes needed.
            query += (query.empty() ? "'" : " & '") + token + "'";
        }
    }
    return query;
}

std::string PgFrameFilter::pathArray(const JsonPath& path) {
    std::vector<std::string> steps;
    for (const JsonPathStep& step : path.steps()) {
        steps.push_back(step.isIndex() ? std::to_string(step.index) : step.key);
    }
    return PgConnection::textArray(steps);
}

PgFrameFilterSql PgFrameFilter::toSql(const FrameFilter& filter, const PgFilterLookups& lookups, int firstParam) {
    PgFrameFilterSql out;
    ParamList params(out, firstParam);
    std::vector<std::string> terms = plainTerms(filter);
    std::vector<std::string> names;
    for (auto [patterns, kind] : {std::pair{&filter.events, Kind::Event}, std::pair{&filter.commands, Kind::Command}}) {
        if (!patterns->empty()) {
            names.push_back("(f.kind = " + std::to_string(static_cast<int>(kind)) + " AND f.name_id = ANY(" +
                            params.add(PgConnection::intArray(matchingNames(*patterns, lookups.names))) + "::integer[]))");
        }
    }
    if (!names.empty()) {
        terms.push_back(names.size() == 1 ? names[0] : "(" + names[0] + " OR " + names[1] + ")");
    }
    std::string text = tsQuery(filter.words, out.recheckWords);
    if (!text.empty()) {
        terms.push_back("f.words @@ " + params.add(text) + "::tsquery");
    } else if (!out.recheckWords.empty()) {
        terms.push_back(kTextFrames);
    }
    for (const JsonCondition& condition : filter.wheres) {
        // Where the path leads to something, and the payloads PostgreSQL refused as JSON (doc
        // NULL), which SQLite may still read: a containment of the value would miss what jsonb
        // reads otherwise than SQLite (the last of duplicate keys, a number with more digits
        // than a double holds, an integer past int64), so the recheck decides.
        terms.push_back("(f.doc #> " + params.add(pathArray(condition.path)) +
                        "::text[] IS NOT NULL OR (f.doc IS NULL AND f.op IN (1, 2)))");
        out.recheckWheres.push_back(condition);
    }
    if (!filter.findings.empty()) {
        terms.push_back("EXISTS (SELECT 1 FROM rtmtap.findings g WHERE g.session = f.session AND g.seq = f.seq AND "
                        "g.rule = ANY(" +
                        params.add(PgConnection::textArray(matchingRules(filter.findings, lookups.rules))) + "::text[]))");
    }
    for (const std::string& term : terms) {
        out.condition += (out.condition.empty() ? "" : " AND ") + term;
    }
    if (out.condition.empty()) {
        out.condition = "true";
    }
    return out;
}

}  // namespace rtmtap::pg
