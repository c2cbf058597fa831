#include "JsonObject.h"

#include "protocol/JsonText.h"

namespace rtmtap {

void JsonObject::key(const char* name) {
    if (text_.size() > 1) {
        text_ += ',';
    }
    appendJsonString(text_, name);
    text_ += ':';
}

JsonObject& JsonObject::string(const char* name, std::string_view value) {
    key(name);
    appendJsonString(text_, value);
    return *this;
}

JsonObject& JsonObject::stringOrNull(const char* name, std::string_view value) {
    return value.empty() ? null(name) : string(name, value);
}

JsonObject& JsonObject::number(const char* name, int64_t value) {
    key(name);
    text_ += std::to_string(value);
    return *this;
}

JsonObject& JsonObject::number(const char* name, const std::optional<int64_t>& value) {
    return value ? number(name, *value) : null(name);
}

JsonObject& JsonObject::null(const char* name) {
    key(name);
    text_ += "null";
    return *this;
}

JsonObject& JsonObject::strings(const char* name, const std::vector<std::string>& values) {
    key(name);
    text_ += '[';
    for (size_t i = 0; i < values.size(); ++i) {
        if (i > 0) {
            text_ += ',';
        }
        appendJsonString(text_, values[i]);
    }
    text_ += ']';
    return *this;
}

JsonObject& JsonObject::raw(const char* name, std::string_view json) {
    key(name);
    text_ += json;
    return *this;
}

std::string jsonArray(const std::vector<std::string>& items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); ++i) {
        out += (i ? "," : "") + items[i];
    }
    return out + "]";
}

}  // namespace rtmtap
