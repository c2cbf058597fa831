#pragma once
// The members of one JSON text, flat: every member of every object down to a depth, by its dotted
// path ("payload.message.id"), with its type and raw bytes. One pass of protocol/JsonScanner, no
// DOM: lint looks at every frame of a recording (a million frames in seconds), and each rule asks
// for two or three fields, so a tree of Poco::Dynamic::Var per frame (~4 us) would be the cost of
// a lint run. Array elements are not descended into: an array is one field with its length.
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
    std::string path;      // "payload.message.id"; "" for the root value
    JsonType type = JsonType::Null;
    std::string_view raw;  // a string's content between its quotes (escapes as written), a number's
                           // or literal's text, a container from its bracket to the matching one
    bool escaped = false;  // a string holding a backslash escape
    size_t count = 0;      // an object's members or an array's elements
};

class JsonFields {
public:
    static constexpr size_t kDefaultDepth = 4;  // payload.message.content.type

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
    std::vector<JsonField> fields_;
    JsonType rootType_ = JsonType::Null;
};

}  // namespace rtmtap
