#include "MatchJson.h"

#include "protocol/JsonText.h"

#include <stdexcept>

namespace rtmtap {
namespace {

template <typename T, typename Write>
void array(std::string& out, const char* key, const std::vector<T>& values, Write write) {
    if (values.empty()) {
        return;
    }
    out += (out.size() > 1 ? "," : "") + jsonString(key) + ":[";
    for (size_t i = 0; i < values.size(); ++i) {
        out += (i ? "," : "") + write(values[i]);
    }
    out += "]";
}

std::string number(int64_t value) {
    return std::to_string(value);
}

// PATH=VALUE as parseWhere reads it back: text is always quoted ("5" stays a string), a real
// number with every digit it needs.
std::string whereText(const JsonCondition& c) {
    const std::string value =
        c.type == JsonCondition::Type::Text ? "\"" + std::get<std::string>(c.value) + "\"" : scalarText(c);
    return c.path.dotted() + "=" + value;
}

}  // namespace

std::string matchJson(const FrameFilter& f) {
    if (f.sinceUs || f.untilUs) {
        throw std::invalid_argument("--since and --until do not apply to frames as they arrive");
    }
    std::string out = "{";
    array(out, "session", f.sessions, number);
    array(out, "dir", f.dirs, [](Direction d) { return jsonString(toString(d)); });
    array(out, "op", f.ops, [](Opcode o) { return jsonString(toString(o)); });
    array(out, "kind", f.kinds, [](Kind k) { return jsonString(toString(k)); });
    array(out, "event", f.events, jsonString);
    array(out, "command", f.commands, jsonString);
    array(out, "channel", f.channels, number);
    array(out, "message", f.messages, number);
    array(out, "user", f.users, number);
    array(out, "where", f.wheres, [](const JsonCondition& c) { return jsonString(whereText(c)); });
    array(out, "text", f.words, jsonString);
    for (auto [key, on] : {std::pair{"malformed", f.malformed}, {"edited", f.edited}, {"injected", f.injected}}) {
        if (on) {
            out += (out.size() > 1 ? "," : "") + jsonString(key) + ":true";
        }
    }
    return out + "}";
}

}  // namespace rtmtap
