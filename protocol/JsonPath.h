#pragma once
// A dotted path into a JSON text (payload.message.id, a[0].b), as `--where` and the rules' set and
// delete write it, and where it stands in one text: the byte spans of the value, of the member
// that holds it and of its parent, so that callers compare or edit by splicing bytes
// (protocol/JsonStrings: spliceJson) and everything outside the value stays as it came.
// One pass of protocol/JsonScanner, no DOM; any bytes are accepted without crashing.
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

struct JsonPathStep {
    std::string key;   // an object member's key (decoded); empty for an array index
    int64_t index = -1;  // >= 0: an array element
    bool isIndex() const { return index >= 0; }
};

class JsonPath {
public:
    JsonPath() = default;
    // "payload.message.id", "a[0].b", "a.b[2][3]", with or without a leading "$.". Keys are
    // taken as written (no quoting): they may not be empty or hold '\', '"', ']', control characters
    // or bytes that are not UTF-8 (a rule's set writes a missing key as it is). Throws
    // std::invalid_argument with a short reason (without the text: the caller names it).
    static JsonPath parse(const std::string& dotted);

    const std::vector<JsonPathStep>& steps() const { return steps_; }
    bool empty() const { return steps_.empty(); }
    std::string dotted() const;  // as parse() takes it: a[0].b
    std::string sqlite() const;  // as SQLite's JSON functions take it: $."a"[0]."b"

    bool operator==(const JsonPath& other) const { return dotted() == other.dotted(); }

private:
    std::vector<JsonPathStep> steps_;
};

enum class JsonValueType : uint8_t { Object, Array, String, Number, True, False, Null };

// Where a path stands in one text. The first of duplicate keys is the one found (as SQLite's
// json_extract finds it).
struct JsonPathHit {
    bool valid = false;  // the text is one valid JSON value; nothing else is set when it is not
    bool found = false;  // the path names a value of the text
    JsonValueType type = JsonValueType::Null;
    size_t valueOffset = 0;  // the value's raw bytes: a string with its quotes, a container with its brackets
    size_t valueLength = 0;
    // found: the span to remove to delete the member (key, value and one separating comma, with
    // the whitespace between them), leaving the rest of its parent valid.
    size_t removeOffset = 0;
    size_t removeLength = 0;
    // !found, but the parent (the value of the path without its last step) is an object and the
    // last step is a key: where "key":value goes to add it (after the parent's last member, or
    // just after its '{'), and whether a comma must come first.
    bool canAdd = false;
    size_t addOffset = 0;
    bool addNeedsComma = false;
};

JsonPathHit locateJsonPath(std::string_view text, const JsonPath& path);

}  // namespace rtmtap
