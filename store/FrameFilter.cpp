#include "FrameFilter.h"

#include "TextIndex.h"

#include <cctype>
#include <cerrno>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <stdexcept>
#include <utility>

namespace rtmtap {
namespace {

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

class SqlBuilder {
public:
    SqlBuilder(FrameFilterSql& out, int firstParam) : out_(out), firstParam_(firstParam) {}

    // "?n" for a new parameter bound to value.
    std::string param(SqlValue value) {
        out_.values.push_back(std::move(value));
        return "?" + std::to_string(firstParam_ + static_cast<int>(out_.values.size()) - 1);
    }

private:
    FrameFilterSql& out_;
    int firstParam_;
};

// "(f.kind = K AND f.name_id IN (SELECT id FROM names WHERE name GLOB ?n OR ...))". The
// subquery runs once over the small names table; frames are then matched by integer.
std::string namesMatching(int kind, const std::vector<std::string>& patterns, SqlBuilder& sql) {
    std::string text = "(f.kind = " + std::to_string(kind) + " AND f.name_id IN (SELECT id FROM names WHERE ";
    for (size_t i = 0; i < patterns.size(); ++i) {
        text += (i ? " OR " : "") + std::string("name GLOB ") + sql.param(patterns[i]);
    }
    return text + "))";
}

// The payload as JSON text for the JSON functions, NULL when it is not JSON (they would raise an
// error on it and end the whole query). Only text and binary frames can hold JSON.
const char* const kJsonPayload =
    "(CASE WHEN f.op IN (1, 2) AND json_valid(CAST(f.payload AS TEXT)) THEN CAST(f.payload AS TEXT) END)";

std::string whereTerm(const JsonCondition& c, SqlBuilder& sql) {
    std::string path = sql.param(c.path.sqlite());
    std::string type = std::string("json_type(") + kJsonPayload + ", " + path + ")";
    switch (c.type) {
        case JsonCondition::Type::Null:
            return type + " = 'null'";
        case JsonCondition::Type::True:
            return type + " = 'true'";
        case JsonCondition::Type::False:
            return type + " = 'false'";
        case JsonCondition::Type::Text:
            return "(" + type + " = 'text' AND json_extract(" + kJsonPayload + ", " + path + ") = " +
                   sql.param(c.value) + ")";
        default:
            // A JSON number compares as a number (5 = 5.0); the string "5" does not match 5.
            return "(" + type + " IN ('integer', 'real') AND json_extract(" + kJsonPayload + ", " + path +
                   ") = " + sql.param(c.value) + ")";
    }
}

// A stored finding (store/Findings.h) of a matching rule is about the frame: looked up through
// findings_by_session, once per frame that passes the cheaper terms.
std::string findingTerm(const std::vector<std::string>& rules, SqlBuilder& sql) {
    std::string text = "EXISTS (SELECT 1 FROM findings g WHERE g.session = f.session AND g.seq = f.seq AND (";
    for (size_t i = 0; i < rules.size(); ++i) {
        text += (i ? " OR " : "") + std::string("g.rule GLOB ") + sql.param(rules[i]);
    }
    return text + "))";
}

bool isTokenByte(unsigned char c) {
    return std::isalnum(c) || c >= 0x80;
}

// A GLOB over the lower-cased payload, framed by spaces, that matches the word as the index's
// tokenizer (FTS5 "ascii": runs of ASCII letters and digits and of non-ASCII characters, ASCII
// case folded) would: "post" matches {"a":"post"} but not "postMessage" or "épost". GLOB's own
// specials are literal.
std::string wordGlob(const std::string& word) {
    const char* const boundary = "[^a-z0-9\xc2\x80-\xf4\x8f\xbf\xbf]";  // not a token character
    std::string pattern = "*";
    if (isTokenByte(static_cast<unsigned char>(word.front()))) {
        pattern += boundary;
    }
    for (char c : word) {
        if (c == '*' || c == '?' || c == '[') {
            pattern += std::string("[") + c + "]";
        } else {
            pattern += static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        }
    }
    if (isTokenByte(static_cast<unsigned char>(word.back()))) {
        pattern += boundary;
    }
    return pattern + "*";
}

// Only the frames the full-text index holds (TextIndex::covers). A scan and the index then give
// the same answers.
std::string wordTerm(const std::string& word, SqlBuilder& sql) {
    return "(" + TextIndex::covers("f") + " AND (' ' || lower(CAST(f.payload AS TEXT)) || ' ') GLOB " +
           sql.param(wordGlob(word)) + ")";
}

// A --where value that is a number: Integer or Real, into out; else Text.
JsonCondition::Type numberType(const std::string& value, SqlValue& out) {
    if (value.empty() || value.find_first_not_of("0123456789+-.eE") != std::string::npos) {
        return JsonCondition::Type::Text;
    }
    errno = 0;
    char* end = nullptr;
    long long integer = std::strtoll(value.c_str(), &end, 10);
    if (errno == 0 && *end == '\0') {
        out = static_cast<int64_t>(integer);
        return JsonCondition::Type::Integer;
    }
    errno = 0;
    double real = std::strtod(value.c_str(), &end);
    if (errno == 0 && *end == '\0' && std::isfinite(real)) {
        out = real;
        return JsonCondition::Type::Real;
    }
    return JsonCondition::Type::Text;
}

}  // namespace

JsonCondition parseWhere(const std::string& text) {
    size_t eq = text.find('=');
    if (eq == std::string::npos || eq == 0) {
        throw std::invalid_argument("invalid --where '" + text + "': expected PATH=VALUE, e.g. payload.message.message_type=5");
    }
    JsonCondition c;
    try {
        c.path = JsonPath::parse(text.substr(0, eq));
    } catch (const std::invalid_argument& e) {
        throw std::invalid_argument("invalid --where path in '" + text + "': " + e.what());
    }
    std::string value = text.substr(eq + 1);
    if (value == "null") {
        c.type = JsonCondition::Type::Null;
    } else if (value == "true") {
        c.type = JsonCondition::Type::True;
    } else if (value == "false") {
        c.type = JsonCondition::Type::False;
    } else if (value.size() >= 2 && value.front() == '"' && value.back() == '"') {
        c.value = value.substr(1, value.size() - 2);
    } else {
        c.type = numberType(value, c.value);
        if (c.type == JsonCondition::Type::Text) {
            c.value = value;
        }
    }
    return c;
}

std::string scalarText(const JsonCondition& condition) {
    switch (condition.type) {
        case JsonCondition::Type::Null:
            return "null";
        case JsonCondition::Type::True:
            return "true";
        case JsonCondition::Type::False:
            return "false";
        case JsonCondition::Type::Integer:
            return std::to_string(std::get<int64_t>(condition.value));
        case JsonCondition::Type::Real: {
            char buffer[32];
            std::snprintf(buffer, sizeof buffer, "%.17g", std::get<double>(condition.value));
            return buffer;
        }
        case JsonCondition::Type::Text:
            break;
    }
    return "";
}

bool FrameFilter::empty() const {
    return sessions.empty() && dirs.empty() && ops.empty() && kinds.empty() && events.empty() && commands.empty() &&
           channels.empty() && messages.empty() && users.empty() && !sinceUs && !untilUs && words.empty() &&
           wheres.empty() && !malformed && !edited && !injected && findings.empty();
}

std::vector<std::string> plainTerms(const FrameFilter& filter) {
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
    return terms;
}

FrameFilterSql toSql(const FrameFilter& filter, int firstParam, WordMatch wordsBy) {
    FrameFilterSql out;
    SqlBuilder sql(out, firstParam);
    std::vector<std::string> terms = plainTerms(filter);
    std::vector<std::string> names;
    if (!filter.events.empty()) {
        names.push_back(namesMatching(static_cast<int>(Kind::Event), filter.events, sql));
    }
    if (!filter.commands.empty()) {
        names.push_back(namesMatching(static_cast<int>(Kind::Command), filter.commands, sql));
    }
    if (!names.empty()) {
        terms.push_back(names.size() == 1 ? names[0] : "(" + names[0] + " OR " + names[1] + ")");
    }
    for (const std::string& word : filter.words) {
        if (word.empty()) {
            continue;
        }
        if (wordsBy == WordMatch::Scan || textTokens(word).size() != 1) {
            terms.push_back(wordTerm(word, sql));
        }
    }
    for (const JsonCondition& condition : filter.wheres) {
        terms.push_back(whereTerm(condition, sql));
    }
    if (!filter.findings.empty()) {
        terms.push_back(findingTerm(filter.findings, sql));
    }
    for (const std::string& term : terms) {
        out.condition += (out.condition.empty() ? "" : " AND ") + term;
    }
    if (out.condition.empty()) {
        out.condition = "1";
    }
    return out;
}

std::vector<std::string> textTokens(const std::string& word) {
    std::vector<std::string> tokens;
    std::string token;
    for (unsigned char c : word) {
        if (isTokenByte(c)) {
            token += static_cast<char>(std::tolower(c));
        } else if (!token.empty()) {
            tokens.push_back(std::move(token));
            token.clear();
        }
    }
    if (!token.empty()) {
        tokens.push_back(std::move(token));
    }
    return tokens;
}

std::string ftsQuery(const std::vector<std::string>& words) {
    std::string query;
    for (const std::string& word : words) {
        for (const std::string& token : textTokens(word)) {
            // Tokens hold no '"' (it is not a token byte), so quoting needs no escapes.
            query += (query.empty() ? "\"" : " AND \"") + token + "\"";
        }
    }
    return query;
}

}  // namespace rtmtap
