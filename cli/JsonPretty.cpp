#include "JsonPretty.h"

#include "protocol/JsonScanner.h"

namespace rtmtap::cli {
namespace {

// The JsonScanner hooks: each token's own bytes, with new whitespace between them. A container's
// first child opens its first line, so an empty {} or [] stays on one line.
class Indenter : public JsonHandler {
public:
    Indenter(std::string_view text, int indent) : text_(text), step_(indent > 0 ? static_cast<size_t>(indent) : 0) {
        out_.reserve(text.size() * 2);
    }

    void beginObject(size_t, size_t depth) { open('{', depth); }
    void beginArray(size_t, size_t depth) { open('[', depth); }
    void endObject(size_t, size_t depth) { close('}', depth); }
    void endArray(size_t, size_t depth) { close(']', depth); }
    void key(const JsonString& key) {
        item();
        out_.append(quoted(key));
        out_ += ": ";
        afterKey_ = true;
    }
    void stringValue(const JsonString& value) {
        beforeValue();
        out_.append(quoted(value));
    }
    void numberValue(const JsonNumber& value) {
        beforeValue();
        out_.append(text_.substr(value.offset, value.length));
    }
    void literalValue(JsonLiteral value, size_t) {
        beforeValue();
        out_ += value == JsonLiteral::True ? "true" : value == JsonLiteral::False ? "false" : "null";
    }

    std::string take() { return std::move(out_); }

private:
    std::string_view quoted(const JsonString& token) const {
        return text_.substr(token.offset - 1, token.length + 2);
    }
    // A new member or element of the open container: the comma after the one before, and a line.
    void item() {
        if (depth_ == 0) {
            return;  // the top-level value
        }
        if (!empty_) {
            out_ += ',';
        }
        empty_ = false;
        newline();
    }
    void beforeValue() {
        if (afterKey_) {
            afterKey_ = false;  // on the key's line
        } else {
            item();
        }
    }
    void open(char bracket, size_t depth) {
        beforeValue();
        out_ += bracket;
        depth_ = depth;
        empty_ = true;
    }
    void close(char bracket, size_t depth) {
        depth_ = depth - 1;
        if (!empty_) {
            newline();
        }
        empty_ = false;  // the container just closed is a child of the one around it
        out_ += bracket;
    }
    void newline() {
        out_ += '\n';
        out_.append(depth_ * step_, ' ');
    }

    std::string_view text_;
    size_t step_;
    size_t depth_ = 0;
    bool empty_ = false;     // the innermost open container has no child yet
    bool afterKey_ = false;  // the next value follows a key
    std::string out_;
};

}  // namespace

std::optional<std::string> prettyJson(std::string_view text, int indent) {
    Indenter indenter(text, indent);
    if (!JsonScanner(text).scan(indenter)) {  // strict RFC 8259, at most 512 levels
        return std::nullopt;
    }
    return indenter.take();
}

}  // namespace rtmtap::cli
