#include "PgFrameFilter.h"

#include "PgConnection.h"

#include "protocol/JsonText.h"
#include "protocol/Utf8.h"

#include <sqlite3.h>

#include <cmath>
#include <utility>
#include <variant>

namespace rtmtap::pg {
namespace {

// PostgreSQL refuses a lexeme longer than this in a tsquery (and a tsvector).
constexpr size_t kMaxLexemeBytes = 2046;

// Integers a double holds exactly: SQLite compares a JSON real with the value as doubles.
constexpr int64_t kMaxExactInteger = int64_t{1} << 53;

// Text jsonb holds as it is: valid UTF-8, no control character (PostgreSQL refuses \u0000, and
// a key or value with others is left to the path test rather than reasoned about).
bool jsonbText(const std::string& text) {
    for (unsigned char c : text) {
        if (c < 0x20) {
            return false;
        }
    }
    return isValidUtf8(text);
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
    return PgConnection::textArray(steps);
}

std::optional<std::string> PgFrameFilter::containment(const JsonCondition& condition) {
    std::string value = scalarText(condition);
    if (condition.type == JsonCondition::Type::Integer) {
        const int64_t integer = std::get<int64_t>(condition.value);
        if (integer > kMaxExactInteger || integer < -kMaxExactInteger) {
            return std::nullopt;
        }
    } else if (condition.type == JsonCondition::Type::Real) {
        // A whole number below 2^53 only (%.17g then writes its digits): SQLite may compare an
        // integer of the payload with it as a double.
        const double real = std::get<double>(condition.value);
        if (!(std::fabs(real) < static_cast<double>(kMaxExactInteger)) || real != std::trunc(real)) {
            return std::nullopt;
        }
    } else if (condition.type == JsonCondition::Type::Text) {
        const std::string& text = std::get<std::string>(condition.value);
        if (!jsonbText(text)) {
            return std::nullopt;
        }
        value = jsonString(text);
    }
    const std::vector<JsonPathStep>& steps = condition.path.steps();
    if (steps.empty()) {
        return std::nullopt;
    }
    for (auto step = steps.rbegin(); step != steps.rend(); ++step) {
        if (step->isIndex()) {
            value = "[" + value + "]";
        } else if (!jsonbText(step->key) || step->key.find_first_of("\"\\") != std::string::npos) {
            return std::nullopt;  // SQLite's path reads a quote or backslash in a key its own way
        } else {
            value = "{" + jsonString(step->key) + ":" + value + "}";
        }
    }
    return value;
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
        // Payloads without doc (refused by PostgreSQL, or read otherwise by jsonb) stay
        // candidates: SQLite may read them.
        std::optional<std::string> contained = containment(condition);
        std::string test = contained ? "f.doc @> " + params.add(*contained) + "::jsonb"
                                     : "f.doc #> " + params.add(pathArray(condition.path)) + "::text[] IS NOT NULL";
        terms.push_back("(" + test + " OR (f.doc IS NULL AND f.op IN (1, 2)))");
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
