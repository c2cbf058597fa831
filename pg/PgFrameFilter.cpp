#include "PgFrameFilter.h"

#include "protocol/Utf8.h"

#include <sqlite3.h>

#include <utility>

namespace rtmtap::pg {
namespace {

// PostgreSQL refuses a lexeme longer than this in a tsquery (and a tsvector).
constexpr size_t kMaxLexemeBytes = 2046;

template <typename T, typename ToInt>
std::string inList(const char* column, const std::vector<T>& values, ToInt toInt) {
    std::string sql = std::string(column) + " IN (";
    for (size_t i = 0; i < values.size(); ++i) {
        sql += (i ? "," : "") + std::to_string(toInt(values[i]));
    }
    return sql + ")";
}

std::string ids(const char* column, const std::vector<int64_t>& values) {
    return inList(column, values, [](int64_t v) { return v; });
}

std::string intArray(const std::vector<int64_t>& values) {
    std::string text = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        text += (i ? "," : "") + std::to_string(values[i]);
    }
    return text + "}";
}

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
    return textArray(steps);
}

std::string PgFrameFilter::textArray(const std::vector<std::string>& values) {
    std::string text = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        text += i ? ",\"" : "\"";
        for (char c : values[i]) {
            if (c == '"' || c == '\\') {
                text += '\\';
            }
            text += c;
        }
        text += '"';
    }
    return text + "}";
}

PgFrameFilterSql PgFrameFilter::toSql(const FrameFilter& filter, const PgFilterLookups& lookups, int firstParam) {
    PgFrameFilterSql out;
    ParamList params(out, firstParam);
    std::vector<std::string> terms;
    if (!filter.sessions.empty()) {
        terms.push_back(ids("f.session", filter.sessions));
    }
    if (!filter.dirs.empty()) {
        terms.push_back(inList("f.dir", filter.dirs, [](Direction d) { return static_cast<int>(d); }));
    }
    if (!filter.ops.empty()) {
        terms.push_back(inList("f.op", filter.ops, [](Opcode o) { return static_cast<int>(o); }));
    }
    if (!filter.kinds.empty()) {
        terms.push_back(inList("f.kind", filter.kinds, [](Kind k) { return static_cast<int>(k); }));
    }
    std::vector<std::string> names;
    for (auto [patterns, kind] : {std::pair{&filter.events, Kind::Event}, std::pair{&filter.commands, Kind::Command}}) {
        if (!patterns->empty()) {
            names.push_back("(f.kind = " + std::to_string(static_cast<int>(kind)) + " AND f.name_id = ANY(" +
                            params.add(intArray(matchingNames(*patterns, lookups.names))) + "::integer[]))");
        }
    }
    if (!names.empty()) {
        terms.push_back(names.size() == 1 ? names[0] : "(" + names[0] + " OR " + names[1] + ")");
    }
    if (!filter.channels.empty()) {
        terms.push_back(ids("f.channel_id", filter.channels));
    }
    if (!filter.messages.empty()) {
        terms.push_back(ids("f.message_id", filter.messages));
    }
    if (!filter.users.empty()) {
        terms.push_back(ids("f.user_id", filter.users));
    }
    if (filter.sinceUs) {
        terms.push_back("f.wall_us >= " + std::to_string(*filter.sinceUs));
    }
    if (filter.untilUs) {
        terms.push_back("f.wall_us <= " + std::to_string(*filter.untilUs));
    }
    for (auto [wanted, flag] : {std::pair<bool, uint32_t>{filter.malformed, MessageFlag::Malformed},
                                {filter.edited, MessageFlag::Edited},
                                {filter.injected, MessageFlag::Injected}}) {
        if (wanted) {
            terms.push_back("(f.flags & " + std::to_string(flag) + ") <> 0");
        }
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
                        params.add(textArray(matchingRules(filter.findings, lookups.rules))) + "::text[]))");
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
