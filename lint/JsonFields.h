#pragma once
// The members of one JSON text, flat: every member of every object down to a depth, by its dotted
// path ("payload.message.id"), with its type and raw bytes. One pass of protocol/JsonScanner, no
// DOM: lint looks at every frame of a recording (a million frames in seconds), and each rule asks
// for two or three fields, so a tree of Poco::Dynamic::Var per frame (~4 us) would be the cost of
// a lint run. Array elements are not descended into: an array is one field with its length.
// One object is meant to be reused frame after frame: its buffers keep their capacity, so a
// parse allocates nothing once they have grown (paths live in one arena, not a string each).
#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

enum class JsonType : uint8_t { Null, Bool, Integer, Number, String, Object, Array };

const char* toString(JsonType type);  // "null" | "bool" | "integer" | "number" | "string" | "object" | "array"

struct JsonField {
    std::string_view path;  // "payload.message.id"; "" for the root value (valid until the next parse)
    JsonType type = JsonType::Null;
    std::string_view raw;  // a string's content between its quotes (escapes as written), a number's
                           // or literal's text, a container from its bracket to the matching one
    bool escaped = false;  // a string holding a backslash escape
    size_t count = 0;      // an object's members or an array's elements
};

class JsonFields {
public:
    static constexpr size_t kDefaultDepth = 4;  // payload.message.content.type

    JsonFields() = default;
    // Fields point into the arena (a short one lives inside the object): neither copied nor moved.
    JsonFields(const JsonFields&) = delete;
    JsonFields& operator=(const JsonFields&) = delete;

    // Reads text (which must outlive this object: fields point into it). False when it is not
    // one valid JSON value; the fields are then empty. Members nested deeper than maxDepth
    // (1: the root's own members) are not listed.
    bool parse(std::string_view text, size_t maxDepth = kDefaultDepth);

    JsonType rootType() const { return rootType_; }
    const std::vector<JsonField>& all() const { return fields_; }
    // nullptr when the path is not there (or lies inside an array, or deeper than maxDepth).
    const JsonField* find(std::string_view path) const;
    // A string member, unescaped; nullopt when missing or not a string.
    std::optional<std::string> string(std::string_view path) const;
    // An id as RTM writes them: an integer, or a string of digits ("11010000" in commands).
    std::optional<int64_t> id(std::string_view path) const;
    bool has(std::string_view path) const { return find(path) != nullptr; }

private:
    friend class FieldCollector;
    struct Level {
        size_t field;       // its entry in fields_, kNone when not listed
        bool listsMembers;  // an object within maxDepth, outside arrays: its members are listed
    };
    static constexpr size_t kNone = static_cast<size_t>(-1);

    std::vector<JsonField> fields_;
    std::vector<std::pair<size_t, size_t>> pathSpans_;  // per field: offset and length in arena_
    std::string arena_;
    std::vector<Level> levels_;
    std::string keyBuffer_;  // an escaped key, unescaped
    JsonType rootType_ = JsonType::Null;
};

}  // namespace rtmtap
