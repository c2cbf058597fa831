#pragma once
// Builds one JSON object as text, field by field, in the order written (the field order of
// --json output is part of what people read). Strings are always escaped to valid JSON.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

class JsonObject {
public:
    JsonObject& string(const char* key, std::string_view value);
    JsonObject& stringOrNull(const char* key, std::string_view value);  // "" gives null
    JsonObject& number(const char* key, int64_t value);
    JsonObject& number(const char* key, const std::optional<int64_t>& value);  // nullopt gives null
    JsonObject& null(const char* key);
    JsonObject& strings(const char* key, const std::vector<std::string>& values);
    // value must already be valid JSON text.
    JsonObject& raw(const char* key, std::string_view json);

    std::string str() const { return text_ + "}"; }

private:
    void key(const char* name);
    std::string text_ = "{";
};

// A JSON array of items, each already valid JSON text (objects that JsonObject built, numbers).
std::string jsonArray(const std::vector<std::string>& items);

}  // namespace rtmtap
