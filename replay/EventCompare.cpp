#include "EventCompare.h"

#include "protocol/Base64.h"
#include "protocol/JsonScanner.h"
#include "protocol/JsonText.h"

#include <algorithm>
#include <array>
#include <map>
#include <stdexcept>

namespace rtmtap {
namespace {

using Path = std::vector<std::string>;

constexpr std::array<std::string_view, 4> kVolatileNames = {"created_on", "created_on_ts", "last_active_on",
                                                            "last_active_on_ts"};
constexpr std::array<std::string_view, 4> kMessageIdNames = {"message_id", "read_watermark_id",
                                                             "oldest_unread_message_id", "parent_message_id"};

template <size_t N>
bool oneOf(const std::string& s, const std::array<std::string_view, N>& names) {
    return std::find(names.begin(), names.end(), s) != names.end();
}

bool isVolatile(const Path& path) {
    if (path.empty()) {
        return false;
    }
    return (path.size() == 2 && path[0] == "meta" && path[1] == "emitted_on") || oneOf(path.back(), kVolatileNames);
}

bool isMessageIdPath(const Path& path) {
    if (path.empty()) {
        return false;
    }
    if (oneOf(path.back(), kMessageIdNames)) {
        return true;
    }
    return path.size() >= 2 && path.back() == "id" && (path[path.size() - 2] == "message" || path[path.size() - 2] == "parent_message");
}

std::string join(const Path& path) {
    std::string out;
    for (const std::string& segment : path) {
        out += out.empty() ? "" : ".";
        out += segment;
    }
    return out;
}

Path split(const std::string& dotted) {
    Path out;
    size_t start = 0;
    while (true) {
        size_t dot = dotted.find('.', start);
        out.push_back(dotted.substr(start, dot == std::string::npos ? std::string::npos : dot - start));
        if (dot == std::string::npos) {
            return out;
        }
        start = dot + 1;
    }
}

struct Leaf {
    Path path;
    std::string value;  // JSON text: a string with its quotes (escapes made canonical), a number as written
};

// Flattens a JSON text to its leaves in one scan (no DOM: frames are untrusted, and the scanner
// bounds the nesting instead of recursing). An empty object or array is a leaf of its own ("{}").
class Flattener : public JsonHandler {
public:
    explicit Flattener(std::string_view text) : text_(text) {}

    void beginObject(size_t, size_t) { open(true); }
    void beginArray(size_t, size_t) { open(false); }
    void endObject(size_t, size_t) { close("{}"); }
    void endArray(size_t, size_t) { close("[]"); }
    void key(const JsonString& k) {
        std::string_view raw = text_.substr(k.offset, k.length);
        levels_.back().key = k.escaped ? unescapeJson(raw) : std::string(raw);
    }
    void stringValue(const JsonString& s) {
        std::string_view raw = text_.substr(s.offset, s.length);
        leaf(s.escaped ? jsonString(unescapeJson(raw)) : "\"" + std::string(raw) + "\"");
    }
    void numberValue(const JsonNumber& n) { leaf(std::string(text_.substr(n.offset, n.length))); }
    void literalValue(JsonLiteral v, size_t) {
        leaf(v == JsonLiteral::True ? "true" : v == JsonLiteral::False ? "false" : "null");
    }

    std::vector<Leaf> leaves;

private:
    struct Level {
        bool object = false;
        std::string key;
        size_t index = 0;
        size_t children = 0;
    };

    // The path segment of the value about to start: its key, or its index in an array.
    void enterValue() {
        if (levels_.empty()) {
            return;
        }
        Level& top = levels_.back();
        path_.push_back(top.object ? top.key : std::to_string(top.index));
    }
    void leaveValue() {
        if (levels_.empty()) {
            return;
        }
        path_.pop_back();
        Level& top = levels_.back();
        ++top.children;
        ++top.index;
    }
    void open(bool object) {
        enterValue();
        levels_.push_back({object, "", 0, 0});
    }
    void close(const char* empty) {
        if (levels_.back().children == 0) {
            leaves.push_back({path_, empty});
        }
        levels_.pop_back();
        leaveValue();
    }
    void leaf(std::string value) {
        enterValue();
        leaves.push_back({path_, std::move(value)});
        leaveValue();
    }

    std::string_view text_;
    std::vector<Level> levels_;
    Path path_;
};

// value, a number or a quoted string of digits, with its id replaced by the live one.
void mapId(std::string& value, const IdMap& ids) {
    const bool quoted = value.size() >= 2 && value.front() == '"';
    std::string_view digits = quoted ? std::string_view(value).substr(1, value.size() - 2) : std::string_view(value);
    int64_t id = 0;
    if (!parseJsonInt64(digits, id)) {
        return;
    }
    if (std::optional<int64_t> live = ids.live(id)) {
        value = quoted ? "\"" + std::to_string(*live) + "\"" : std::to_string(*live);
    }
}

std::string keyOf(const EventView& v) {
    std::string key = v.name + '\n';
    for (const auto& [path, value] : v.fields) {
        key += path + '=' + value + '\n';
    }
    return key;
}

}  // namespace

std::string EventView::describe(size_t maxChars) const {
    std::string out = name.empty() ? "(no event name)" : name;
    for (const auto& [path, value] : fields) {
        if (path == "event") {
            continue;
        }
        out += " " + (path.empty() ? value : path + "=" + value);
        if (out.size() > maxChars) {
            return out.substr(0, maxChars) + "...";
        }
    }
    return out;
}

EventCompare::EventCompare(std::vector<std::string> ignore) {
    for (const std::string& dotted : ignore) {
        Path path = split(dotted);
        if (std::any_of(path.begin(), path.end(), [](const std::string& s) { return s.empty(); })) {
            throw std::invalid_argument("--ignore '" + dotted + "' is not a dotted path (e.g. payload.message.content)");
        }
        ignore_.push_back(std::move(path));
    }
}

bool EventCompare::ignored(const Path& path) const {
    for (const Path& pattern : ignore_) {
        if (pattern.size() > path.size()) {
            continue;
        }
        bool match = true;
        for (size_t i = 0; i < pattern.size() && match; ++i) {
            match = pattern[i] == "*" || pattern[i] == path[i];
        }
        if (match) {
            return true;
        }
    }
    return false;
}

bool EventCompare::compared(const Message& frame) {
    return frame.dir == Direction::ServerToClient && (frame.op == Opcode::Text || frame.op == Opcode::Binary);
}

EventView EventCompare::view(const Message& frame, const IdMap* ids) const {
    EventView v;
    v.seq = frame.seq;
    Flattener flat(frame.payload);
    JsonScanner scanner(frame.payload);
    if (!scanner.scan(flat)) {
        // Not JSON: its bytes are what there is to compare.
        v.fields.emplace_back("", frame.op == Opcode::Binary ? "(binary) " + encodeBase64(frame.payload)
                                                             : "(not JSON) " + frame.payload);
        v.key = keyOf(v);
        return v;
    }
    for (Leaf& leaf : flat.leaves) {
        if (isVolatile(leaf.path) || ignored(leaf.path)) {
            continue;
        }
        if (ids && isMessageIdPath(leaf.path)) {
            mapId(leaf.value, *ids);
        }
        if (leaf.path.size() == 1 && leaf.path[0] == "event" && leaf.value.size() >= 2 && leaf.value.front() == '"') {
            v.name = unescapeJson(std::string_view(leaf.value).substr(1, leaf.value.size() - 2));
        }
        v.fields.emplace_back(join(leaf.path), std::move(leaf.value));
    }
    std::stable_sort(v.fields.begin(), v.fields.end(), [](const auto& a, const auto& b) { return a.first < b.first; });
    v.key = keyOf(v);
    return v;
}

EventDiff EventCompare::compare(const std::vector<Message>& recorded, int64_t recordedStartUs,
                                const std::vector<Message>& received, int64_t liveStartUs, const IdMap& ids) const {
    EventDiff diff;
    std::vector<std::string> a, b;
    for (const Message& m : recorded) {
        if (compared(m)) {
            diff.recorded.push_back(view(m, &ids));
            diff.recorded.back().atUs = m.t_us - recordedStartUs;
            a.push_back(diff.recorded.back().key);
        }
    }
    for (const Message& m : received) {
        if (compared(m)) {
            diff.received.push_back(view(m, nullptr));
            diff.received.back().atUs = m.t_us - liveStartUs;
            b.push_back(diff.received.back().key);
        }
    }
    diff.steps = diffSequences(a, b);
    return diff;
}

std::vector<FieldChange> EventCompare::changes(const EventView& recorded, const EventView& received) {
    std::map<std::string, FieldChange> byPath;
    for (const auto& [path, value] : recorded.fields) {
        byPath[path].recorded = value;
    }
    for (const auto& [path, value] : received.fields) {
        byPath[path].received = value;
    }
    std::vector<FieldChange> out;
    for (auto& [path, change] : byPath) {
        if (change.recorded != change.received) {
            change.path = path;
            out.push_back(std::move(change));
        }
    }
    return out;
}

}  // namespace rtmtap
