#include "FrameMatcher.h"

#include "protocol/JsonPath.h"
#include "protocol/JsonScanner.h"

#include <algorithm>
#include <cctype>
#include <cstdlib>
#include <string>

namespace rtmtap {
namespace {

template <typename T>
bool among(const std::vector<T>& values, const T& value) {
    return values.empty() || std::find(values.begin(), values.end(), value) != values.end();
}

bool idAmong(const std::vector<int64_t>& values, const std::optional<int64_t>& id) {
    return values.empty() || (id && std::find(values.begin(), values.end(), *id) != values.end());
}

bool anyMatches(const std::vector<Glob>& globs, const std::string& name) {
    return std::any_of(globs.begin(), globs.end(), [&](const Glob& g) { return g.matches(name); });
}

std::string lower(std::string_view text) {
    std::string out(text);
    for (char& c : out) {
        c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
    }
    return out;
}

// A token byte of SQLite FTS5's ascii tokenizer: ASCII letters and digits, and every non-ASCII byte.
bool isTokenByte(unsigned char c) {
    return std::isalnum(c) || c >= 0x80;
}

// The word (lower case) stands in text (lower case) between non-token bytes where its own ends
// are token bytes (the text's own ends count as such): store/FrameFilter's wordGlob, without SQL.
bool holdsWord(const std::string& text, const std::string& word) {
    const bool boundedFront = isTokenByte(static_cast<unsigned char>(word.front()));
    const bool boundedBack = isTokenByte(static_cast<unsigned char>(word.back()));
    for (size_t at = text.find(word); at != std::string::npos; at = text.find(word, at + 1)) {
        const size_t end = at + word.size();
        const bool frontOk = !boundedFront || at == 0 || !isTokenByte(static_cast<unsigned char>(text[at - 1]));
        const bool backOk = !boundedBack || end == text.size() || !isTokenByte(static_cast<unsigned char>(text[end]));
        if (frontOk && backOk) {
            return true;
        }
    }
    return false;
}

bool numberEquals(std::string_view token, const SqlValue& value) {
    int64_t integer = 0;
    if (const int64_t* wanted = std::get_if<int64_t>(&value); wanted && parseJsonInt64(token, integer)) {
        return integer == *wanted;
    }
    const double number = std::strtod(std::string(token).c_str(), nullptr);
    if (const int64_t* wanted = std::get_if<int64_t>(&value)) {
        return number == static_cast<double>(*wanted);
    }
    if (const double* wanted = std::get_if<double>(&value)) {
        return number == *wanted;
    }
    return false;
}

}  // namespace

bool jsonConditionHolds(const JsonCondition& condition, std::string_view payload) {
    const JsonPathHit hit = locateJsonPath(payload, condition.path);
    if (!hit.found) {
        return false;
    }
    const std::string_view raw = payload.substr(hit.valueOffset, hit.valueLength);
    switch (condition.type) {
    case JsonCondition::Type::Null:
        return hit.type == JsonValueType::Null;
    case JsonCondition::Type::True:
        return hit.type == JsonValueType::True;
    case JsonCondition::Type::False:
        return hit.type == JsonValueType::False;
    case JsonCondition::Type::Text: {
        const std::string* wanted = std::get_if<std::string>(&condition.value);
        return hit.type == JsonValueType::String && wanted && unescapeJson(raw.substr(1, raw.size() - 2)) == *wanted;
    }
    default:
        return hit.type == JsonValueType::Number && numberEquals(raw, condition.value);
    }
}

FrameMatcher::FrameMatcher(FrameFilter filter) : filter_(std::move(filter)) {
    for (const std::string& pattern : filter_.events) {
        events_.emplace_back(pattern);
    }
    for (const std::string& pattern : filter_.commands) {
        commands_.emplace_back(pattern);
    }
    for (const std::string& word : filter_.words) {
        if (!word.empty()) {
            lowerWords_.push_back(lower(word));
        }
    }
}

bool FrameMatcher::matches(const MatchSubject& subject) const {
    const Message& m = subject.message();
    const FrameFilter& f = filter_;
    if (!among(f.sessions, subject.session()) || !among(f.dirs, m.dir) || !among(f.ops, m.op) ||
        (f.sinceUs && m.wall_us < *f.sinceUs) || (f.untilUs && m.wall_us > *f.untilUs) ||
        (f.edited && !(m.flags & MessageFlag::Edited)) || (f.injected && !(m.flags & MessageFlag::Injected))) {
        return false;
    }
    const bool needsPayload = !f.kinds.empty() || !events_.empty() || !commands_.empty() || !f.channels.empty() ||
                              !f.messages.empty() || !f.users.empty() || f.malformed || !lowerWords_.empty() ||
                              !f.wheres.empty();
    if (!needsPayload) {
        return true;
    }
    const Classification& c = subject.classification();
    if (!among(f.kinds, c.kind) || !matchesName(c) || !matchesIds(c) ||
        (f.malformed && !(subject.flags() & MessageFlag::Malformed)) || !matchesWords(subject)) {
        return false;
    }
    if (f.wheres.empty()) {
        return true;
    }
    if ((m.op != Opcode::Text && m.op != Opcode::Binary) || c.malformed) {
        return false;  // only JSON payloads have values at paths
    }
    return std::all_of(f.wheres.begin(), f.wheres.end(),
                       [&](const JsonCondition& w) { return jsonConditionHolds(w, m.payload); });
}

// --event and --command together are one name filter: a frame is one or the other.
bool FrameMatcher::matchesName(const Classification& c) const {
    if (events_.empty() && commands_.empty()) {
        return true;
    }
    return (c.kind == Kind::Event && anyMatches(events_, c.name)) ||
           (c.kind == Kind::Command && anyMatches(commands_, c.name));
}

bool FrameMatcher::matchesIds(const Classification& c) const {
    return idAmong(filter_.channels, c.channel_id) && idAmong(filter_.messages, c.message_id) &&
           idAmong(filter_.users, c.user_id);
}

// As the full-text index sees frames: text, and binary that classified as JSON; not invalid UTF-8.
bool FrameMatcher::matchesWords(const MatchSubject& subject) const {
    if (lowerWords_.empty()) {
        return true;
    }
    const Message& m = subject.message();
    const bool indexed = m.op == Opcode::Text || (m.op == Opcode::Binary && subject.classification().kind != Kind::Other);
    if (!indexed || (subject.flags() & MessageFlag::InvalidUtf8)) {
        return false;
    }
    const std::string text = lower(m.payload);
    return std::all_of(lowerWords_.begin(), lowerWords_.end(), [&](const std::string& w) { return holdsWord(text, w); });
}

}  // namespace rtmtap
