#include "JsonFields.h"

#include "protocol/JsonScanner.h"

namespace rtmtap {

// Builds the flat field list while the scanner walks the text. A container is listed when it is
// a member (or the root) within maxDepth and not inside an array; its children are listed under
// its path. Paths are written into the arena as offsets (the arena may grow while scanning) and
// made views once the scan is over.
class FieldCollector : public JsonHandler {
public:
    FieldCollector(std::string_view text, size_t maxDepth, JsonFields& out) : text_(text), maxDepth_(maxDepth), out_(out) {}

    void key(const JsonString& k) {
        std::string_view raw = text_.substr(k.offset, k.length);
        if (!k.escaped) {
            key_ = raw;
            return;
        }
        out_.keyBuffer_.clear();
        appendUnescapedJson(raw, out_.keyBuffer_);
        key_ = out_.keyBuffer_;
    }
    void beginObject(size_t at, size_t) { open(JsonType::Object, at); }
    void beginArray(size_t at, size_t) { open(JsonType::Array, at); }
    void endObject(size_t end, size_t) { close(end); }
    void endArray(size_t end, size_t) { close(end); }
    void stringValue(const JsonString& s) {
        size_t index = add(JsonType::String, text_.substr(s.offset, s.length));
        if (index != JsonFields::kNone) {
            out_.fields_[index].escaped = s.escaped;
        }
    }
    void numberValue(const JsonNumber& n) {
        add(n.integer ? JsonType::Integer : JsonType::Number, text_.substr(n.offset, n.length));
    }
    void literalValue(JsonLiteral value, size_t at) {
        size_t length = value == JsonLiteral::False ? 5 : 4;
        add(value == JsonLiteral::Null ? JsonType::Null : JsonType::Bool, text_.substr(at, length));
    }

private:
    // Writes the path of a value at the current position into the arena; false when it is not
    // listed.
    bool pathHere(std::pair<size_t, size_t>& span) {
        std::string& arena = out_.arena_;
        if (out_.levels_.empty()) {
            span = {arena.size(), 0};
            return true;
        }
        const JsonFields::Level& parent = out_.levels_.back();
        if (!parent.listsMembers) {
            return false;
        }
        const auto [offset, length] = out_.pathSpans_[parent.field];
        const size_t needed = arena.size() + length + 1 + key_.size();
        if (arena.capacity() < needed) {
            arena.reserve(2 * needed);  // before the append below reads the arena itself
        }
        span.first = arena.size();
        if (length > 0) {
            arena.append(arena.data() + offset, length);
            arena.push_back('.');
        }
        arena.append(key_.data(), key_.size());
        span.second = arena.size() - span.first;
        return true;
    }

    size_t add(JsonType type, std::string_view raw) {
        if (!out_.levels_.empty() && out_.levels_.back().field != JsonFields::kNone) {
            ++out_.fields_[out_.levels_.back().field].count;
        }
        std::pair<size_t, size_t> span;
        if (!pathHere(span)) {
            return JsonFields::kNone;
        }
        JsonField field;
        field.type = type;
        field.raw = raw;
        out_.fields_.push_back(field);
        out_.pathSpans_.push_back(span);
        return out_.fields_.size() - 1;
    }

    void open(JsonType type, size_t at) {
        size_t index = add(type, text_.substr(at, 0));
        const bool lists = index != JsonFields::kNone && type == JsonType::Object && out_.levels_.size() < maxDepth_;
        out_.levels_.push_back({index, lists});
    }

    void close(size_t end) {
        size_t index = out_.levels_.back().field;
        if (index != JsonFields::kNone) {
            JsonField& field = out_.fields_[index];
            size_t at = static_cast<size_t>(field.raw.data() - text_.data());
            field.raw = text_.substr(at, end - at);
        }
        out_.levels_.pop_back();
    }

    std::string_view text_;
    size_t maxDepth_;
    JsonFields& out_;
    std::string_view key_;
};

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
    pathSpans_.clear();
    arena_.clear();
    levels_.clear();
    FieldCollector collector(text, maxDepth, *this);
    JsonScanner scanner(text);
    if (!scanner.scan(collector) || fields_.empty()) {
        fields_.clear();
        rootType_ = JsonType::Null;
        return false;
    }
    for (size_t i = 0; i < fields_.size(); ++i) {
        fields_[i].path = std::string_view(arena_).substr(pathSpans_[i].first, pathSpans_[i].second);
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
