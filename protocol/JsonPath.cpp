#include "JsonPath.h"

#include "JsonScanner.h"
#include "Utf8.h"

#include <algorithm>
#include <sstream>
#include <stdexcept>

namespace rtmtap {
namespace {

void parseSegment(const std::string& segment, std::vector<JsonPathStep>& out) {
    size_t bracket = segment.find('[');
    JsonPathStep key;
    key.key = segment.substr(0, bracket);
    // The rules' set writes a missing key as it is between quotes: it must be valid there.
    const bool control = std::any_of(key.key.begin(), key.key.end(), [](char c) { return static_cast<unsigned char>(c) < 0x20; });
    if (key.key.empty() || key.key.find_first_of("\\\"]") != std::string::npos || control || !isValidUtf8(key.key)) {
        throw std::invalid_argument("empty key or one with \\, \", ], a control character or bytes that are not UTF-8");
    }
    out.push_back(key);
    while (bracket != std::string::npos) {
        size_t close = segment.find(']', bracket);
        std::string index = segment.substr(bracket + 1, close == std::string::npos ? std::string::npos : close - bracket - 1);
        if (close == std::string::npos || index.empty() || index.size() > 18 ||
            index.find_first_not_of("0123456789") != std::string::npos) {
            throw std::invalid_argument("an index is [ and digits and ]");
        }
        JsonPathStep step;
        step.index = std::stoll(index);
        out.push_back(step);
        bracket = close + 1 < segment.size() ? close + 1 : std::string::npos;
        if (bracket != std::string::npos && segment[bracket] != '[') {
            throw std::invalid_argument("text after ]");
        }
    }
}

size_t literalLength(JsonLiteral literal) {
    return literal == JsonLiteral::False ? 5 : 4;
}

JsonValueType literalType(JsonLiteral literal) {
    switch (literal) {
    case JsonLiteral::True: return JsonValueType::True;
    case JsonLiteral::False: return JsonValueType::False;
    default: return JsonValueType::Null;
    }
}

// The JsonScanner hooks. Each value gets a depth (the number of steps from the root to it) and
// is "on the path" when its parent is and its key or index is the path's step at that depth; only
// the first value at each depth can be (duplicate keys: the first wins).
class PathLocator : public JsonHandler {
public:
    PathLocator(std::string_view text, const JsonPath& path, JsonPathHit& hit)
        : text_(text), steps_(path.steps()), hit_(hit), seen_(steps_.size() + 1, false) {}

    void beginObject(size_t at, size_t) { beginContainer(at, true); }
    void beginArray(size_t at, size_t) { beginContainer(at, false); }
    void endObject(size_t end, size_t) { endContainer(end); }
    void endArray(size_t end, size_t) { endContainer(end); }
    void key(const JsonString& token) {
        Level& level = levels_.back();
        level.memberStart = token.offset - 1;
        noteNextMember(level, level.memberStart);
        if (level.onPath && levels_.size() <= steps_.size()) {
            level.key.clear();
            if (token.escaped) {
                appendUnescapedJson(text_.substr(token.offset, token.length), level.key);
            } else {
                level.key.assign(text_.substr(token.offset, token.length));
            }
        }
    }
    void stringValue(const JsonString& token) { scalar(token.offset - 1, token.length + 2, JsonValueType::String); }
    void numberValue(const JsonNumber& token) { scalar(token.offset, token.length, JsonValueType::Number); }
    void literalValue(JsonLiteral literal, size_t at) { scalar(at, literalLength(literal), literalType(literal)); }

private:
    struct Level {
        bool object = false;
        bool onPath = false;
        bool isParent = false;     // the container the path's last step looks into
        bool isTarget = false;     // the value the path names
        size_t at = 0;
        std::string key;           // an object's current key, when on the path
        int64_t index = -1;        // an array's current element
        size_t memberStart = 0;    // of the current member: its key's quote, or the element
        size_t count = 0;          // members that ended so far (parent only)
        size_t lastEnd = 0;        // where the last ended member's value ends (parent only)
    };

    // Where the value starting at `at` stands; true when it is the target.
    bool startValue(size_t at, bool& onPath) {
        onPath = false;
        size_t depth = levels_.size();
        if (levels_.empty()) {
            onPath = true;
        } else {
            Level& parent = levels_.back();
            if (!parent.object) {
                ++parent.index;
                parent.memberStart = at;
                noteNextMember(parent, at);
            }
            if (parent.onPath && depth <= steps_.size()) {
                const JsonPathStep& step = steps_[depth - 1];
                onPath = parent.object ? !step.isIndex() && step.key == parent.key
                                       : step.isIndex() && step.index == parent.index;
            }
        }
        if (onPath && seen_[depth]) {
            onPath = false;
        }
        if (onPath) {
            seen_[depth] = true;
        }
        const bool target = onPath && depth == steps_.size();
        if (target) {
            hit_.found = true;
            hit_.valueOffset = at;
            if (!levels_.empty()) {
                memberStart_ = levels_.back().memberStart;
                prevEnd_ = levels_.back().count > 0 ? levels_.back().lastEnd : std::string_view::npos;
            }
        }
        return target;
    }

    // A member of the target's parent starts after the target: the target's removal ends there.
    void noteNextMember(const Level& level, size_t start) {
        if (level.isParent && hit_.found && !targetOpen_ && nextStart_ == std::string_view::npos) {
            nextStart_ = start;
        }
    }

    void endValue(size_t end, bool target) {
        if (target) {
            hit_.valueLength = end - hit_.valueOffset;
            targetOpen_ = false;
        }
        if (!levels_.empty() && levels_.back().isParent) {
            ++levels_.back().count;
            levels_.back().lastEnd = end;
        }
    }

    void scalar(size_t at, size_t length, JsonValueType type) {
        bool onPath = false;
        const bool target = startValue(at, onPath);
        if (target) {
            hit_.type = type;
        }
        endValue(at + length, target);
    }

    void beginContainer(size_t at, bool object) {
        bool onPath = false;
        const bool target = startValue(at, onPath);
        Level level;
        level.object = object;
        level.onPath = onPath;
        level.at = at;
        level.isTarget = target;
        level.isParent = onPath && levels_.size() + 1 == steps_.size();
        if (target) {
            hit_.type = object ? JsonValueType::Object : JsonValueType::Array;
            targetOpen_ = true;
        }
        levels_.push_back(std::move(level));
    }

    void endContainer(size_t end) {
        Level level = std::move(levels_.back());
        levels_.pop_back();
        if (level.isParent) {
            finishParent(level, end);
        }
        endValue(end, level.isTarget);
    }

    void finishParent(const Level& parent, size_t end) {
        if (hit_.found) {
            const size_t valueEnd = hit_.valueOffset + hit_.valueLength;
            if (nextStart_ != std::string_view::npos) {
                hit_.removeOffset = memberStart_;
                hit_.removeLength = nextStart_ - memberStart_;
            } else if (prevEnd_ != std::string_view::npos) {
                hit_.removeOffset = prevEnd_;
                hit_.removeLength = valueEnd - prevEnd_;
            } else {
                hit_.removeOffset = memberStart_;
                hit_.removeLength = valueEnd - memberStart_;
            }
            return;
        }
        if (parent.object && !steps_.back().isIndex()) {
            hit_.canAdd = true;
            hit_.addOffset = parent.count > 0 ? parent.lastEnd : parent.at + 1;
            hit_.addNeedsComma = parent.count > 0;
        }
        (void)end;
    }

    std::string_view text_;
    const std::vector<JsonPathStep>& steps_;
    JsonPathHit& hit_;
    std::vector<bool> seen_;
    std::vector<Level> levels_;
    bool targetOpen_ = false;
    size_t memberStart_ = 0;
    size_t prevEnd_ = std::string_view::npos;
    size_t nextStart_ = std::string_view::npos;
};

}  // namespace

JsonPath JsonPath::parse(const std::string& dotted) {
    std::string text = dotted.rfind("$.", 0) == 0 ? dotted.substr(2) : dotted;
    if (text.empty() || text.back() == '.') {
        throw std::invalid_argument("empty key");
    }
    JsonPath path;
    std::stringstream segments(text);
    std::string segment;
    while (std::getline(segments, segment, '.')) {
        parseSegment(segment, path.steps_);
    }
    return path;
}

std::string JsonPath::dotted() const {
    std::string out;
    for (const JsonPathStep& step : steps_) {
        if (step.isIndex()) {
            out += "[" + std::to_string(step.index) + "]";
        } else {
            out += (out.empty() ? "" : ".") + step.key;
        }
    }
    // parse() takes one leading "$." as the root: a first key named "$" needs it written out.
    return out.rfind("$.", 0) == 0 ? "$." + out : out;
}

std::string JsonPath::sqlite() const {
    std::string out = "$";
    for (const JsonPathStep& step : steps_) {
        out += step.isIndex() ? "[" + std::to_string(step.index) + "]" : ".\"" + step.key + "\"";
    }
    return out;
}

JsonPathHit locateJsonPath(std::string_view text, const JsonPath& path) {
    JsonPathHit hit;
    PathLocator locator(text, path, hit);
    hit.valid = JsonScanner(text).scan(locator);
    if (!hit.valid) {
        return JsonPathHit{};
    }
    return hit;
}

}  // namespace rtmtap
