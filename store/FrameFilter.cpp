#include "FrameFilter.h"

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

// "(f.kind = K AND f.name_id IN (SELECT id FROM names WHERE name GLOB ?n OR ...))". The
// subquery runs once over the small names table; frames are then matched by integer.
std::string namesMatching(int kind, const std::vector<std::string>& patterns, FrameFilterSql& out, int firstParam) {
    std::string sql = "(f.kind = " + std::to_string(kind) + " AND f.name_id IN (SELECT id FROM names WHERE ";
    for (size_t i = 0; i < patterns.size(); ++i) {
        int param = firstParam + static_cast<int>(out.texts.size());
        sql += (i ? " OR " : "") + std::string("name GLOB ?") + std::to_string(param);
        out.texts.push_back(patterns[i]);
    }
    return sql + "))";
}

}  // namespace

bool FrameFilter::empty() const {
    return sessions.empty() && dirs.empty() && ops.empty() && kinds.empty() && events.empty() && commands.empty();
}

FrameFilterSql toSql(const FrameFilter& filter, int firstParam) {
    FrameFilterSql out;
    std::vector<std::string> terms;
    if (!filter.sessions.empty()) {
        terms.push_back(inList("f.session", filter.sessions, [](int64_t v) { return v; }));
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
    if (!filter.events.empty()) {
        names.push_back(namesMatching(static_cast<int>(Kind::Event), filter.events, out, firstParam));
    }
    if (!filter.commands.empty()) {
        names.push_back(namesMatching(static_cast<int>(Kind::Command), filter.commands, out, firstParam));
    }
    if (!names.empty()) {
        terms.push_back(names.size() == 1 ? names[0] : "(" + names[0] + " OR " + names[1] + ")");
    }
    for (const std::string& term : terms) {
        out.condition += (out.condition.empty() ? "" : " AND ") + term;
    }
    if (out.condition.empty()) {
        out.condition = "1";
    }
    return out;
}

}  // namespace rtmtap
