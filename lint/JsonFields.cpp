#include "JsonFields.h"

#include "protocol/JsonScanner.h"

namespace rtmtap {
namespace {

constexpr size_t kNone = static_cast<size_t>(-1);

// Builds the flat field list while the scanner walks the text. A container is listed when it is
// a member (or the root) within maxDepth and not inside an array; its children are listed under
// its path.
class FieldCollector : public JsonHandler {
public:
    FieldCollector(std::string_view text, size_t maxDepth, std::vector<JsonField>& out)
        : text_(text), maxDepth_(maxDepth), out_(out) {}

    void key(const JsonString& k) { key_ = unescapeJson(text_.substr(k.offset, k.length)); }
    void beginObject(size_t at, size_t) { open(JsonType::Object, at); }
    void beginArray(size_t at, size_t) { open(JsonType::Array, at); }
    void endObject(size_t end, size_t) { close(end); }
    void endArray(size_t end, size_t) { close(end); }
    void stringValue(const JsonString& s) {
        size_t index = add(JsonType::String, text_.substr(s.offset, s.length));
        if (index != kNone) {
            out_[index].escaped = s.escaped;
        }
    }
    void numberValue(const JsonNumber& n) {
        add(n.integer ? JsonType::Integer : JsonType::Number, text_.substr(n.offset, n.length));
    }
    void literalValue(JsonLiteral value, size_t at) {
        size_t length = value == JsonLiteral::True ? 4 : value == JsonLiteral::False ? 5 : 4;
        add(value == JsonLiteral::Null ? JsonType::Null : JsonType::Bool, text_.substr(at, length));
    }

private:
    struct Level {
        size_t field = kNone;  // its entry in out_, kNone when not listed
        bool listsMembers = false;  // its members are listed (an object within maxDepth, outside arrays)
    };

    // The path a value at the current position gets, or false when it is not listed.
    bool pathHere(std::string& path) const {
        if (levels_.empty()) {
            path.clear();
            return true;
        }
        const Level& parent = levels_.back();
        if (!parent.listsMembers) {
            return false;
        }
        const std::string& prefix = out_[parent.field].path;
        path = prefix.empty() ? key_ : prefix + "." + key_;
        return true;
    }

    size_t add(JsonType type, std::string_view raw) {
        if (!levels_.empty() && levels_.back().field != kNone) {
            ++out_[levels_.back().field].count;
        }
        std::string path;
        if (!pathHere(path)) {
            return kNone;
        }
        JsonField field;
        field.path = std::move(path);
        field.type = type;
        field.raw = raw;
        out_.push_back(std::move(field));
        return out_.size() - 1;
    }

    void open(JsonType type, size_t at) {
        size_t index = add(type, text_.substr(at, 0));
        Level level;
        level.field = index;
        level.listsMembers = index != kNone && type == JsonType::Object && levels_.size() < maxDepth_;
        levels_.push_back(level);
    }

    void close(size_t end) {
        size_t index = levels_.back().field;
        if (index != kNone) {
            JsonField& field = out_[index];
            size_t at = static_cast<size_t>(field.raw.data() - text_.data());
            field.raw = text_.substr(at, end - at);
        }
        levels_.pop_back();
    }

    std::string_view text_;
    size_t maxDepth_;
    std::vector<JsonField>& out_;
    std::vector<Level> levels_;
    std::string key_;
};

}  // namespace

const char* toString(JsonType type) {
    switch (type) {
    case JsonType::Null: return "null";
    case JsonType::Bool: return "bool";
    case JsonType::Integer: return "integer";
    case JsonType::Number: return "number";
    case JsonType::String: return "string";
    case JsonType::Object: return "object";
    case JsonType::Array: return "array";
    }
    return "null";
}

bool JsonFields::parse(std::string_view text, size_t maxDepth) {
    fields_.clear();
    FieldCollector collector(text, maxDepth, fields_);
    JsonScanner scanner(text);
    if (!scanner.scan(collector) || fields_.empty()) {
        fields_.clear();
        rootType_ = JsonType::Null;
        return false;
    }
    rootType_ = fields_.front().type;
    return true;
}

const JsonField* JsonFields::find(std::string_view path) const {
    for (const JsonField& field : fields_) {
        if (field.path == path) {
            return &field;
        }
    }
    return nullptr;
}

std::optional<std::string> JsonFields::string(std::string_view path) const {
    const JsonField* field = find(path);
    if (!field || field->type != JsonType::String) {
        return std::nullopt;
    }
    return field->escaped ? unescapeJson(field->raw) : std::string(field->raw);
}

std::optional<int64_t> JsonFields::id(std::string_view path) const {
    const JsonField* field = find(path);
    int64_t value = 0;
    if (!field || (field->type != JsonType::Integer && field->type != JsonType::String) || field->escaped ||
        !parseJsonInt64(field->raw, value)) {
        return std::nullopt;
    }
    return value;
}

}  // namespace rtmtap
