// protocol/JsonScanner (the tokenizer under the classifier, the splicer, the paths and the
// importers) and protocol/JsonText's string escaping, on any bytes.
// Checks: every token lies inside the text and containers nest and close in order; valid with the
// UTF-8 check implies valid without it and a valid UTF-8 text; unescaped strings of a valid text
// are UTF-8; jsonMembers agrees with scan() and each member's value is valid JSON on its own;
// integers read by parseJsonInt64 equal std::from_chars; jsonString() of any bytes is valid JSON
// and unescapes back to the bytes when they were UTF-8.
#include "protocol/JsonScanner.h"
#include "protocol/JsonText.h"
#include "protocol/Utf8.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <charconv>
#include <string>
#include <vector>

using namespace rtmtap;

namespace {

struct CheckingHandler : JsonHandler {
    std::string_view text;
    std::vector<std::pair<size_t, bool>> open;  // offset, isObject
    std::vector<std::string_view> strings;
    std::vector<std::string_view> integers;
    bool keyPending = false;

    void beginObject(size_t at, size_t depth) { begin(at, depth, true); }
    void beginArray(size_t at, size_t depth) { begin(at, depth, false); }
    void endObject(size_t end, size_t depth) { finish(end, depth, true); }
    void endArray(size_t end, size_t depth) { finish(end, depth, false); }
    void key(const JsonString& s) {
        FUZZ_CHECK(!open.empty() && open.back().second);
        string(s);
    }
    void stringValue(const JsonString& s) { string(s); }
    void numberValue(const JsonNumber& n) {
        FUZZ_CHECK(n.offset < text.size() && n.length > 0 && n.length <= text.size() - n.offset);
        if (n.integer) {
            integers.push_back(text.substr(n.offset, n.length));
        }
    }
    void literalValue(JsonLiteral value, size_t at) {
        const char first = value == JsonLiteral::True ? 't' : value == JsonLiteral::False ? 'f' : 'n';
        FUZZ_CHECK(at < text.size() && text[at] == first);
    }

private:
    void begin(size_t at, size_t depth, bool object) {
        FUZZ_CHECK(at < text.size() && text[at] == (object ? '{' : '['));
        open.emplace_back(at, object);
        FUZZ_CHECK(depth == open.size());
    }
    void finish(size_t end, size_t depth, bool object) {
        FUZZ_CHECK(!open.empty() && open.back().second == object && depth == open.size());
        FUZZ_CHECK(end > open.back().first && end <= text.size() && text[end - 1] == (object ? '}' : ']'));
        open.pop_back();
    }
    void string(const JsonString& s) {
        FUZZ_CHECK(s.offset > 0 && s.offset <= text.size() && s.length <= text.size() - s.offset);
        FUZZ_CHECK(text[s.offset - 1] == '"' && s.offset + s.length < text.size() && text[s.offset + s.length] == '"');
        const std::string_view raw = text.substr(s.offset, s.length);
        FUZZ_CHECK(s.escaped == (raw.find('\\') != std::string_view::npos));
        strings.push_back(raw);
    }
};

void checkInteger(std::string_view token) {
    int64_t ours = 0;
    const bool ok = parseJsonInt64(token, ours);
    int64_t reference = 0;
    const auto [end, error] = std::from_chars(token.data(), token.data() + token.size(), reference);
    const bool referenceOk = error == std::errc() && end == token.data() + token.size();
    FUZZ_CHECK(ok == referenceOk);
    FUZZ_CHECK(!ok || ours == reference);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    const std::string_view text(reinterpret_cast<const char*>(data), size);
    CheckingHandler handler;
    handler.text = text;
    JsonScanner scanner(text);
    const bool valid = scanner.scan(handler);
    FUZZ_CHECK(scanner.position() <= size);
    const bool validAnyBytes = fuzz::validJson(text, false);
    if (valid) {
        FUZZ_CHECK(handler.open.empty() && scanner.position() == size);
        FUZZ_CHECK(validAnyBytes && isValidUtf8(text));
        for (std::string_view raw : handler.strings) {
            FUZZ_CHECK(isValidUtf8(unescapeJson(raw)));
        }
        for (std::string_view token : handler.integers) {
            checkInteger(token);
        }
    }
    if (validAnyBytes && isValidUtf8(text)) {
        FUZZ_CHECK(valid);
    }
    const JsonMembers members = jsonMembers(text);
    FUZZ_CHECK(members.valid == valid);
    FUZZ_CHECK(!(members.object && members.array));
    for (const JsonMember& m : members.members) {
        FUZZ_CHECK(m.valueOffset <= size && m.valueLength <= size - m.valueOffset);
        FUZZ_CHECK(fuzz::validJson(text.substr(m.valueOffset, m.valueLength)));
    }
    const std::string quoted = jsonString(text);
    FUZZ_CHECK(fuzz::validJson(quoted));
    if (isValidUtf8(text)) {
        FUZZ_CHECK(unescapeJson(std::string_view(quoted).substr(1, quoted.size() - 2)) == text);
    }
    return 0;
}
