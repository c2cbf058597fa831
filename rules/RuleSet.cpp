#include "RuleSet.h"

#include "FrameMatcher.h"
#include "MatchJson.h"
#include "protocol/JsonScanner.h"
#include "protocol/JsonText.h"
#include "store/ImportError.h"
#include "store/JsonlFormat.h"

#include <fstream>
#include <sstream>

namespace rtmtap {
namespace {

struct Field {
    std::string key;         // decoded
    std::string_view value;  // raw JSON
};

// A field's error: the field is named by its dotted place in the rule (match.event, set.a.b).
class FieldError : public std::runtime_error {
public:
    FieldError(std::string field, const std::string& what) : std::runtime_error(what), field_(std::move(field)) {}
    const std::string& field() const { return field_; }

private:
    std::string field_;
};

[[noreturn]] void fail(const std::string& field, const std::string& what) {
    throw FieldError(field, what);
}

// An error stays one line: field names are decoded keys, and "\n" in a key decodes to a newline.
std::string oneLine(std::string text) {
    for (char& c : text) {
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) {
            c = '?';
        }
    }
    return text;
}

std::vector<Field> fieldsOf(std::string_view raw, const std::string& field, bool wantArray = false) {
    JsonMembers found = jsonMembers(raw);
    if (wantArray ? !found.array : !found.object) {
        fail(field, wantArray ? "must be an array" : "must be an object");
    }
    std::vector<Field> out;
    for (const JsonMember& m : found.members) {
        out.push_back({unescapeJson(raw.substr(m.key.offset, m.key.length)), raw.substr(m.valueOffset, m.valueLength)});
    }
    return out;
}

bool isString(std::string_view v) {
    return !v.empty() && v.front() == '"';
}

std::string stringOf(std::string_view v, const std::string& field) {
    if (!isString(v)) {
        fail(field, "must be a string");
    }
    return unescapeJson(v.substr(1, v.size() - 2));
}

int64_t integerOf(std::string_view v, const std::string& field, int64_t low, int64_t high) {
    int64_t value = 0;
    std::string_view digits = isString(v) ? v.substr(1, v.size() - 2) : v;
    if (!parseJsonInt64(digits, value)) {
        fail(field, "must be an integer, not " + std::string(v.substr(0, 40)));
    }
    if (value < low || value > high) {
        fail(field, "must be from " + std::to_string(low) + " to " + std::to_string(high));
    }
    return value;
}

bool trueOf(std::string_view v, const std::string& field) {
    if (v != "true" && v != "false") {
        fail(field, "must be true or false");
    }
    return v == "true";
}

// A match value that may be one value or an array of them (a repeatable query flag).
std::vector<std::string_view> oneOrMany(std::string_view v, const std::string& field) {
    if (v.empty() || v.front() != '[') {
        return {v};
    }
    std::vector<std::string_view> items;
    for (const Field& f : fieldsOf(v, field, true)) {
        items.push_back(f.value);
    }
    if (items.empty()) {
        fail(field, "an empty array matches nothing");
    }
    return items;
}

template <typename T, typename Parse>
void eachOf(std::string_view v, const std::string& field, std::vector<T>& out, Parse parse) {
    for (std::string_view item : oneOrMany(v, field)) {
        out.push_back(parse(item));
    }
}

void matchKey(const Field& f, Rule& rule) {
    const std::string field = "match." + f.key;
    FrameFilter& m = rule.match;
    auto text = [&](std::string_view v) { return stringOf(v, field); };
    auto id = [&](std::string_view v) { return integerOf(v, field, INT64_MIN, INT64_MAX); };
    if (f.key == "dir") {
        eachOf(f.value, field, m.dirs, [&](std::string_view v) {
            Direction d{};
            if (!parseDirection(text(v), d)) {
                fail(field, "must be \"c2s\" or \"s2c\"");
            }
            return d;
        });
    } else if (f.key == "op") {
        eachOf(f.value, field, m.ops, [&](std::string_view v) {
            Opcode o{};
            if (!parseOpcode(text(v), o) || o == Opcode::Continuation) {
                fail(field, "must be text, binary, ping, pong or close");
            }
            return o;
        });
    } else if (f.key == "kind") {
        eachOf(f.value, field, m.kinds, [&](std::string_view v) {
            const std::string name = text(v);
            for (Kind k : {Kind::Command, Kind::Event, Kind::Control, Kind::Other}) {
                if (name == toString(k)) {
                    return k;
                }
            }
            fail(field, "must be command, event, control or other");
        });
    } else if (f.key == "event" || f.key == "command") {
        eachOf(f.value, field, f.key == "event" ? m.events : m.commands, [&](std::string_view v) {
            try {
                return Glob(text(v)).pattern();
            } catch (const std::invalid_argument& e) {
                fail(field, e.what());
            }
        });
    } else if (f.key == "channel") {
        eachOf(f.value, field, m.channels, id);
    } else if (f.key == "message") {
        eachOf(f.value, field, m.messages, id);
    } else if (f.key == "user") {
        eachOf(f.value, field, m.users, id);
    } else if (f.key == "session") {
        eachOf(f.value, field, m.sessions, id);
    } else if (f.key == "where") {
        eachOf(f.value, field, m.wheres, [&](std::string_view v) {
            try {
                return parseWhere(text(v));
            } catch (const std::invalid_argument& e) {
                fail(field, e.what());
            }
        });
    } else if (f.key == "text") {
        for (std::string_view v : oneOrMany(f.value, field)) {
            std::stringstream words(text(v));
            for (std::string word; words >> word;) {
                m.words.push_back(word);
            }
        }
    } else if (f.key == "malformed") {
        m.malformed = trueOf(f.value, field);
    } else if (f.key == "edited") {
        m.edited = trueOf(f.value, field);
    } else if (f.key == "injected") {
        m.injected = trueOf(f.value, field);
    } else if (f.key == "nth") {
        rule.nth = integerOf(f.value, field, 1, INT64_MAX);
    } else if (f.key == "every") {
        rule.every = integerOf(f.value, field, 1, INT64_MAX);
    } else {
        fail(field, "unknown key (the query filters: dir, op, kind, event, command, channel, message, user, "
                    "session, where, text, malformed, edited, injected; and nth, every)");
    }
}

void readMatch(std::string_view raw, Rule& rule) {
    for (const Field& f : fieldsOf(raw, "match")) {
        matchKey(f, rule);
    }
    if (rule.nth && rule.every) {
        fail("match.every", "nth and every exclude each other (nth: that one frame; every: each nth)");
    }
}

JsonPath pathOf(const std::string& text, const std::string& field) {
    try {
        return JsonPath::parse(text);
    } catch (const std::invalid_argument& e) {
        fail(field, std::string("not a path (payload.message.id, a[0].b): ") + e.what());
    }
}

RuleFrame frameOf(std::string_view raw, const std::string& field, bool after) {
    RuleFrame frame;
    std::string_view data;
    for (const Field& f : fieldsOf(raw, field)) {
        const std::string name = field + "." + f.key;
        if (f.key == "dir") {
            Direction d{};
            if (!parseDirection(stringOf(f.value, name), d)) {
                fail(name, "must be \"c2s\" or \"s2c\"");
            }
            frame.dir = d;
        } else if (f.key == "op") {
            if (!parseOpcode(stringOf(f.value, name), frame.op) || frame.op == Opcode::Continuation ||
                frame.op == Opcode::Close) {
                fail(name, "must be text, binary, ping or pong (a close is the close action)");
            }
        } else if (f.key == "data") {
            data = f.value;
        } else if (f.key == "after_ms") {
            if (!after) {
                fail(name, "only insert_after frames wait");
            }
            frame.afterMs = static_cast<int>(integerOf(f.value, name, 0, 3600000));
        } else if (f.key != "t_us" && f.key != "fwd_us" && f.key != "flags") {
            // t_us, fwd_us and flags: a line pasted from an export; they mean nothing here.
            fail(name, "unknown key (dir, op, data, after_ms)");
        }
    }
    if (data.empty()) {
        fail(field + ".data", "is missing (a JSON value for text, a string, or {\"base64\": ...})");
    }
    try {
        frame.payload = JsonlFormat::framePayload(data, frame.op);
    } catch (const ImportError& e) {
        fail(field + ".data", e.withoutLine());
    }
    if ((frame.op == Opcode::Ping || frame.op == Opcode::Pong) && frame.payload.size() > 125) {
        fail(field + ".data", "a ping or pong holds at most 125 bytes");
    }
    return frame;
}

void readClose(std::string_view raw, Rule& rule) {
    bool code = false;
    for (const Field& f : fieldsOf(raw, "close")) {
        const std::string name = "close." + f.key;
        if (f.key == "by") {
            const std::string by = stringOf(f.value, name);
            if (by != "server" && by != "client") {
                fail(name, "must be \"server\" or \"client\"");
            }
            rule.close.by = by == "server" ? Direction::ServerToClient : Direction::ClientToServer;
        } else if (f.key == "code") {
            const int64_t value = integerOf(f.value, name, 1000, 4999);
            if (value == 1004 || value == 1005 || value == 1015 || (value > 1015 && value < 3000)) {
                fail(name, "not a code a close frame may carry (1000-1003, 1007-1014, 3000-4999; 1006: drop TCP)");
            }
            rule.close.code = static_cast<uint16_t>(value);
            code = true;
        } else if (f.key == "reason") {
            rule.close.reason = stringOf(f.value, name);
            if (rule.close.reason.size() > 123) {
                fail(name, "at most 123 bytes (a close frame holds 125)");
            }
        } else {
            fail(name, "unknown key (by, code, reason)");
        }
    }
    if (!code) {
        fail("close.code", "is missing (1000, or 1006 for a dropped connection)");
    }
}

void readAction(const Field& f, Rule& rule) {
    using A = Rule::Action;
    const std::string& k = f.key;
    if (k == "drop") {
        if (f.value != "true") {
            fail(k, "must be true");
        }
        rule.action = A::Drop;
    } else if (k == "set") {
        rule.action = A::Set;
        for (const Field& s : fieldsOf(f.value, k)) {
            rule.set.emplace_back(pathOf(s.key, "set." + s.key), std::string(s.value));
        }
        if (rule.set.empty()) {
            fail(k, "names no path");
        }
    } else if (k == "delete") {
        rule.action = A::Delete;
        for (const Field& d : fieldsOf(f.value, k, true)) {
            rule.remove.push_back(pathOf(stringOf(d.value, k), k));
        }
        if (rule.remove.empty()) {
            fail(k, "names no path");
        }
    } else if (k == "delay_ms") {
        rule.action = A::Delay;
        rule.delayMs = static_cast<int>(integerOf(f.value, k, 0, 3600000));
    } else if (k == "duplicate") {
        rule.action = A::Duplicate;
        rule.duplicate = static_cast<int>(integerOf(f.value, k, 1, 1000));
    } else if (k == "replace") {
        rule.action = A::Replace;
        rule.frames.push_back(frameOf(f.value, k, false));
        if (rule.frames.back().dir) {
            fail("replace.dir", "a replacement goes the matched frame's way");
        }
    } else if (k == "insert_before" || k == "insert_after") {
        rule.action = k == "insert_before" ? A::InsertBefore : A::InsertAfter;
        const std::vector<Field> items = fieldsOf(f.value, k, true);
        for (size_t i = 0; i < items.size(); ++i) {
            rule.frames.push_back(frameOf(items[i].value, k + "[" + std::to_string(i) + "]", k == "insert_after"));
        }
        if (rule.frames.empty()) {
            fail(k, "holds no frame");
        }
    } else if (k == "close") {
        rule.action = A::Close;
        readClose(f.value, rule);
    } else {
        fail(k, "unknown key (match, and one action: drop, set, delete, delay_ms, duplicate, replace, "
                "insert_before, insert_after, close)");
    }
}

Rule readRule(std::string_view text, uint64_t line) {
    Rule rule;
    rule.line = line;
    rule.text = std::string(text);
    JsonMembers top = jsonMembers(text);
    if (!top.valid) {
        fail("", "not valid JSON (one rule a line: {\"match\": {...}, \"drop\": true})");
    }
    if (!top.object) {
        fail("", "not a JSON object");
    }
    bool match = false;
    std::string action;
    for (const Field& f : fieldsOf(text, "")) {
        if (f.key == "match") {
            if (match) {
                fail("match", "given twice");
            }
            readMatch(f.value, rule);
            match = true;
            continue;
        }
        if (!action.empty()) {
            readAction(f, rule);  // an unknown key says so first
            fail(f.key, "a second action (" + action + " is there already; one action a rule)");
        }
        readAction(f, rule);
        action = f.key;
    }
    if (!match) {
        fail("match", "is missing ({} matches every frame)");
    }
    if (action.empty()) {
        fail("", "no action (drop, set, delete, delay_ms, duplicate, replace, insert_before, insert_after, close)");
    }
    FrameMatcher{rule.match};  // the globs were checked one by one; this checks the whole filter
    return rule;
}

}  // namespace

RuleSet RuleSet::parse(std::istream& in, const std::string& name) {
    RuleSet set;
    set.file = name;
    std::string text;
    for (uint64_t line = 1; std::getline(in, text); ++line) {
        if (!text.empty() && text.back() == '\r') {
            text.pop_back();
        }
        const size_t first = text.find_first_not_of(" \t");
        if (first == std::string::npos || text[first] == '#') {
            continue;
        }
        try {
            set.rules.push_back(readRule(text, line));
        } catch (const FieldError& e) {
            const std::string field = e.field().empty() ? "" : e.field() + ": ";
            throw RuleError(name + ":" + std::to_string(line) + ": " + oneLine(field + e.what()));
        }
    }
    if (in.bad()) {
        throw RuleError(name + ": read error");
    }
    return set;
}

RuleSet RuleSet::load(const std::string& file) {
    std::ifstream in(file, std::ios::binary);
    if (!in) {
        throw RuleError(file + ": cannot open the rules file (check the path and its permissions)");
    }
    return parse(in, file);
}

// Declared in MatchJson.h; here because it shares the rule reader's field checks.
FrameFilter parseMatchJson(std::string_view json) {
    Rule rule;
    try {
        if (!jsonMembers(json).valid) {
            fail("match", "not valid JSON");
        }
        readMatch(json, rule);
        if (rule.nth || rule.every) {
            fail(rule.nth ? "match.nth" : "match.every", "only a rule counts matches");
        }
        FrameMatcher{rule.match};
    } catch (const FieldError& e) {
        throw std::invalid_argument(e.field() + ": " + e.what());
    }
    return rule.match;
}

}  // namespace rtmtap
