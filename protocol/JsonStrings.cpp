#include "JsonStrings.h"

#include "JsonScanner.h"
#include "JsonText.h"

#include <algorithm>
#include <cstdint>

namespace rtmtap {
namespace {

std::string decoded(std::string_view raw, const JsonString& token) {
    return token.escaped ? unescapeJson(raw) : std::string(raw);
}

// The JsonScanner hooks: a stack of the open containers with each object's current key, and a
// member for every string value directly inside an object.
class MemberFinder : public JsonHandler {
public:
    MemberFinder(std::string_view text, std::vector<JsonStringMember>& out) : text_(text), out_(out) {}

    void beginObject(size_t, size_t) { levels_.push_back({true, {}}); }
    void beginArray(size_t, size_t) { levels_.push_back({false, {}}); }
    void endObject(size_t, size_t) { levels_.pop_back(); }
    void endArray(size_t, size_t) { levels_.pop_back(); }
    void key(const JsonString& key) { levels_.back().key = decoded(raw(key), key); }
    void stringValue(const JsonString& value) {
        if (levels_.empty() || !levels_.back().object) {
            return;
        }
        JsonStringMember member;
        member.path = path();
        member.key = levels_.back().key;
        member.offset = value.offset;
        member.length = value.length;
        member.value = decoded(raw(value), value);
        out_.push_back(std::move(member));
    }

private:
    struct Level {
        bool object;
        std::string key;
    };

    std::string_view raw(const JsonString& token) const { return text_.substr(token.offset, token.length); }
    std::string path() const {
        std::string p;
        for (const Level& level : levels_) {
            if (!p.empty()) {
                p += '.';
            }
            p += level.object ? level.key : "[]";
        }
        return p;
    }

    std::string_view text_;
    std::vector<JsonStringMember>& out_;
    std::vector<Level> levels_;
};

}  // namespace

// Bytes 0x80-0xFF are not checked as UTF-8 (the only way this differs from classify()): the
// callers rewrite rtm.ws_endpoint and redact tokens in API bodies, and a stray Latin-1 byte in
// some other field must not stop either. Nesting deeper than 512 levels is invalid.
JsonStringScan scanJsonStrings(std::string_view text) {
    JsonScanOptions options;
    options.checkUtf8 = false;
    JsonStringScan out;
    MemberFinder finder(text, out.members);
    out.valid = JsonScanner(text, options).scan(finder);
    return out;
}

std::string spliceJsonStrings(std::string_view text,
                              const std::vector<std::pair<JsonStringMember, std::string>>& replacements) {
    std::vector<const std::pair<JsonStringMember, std::string>*> order;
    for (const auto& r : replacements) {
        order.push_back(&r);
    }
    std::sort(order.begin(), order.end(), [](auto* a, auto* b) { return a->first.offset < b->first.offset; });
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    for (const auto* r : order) {
        if (r->first.offset < at || r->first.offset + r->first.length > text.size()) {
            continue;  // overlapping or foreign spans: a caller bug must not corrupt memory
        }
        out.append(text.substr(at, r->first.offset - at));
        // Keep: the texts spliced into were scanned without checking UTF-8, and a replacement
        // carries bytes of that same text (a routed ws_endpoint keeps the upstream's path and
        // query as written), so a Latin-1 byte goes back as it came rather than as U+FFFD.
        appendJsonContent(out, r->second, InvalidUtf8::Keep);
        at = r->first.offset + r->first.length;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace rtmtap
