#include "JsonScanner.h"

namespace rtmtap {
namespace {

size_t literalLength(JsonLiteral literal) {
    return literal == JsonLiteral::False ? 5 : 4;
}

// The children of the top-level container: keys at depth 1, and each value's span from its first
// byte to its last (a container's from its begin hook to its end hook at depth 2).
class MemberCollector : public JsonHandler {
public:
    explicit MemberCollector(std::vector<JsonMember>& out) : out_(out) {}

    bool rootIsObject() const { return rootIsObject_; }
    bool rootIsArray() const { return rootIsArray_; }

    void beginObject(size_t at, size_t depth) {
        rootIsObject_ = rootIsObject_ || depth == 1;
        begin(at, depth);
    }
    void beginArray(size_t at, size_t depth) {
        rootIsArray_ = rootIsArray_ || depth == 1;
        begin(at, depth);
    }
    void endObject(size_t end, size_t depth) { finish(end, depth); }
    void endArray(size_t end, size_t depth) { finish(end, depth); }
    void key(const JsonString& key) {
        if (depth_ == 1) {
            key_ = key;
        }
    }
    void stringValue(const JsonString& value) { add(value.offset - 1, value.length + 2); }
    void numberValue(const JsonNumber& value) { add(value.offset, value.length); }
    void literalValue(JsonLiteral value, size_t at) { add(at, literalLength(value)); }

private:
    void begin(size_t at, size_t depth) {
        if (depth == 2) {
            containerStart_ = at;
        }
        depth_ = depth;
    }
    void finish(size_t end, size_t depth) {
        depth_ = depth - 1;
        if (depth == 2) {
            add(containerStart_, end - containerStart_);
        }
    }
    void add(size_t offset, size_t length) {
        if (depth_ == 1) {
            out_.push_back({key_, offset, length});
        }
    }

    std::vector<JsonMember>& out_;
    bool rootIsObject_ = false;
    bool rootIsArray_ = false;
    size_t depth_ = 0;
    size_t containerStart_ = 0;
    JsonString key_;  // stays empty in an array
};

}  // namespace

uint64_t& JsonScanner::Nesting::overflowWord(size_t level) {
    const size_t index = (level - kInlineLevels) / 64;
    if (index >= overflow_.size()) {
        overflow_.resize(index + 1);
    }
    return overflow_[index];
}

std::string unescapeJson(std::string_view raw) {
    std::string out;
    out.reserve(raw.size());
    appendUnescapedJson(raw, out);
    return out;
}

JsonMembers jsonMembers(std::string_view text, JsonScanOptions options) {
    JsonMembers result;
    MemberCollector collector(result.members);
    result.valid = JsonScanner(text, options).scan(collector);
    result.object = result.valid && collector.rootIsObject();
    result.array = result.valid && collector.rootIsArray();
    if (!result.valid) {
        result.members.clear();  // nothing half-read
    }
    return result;
}

}  // namespace rtmtap
