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
    std::vector<JsonSplice> splices;
    for (const auto& [member, value] : replacements) {
        JsonSplice splice{member.offset, member.length, {}};
        // Keep: the texts spliced into were scanned without checking UTF-8, and a replacement
        // carries bytes of that same text (a routed ws_endpoint keeps the upstream's path and
        // query as written), so a Latin-1 byte goes back as it came rather than as U+FFFD.
        appendJsonContent(splice.bytes, value, InvalidUtf8::Keep);
        splices.push_back(std::move(splice));
    }
    return spliceJson(text, std::move(splices));
}

std::string spliceJson(std::string_view text, std::vector<JsonSplice> splices) {
    std::stable_sort(splices.begin(), splices.end(), [](const JsonSplice& a, const JsonSplice& b) { return a.offset < b.offset; });
    std::string out;
    out.reserve(text.size());
    size_t at = 0;
    for (const JsonSplice& s : splices) {
        if (s.offset < at || s.offset > text.size() || s.length > text.size() - s.offset) {
            continue;  // overlapping or foreign spans: a caller bug must not corrupt memory
        }
        out.append(text.substr(at, s.offset - at));
        out.append(s.bytes);
        at = s.offset + s.length;
    }
    out.append(text.substr(at));
    return out;
}

}  // namespace rtmtap
