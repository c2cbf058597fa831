#pragma once
// rtmtap's one JSON tokenizer: strict RFC 8259 over a std::string_view, one pass, no DOM, no
// recursion, no heap except nesting deeper than 512 levels. Every token comes with its byte
// position in the text, so callers index, redact or re-indent by splicing bytes instead of
// re-serialising (what was on the wire stays byte for byte).
//
// Callback style with static dispatch: scan() calls the handler's hooks as tokens complete; a
// handler derives from JsonHandler and hides the hooks it needs. The hooks inline into the scan
// loop, which is what keeps classify() (every recorded frame, on the writer thread) as fast as the
// hand-fused scanner it replaced. Any bytes are accepted without crashing; when the text is not
// valid, scan() returns false after the hooks for the tokens before the error have run (callers
// that want all or nothing drop what they collected).
//
// Validity is RFC 8259 in full: one value with only space, tab, CR and LF around it; no comments,
// no trailing commas, no leading zeros, no byte order mark; strings without raw control
// characters and with only the escapes of section 7 (an escaped lone surrogate such as "\udc00"
// is valid: the grammar allows it); strings must be UTF-8 (section 8.1) unless
// JsonScanOptions::checkUtf8 is off.
#include "Hex.h"
#include "Utf8.h"

#include <cstddef>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap {

// A string token: the raw bytes between its quotes, escapes as written.
struct JsonString {
    size_t offset = 0;     // of the first content byte, just after the opening quote
    size_t length = 0;     // up to the closing quote
    bool escaped = false;  // holds a backslash escape: unescapeJson() before comparing the text
};

// A number token's bytes as written: "1.0e5" stays "1.0e5", 12345678901234567890 is not rounded.
struct JsonNumber {
    size_t offset = 0;
    size_t length = 0;
    bool integer = false;  // no fraction and no exponent (parseJsonInt64 may still say it is too big)
};

enum class JsonLiteral : uint8_t { True, False, Null };

struct JsonScanOptions {
    static constexpr size_t kUnlimited = std::numeric_limits<size_t>::max();
    // Containers nested deeper than this make the text invalid. The scanner itself needs no
    // C stack per level (one bit); the limit is for what callers build from the tokens.
    size_t maxDepth = 512;
    // Off: bytes 0x80-0xFF inside strings pass unchecked (for splicing bodies a server may have
    // sent in another encoding; structure and escapes are still checked).
    bool checkUtf8 = true;
};

// The hooks scan() calls, all doing nothing. `at` is the offset of '{' or '['; `end` is just past
// the matching '}' or ']', so [at, end) is the container's raw text. `depth` is the container's
// own level, 1 for the outermost. A key comes before its value; string, number and literal
// values come without their key when they are array elements.
struct JsonHandler {
    void beginObject(size_t /*at*/, size_t /*depth*/) {}
    void endObject(size_t /*end*/, size_t /*depth*/) {}
    void beginArray(size_t /*at*/, size_t /*depth*/) {}
    void endArray(size_t /*end*/, size_t /*depth*/) {}
    void key(const JsonString& /*key*/) {}
    void stringValue(const JsonString& /*value*/) {}
    void numberValue(const JsonNumber& /*value*/) {}
    void literalValue(JsonLiteral /*value*/, size_t /*at*/) {}
};

class JsonScanner {
public:
    explicit JsonScanner(std::string_view text, JsonScanOptions options = {})
        : text_(text), p_(text.data()), end_(text.data() + text.size()), options_(options) {}

    // Scans the whole text once; true when it is one valid JSON value.
    template <class Handler>
    bool scan(Handler& handler);

    // Where scanning stopped: text.size() after success, else about where the text went wrong
    // (the offending byte, or inside the token that holds it). For error messages.
    size_t position() const { return static_cast<size_t>(p_ - text_.data()); }

    // The raw content of a string token, as a view into the scanned text.
    std::string_view raw(const JsonString& s) const { return text_.substr(s.offset, s.length); }
    std::string_view raw(const JsonNumber& n) const { return text_.substr(n.offset, n.length); }

private:
    enum class State : uint8_t { Value, Key, AfterValue, Done, Fail };

    // Container kinds, one bit a level (1 = object). The first 512 levels live inline; deeper
    // (only with a larger maxDepth) costs one bit a level on the heap, never C stack.
    class Nesting {
    public:
        void push(bool isObject) {
            uint64_t& word = depth_ < kInlineLevels ? inline_[depth_ / 64] : overflowWord(depth_);
            const uint64_t mask = uint64_t{1} << (depth_ % 64);
            word = isObject ? (word | mask) : (word & ~mask);
            ++depth_;
        }
        void pop() { --depth_; }
        size_t depth() const { return depth_; }
        bool topIsObject() const {
            const size_t level = depth_ - 1;
            const uint64_t word =
                level < kInlineLevels ? inline_[level / 64] : overflow_[(level - kInlineLevels) / 64];
            return (word >> (level % 64) & 1) != 0;
        }

    private:
        static constexpr size_t kInlineLevels = 512;
        uint64_t& overflowWord(size_t level);  // grows overflow_; JsonScanner.cpp

        uint64_t inline_[kInlineLevels / 64] = {};
        std::vector<uint64_t> overflow_;
        size_t depth_ = 0;
    };

    template <class Handler>
    State value(Handler& handler);
    template <class Handler>
    State key(Handler& handler);
    template <class Handler>
    State afterValue(Handler& handler);
    template <class Handler>
    State open(bool isObject, Handler& handler);
    template <class Handler>
    void close(bool isObject, Handler& handler);
    bool scanString(JsonString& token);
    bool scanEscape();
    bool scanNumber(bool& integer);
    template <size_t N>
    bool scanLiteral(const char (&literal)[N]);
    void skipWhitespace() {
        if (p_ < end_ && static_cast<unsigned char>(*p_) > ' ') {
            return;  // compact JSON, the common case: no loop
        }
        while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
            ++p_;
        }
    }
    size_t offset(const char* p) const { return static_cast<size_t>(p - text_.data()); }

    std::string_view text_;
    const char* p_;
    const char* end_;
    JsonScanOptions options_;
    Nesting nesting_;
};

// ---- helpers for tokens ----

// The content of a string token with its escapes resolved, appended to out (anything with
// push_back(char): a std::string, or a fixed buffer for short keys). A surrogate pair becomes one
// code point; a lone escaped surrogate becomes U+FFFD, so the result is UTF-8 when the raw bytes
// were. Safe on any bytes: an escape cut short is copied as it is.
template <class Out>
void appendUnescapedJson(std::string_view raw, Out& out);

// The same into a new string.
std::string unescapeJson(std::string_view raw);

// An optional '-' and ASCII digits only (no '+', spaces, fraction or exponent) within int64:
// a JSON integer token, or a string of digits as RTM commands send ids ("11010000").
// Written out rather than std::from_chars, which showed in classify() profiles.
bool parseJsonInt64(std::string_view text, int64_t& value);

// One member of a JSON object, or one element of an array (its key then empty): the raw bytes
// of its value (a string value with its quotes, a container from its bracket to the matching one).
struct JsonMember {
    JsonString key;
    size_t valueOffset = 0;
    size_t valueLength = 0;
};

struct JsonMembers {
    bool valid = false;   // the text is one valid JSON value
    bool object = false;  // and that value is an object
    bool array = false;   // or an array
    std::vector<JsonMember> members;  // its members or elements in text order, duplicates kept
};

// The members of a top-level object or the elements of a top-level array (one level, no
// deeper), for readers that look a few keys up. Empty unless the text is valid.
JsonMembers jsonMembers(std::string_view text, JsonScanOptions options = {});

// ---- implementation (templates: the hooks inline into the loop) ----

namespace json_detail {

constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

inline uint64_t zeroBytes(uint64_t word) {
    return (word - kOnes) & ~word & kHighBits;
}

// The first byte of word a string scan must look at: '"', '\\', a control character or a
// non-ASCII byte; 8 when there is none. Each term can only flag false positives above a true
// one, so the lowest flagged byte is exact.
inline unsigned firstSpecialByte(uint64_t word) {
    const uint64_t special = zeroBytes(word ^ (kOnes * '"')) | zeroBytes(word ^ (kOnes * '\\')) |
                             ((word - kOnes * 0x20) & ~word & kHighBits) | (word & kHighBits);
    return special == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(special)) / 8;
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "firstSpecialByte counts bytes from the low end");

inline bool isPlain(unsigned char c) {
    return c >= 0x20 && c < 0x80 && c != '"' && c != '\\';
}

// Skips bytes that may stand in a string as they are, 8 at a time. A free function on local
// pointers, so the compiler keeps them in registers.
inline const char* skipPlainBytes(const char* p, const char* end) {
    while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, sizeof word);
        const unsigned plain = firstSpecialByte(word);
        p += plain;
        if (plain < 8) {
            return p;
        }
    }
    while (p < end && isPlain(static_cast<unsigned char>(*p))) {
        ++p;
    }
    return p;
}

inline bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

// Four hex digits at p (p + 4 <= end), -1 when one is not a hex digit.
inline int32_t hex4(const char* p) {
    const int a = hexValue(p[0]), b = hexValue(p[1]), c = hexValue(p[2]), d = hexValue(p[3]);
    return (a | b | c | d) < 0 ? -1 : static_cast<int32_t>(a << 12 | b << 8 | c << 4 | d);
}

template <class Out>
void appendUtf8(Out& out, uint32_t cp) {
    if (cp < 0x80) {
        out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
        out.push_back(static_cast<char>(0xC0 | cp >> 6));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
        out.push_back(static_cast<char>(0xE0 | cp >> 12));
        out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
        out.push_back(static_cast<char>(0xF0 | cp >> 18));
        out.push_back(static_cast<char>(0x80 | (cp >> 12 & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp >> 6 & 0x3F)));
        out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
}

inline bool isHighSurrogate(uint32_t cp) {
    return cp >= 0xD800 && cp <= 0xDBFF;
}

inline bool isLowSurrogate(uint32_t cp) {
    return cp >= 0xDC00 && cp <= 0xDFFF;
}

// One \u escape with p just after "\u" and 4 hex digits there; joins a surrogate pair; advances p.
inline uint32_t decodeUnicodeEscape(const char*& p, const char* end, uint32_t cp) {
    p += 4;
    if (isHighSurrogate(cp) && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
        const int32_t low = hex4(p + 2);
        if (low >= 0 && isLowSurrogate(static_cast<uint32_t>(low))) {
            p += 6;
            return 0x10000 + ((cp - 0xD800) << 10) + (static_cast<uint32_t>(low) - 0xDC00);
        }
    }
    return isHighSurrogate(cp) || isLowSurrogate(cp) ? 0xFFFD : cp;
}

}  // namespace json_detail

template <class Out>
void appendUnescapedJson(std::string_view raw, Out& out) {
    const char* p = raw.data();
    const char* end = p + raw.size();
    while (p < end) {
        if (*p != '\\' || end - p < 2) {
            out.push_back(*p++);
            continue;
        }
        const char c = p[1];
        if (c == 'u') {
            const int32_t cp = end - p >= 6 ? json_detail::hex4(p + 2) : -1;
            if (cp < 0) {
                out.push_back(*p++);  // not an escape a scan would pass: keep the bytes
                continue;
            }
            p += 2;
            json_detail::appendUtf8(out, json_detail::decodeUnicodeEscape(p, end, static_cast<uint32_t>(cp)));
            continue;
        }
        p += 2;
        switch (c) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        default: out.push_back(c); break;  // '"', '\\', '/'
        }
    }
}

template <class Handler>
bool JsonScanner::scan(Handler& handler) {
    State state = State::Value;
    while (true) {
        switch (state) {
        case State::Value: state = value(handler); break;
        case State::Key: state = key(handler); break;
        case State::AfterValue: state = afterValue(handler); break;
        case State::Done: return true;
        case State::Fail: return false;
        }
    }
}

template <class Handler>
JsonScanner::State JsonScanner::value(Handler& handler) {
    skipWhitespace();
    if (p_ == end_) {
        return State::Fail;
    }
    const char* start = p_;
    switch (*p_) {
    case '{': return open(true, handler);
    case '[': return open(false, handler);
    case '"': {
        JsonString token;
        if (!scanString(token)) {
            return State::Fail;
        }
        handler.stringValue(token);
        return State::AfterValue;
    }
    case 't':
        if (!scanLiteral("true")) {
            return State::Fail;
        }
        handler.literalValue(JsonLiteral::True, offset(start));
        return State::AfterValue;
    case 'f':
        if (!scanLiteral("false")) {
            return State::Fail;
        }
        handler.literalValue(JsonLiteral::False, offset(start));
        return State::AfterValue;
    case 'n':
        if (!scanLiteral("null")) {
            return State::Fail;
        }
        handler.literalValue(JsonLiteral::Null, offset(start));
        return State::AfterValue;
    default: break;
    }
    bool integer = false;
    if (!scanNumber(integer)) {
        return State::Fail;
    }
    handler.numberValue(JsonNumber{offset(start), static_cast<size_t>(p_ - start), integer});
    return State::AfterValue;
}

template <class Handler>
JsonScanner::State JsonScanner::open(bool isObject, Handler& handler) {
    if (nesting_.depth() >= options_.maxDepth) {
        return State::Fail;
    }
    const size_t at = offset(p_);
    ++p_;
    nesting_.push(isObject);
    const size_t depth = nesting_.depth();
    if (isObject) {
        handler.beginObject(at, depth);
    } else {
        handler.beginArray(at, depth);
    }
    skipWhitespace();
    if (p_ < end_ && *p_ == (isObject ? '}' : ']')) {
        ++p_;
        close(isObject, handler);
        return State::AfterValue;
    }
    return isObject ? State::Key : State::Value;
}

// p_ is just past the closing bracket.
template <class Handler>
void JsonScanner::close(bool isObject, Handler& handler) {
    const size_t depth = nesting_.depth();
    nesting_.pop();
    if (isObject) {
        handler.endObject(offset(p_), depth);
    } else {
        handler.endArray(offset(p_), depth);
    }
}

template <class Handler>
JsonScanner::State JsonScanner::key(Handler& handler) {
    skipWhitespace();
    JsonString token;
    if (p_ == end_ || *p_ != '"' || !scanString(token)) {
        return State::Fail;
    }
    handler.key(token);
    skipWhitespace();
    if (p_ == end_ || *p_ != ':') {
        return State::Fail;
    }
    ++p_;
    return State::Value;
}

template <class Handler>
JsonScanner::State JsonScanner::afterValue(Handler& handler) {
    skipWhitespace();
    if (nesting_.depth() == 0) {
        return p_ == end_ ? State::Done : State::Fail;
    }
    if (p_ == end_) {
        return State::Fail;
    }
    const char c = *p_;
    const bool inObject = nesting_.topIsObject();
    if (c == ',') {
        ++p_;
        return inObject ? State::Key : State::Value;
    }
    if (c == (inObject ? '}' : ']')) {
        ++p_;
        close(inObject, handler);
        return State::AfterValue;
    }
    return State::Fail;
}

// Inlined into its two callers (keys and values): about a third of all tokens are strings, and
// the call's register saves cost ~10% of classify() in callgrind.
__attribute__((always_inline)) inline bool JsonScanner::scanString(JsonString& token) {
    ++p_;  // the opening quote
    const char* start = p_;
    bool escaped = false;
    while (true) {
        p_ = json_detail::skipPlainBytes(p_, end_);
        if (p_ == end_) {
            return false;
        }
        const auto c = static_cast<unsigned char>(*p_);
        if (c == '"') {
            token = {offset(start), static_cast<size_t>(p_ - start), escaped};
            ++p_;
            return true;
        }
        if (c == '\\') {
            escaped = true;
            if (!scanEscape()) {
                return false;
            }
            continue;
        }
        if (c < 0x80) {
            return false;  // an unescaped control character
        }
        if (!options_.checkUtf8) {
            ++p_;
            continue;
        }
        const size_t length = utf8SequenceLength(text_, offset(p_));
        if (length == 0) {
            return false;
        }
        p_ += length;
    }
}

inline bool JsonScanner::scanEscape() {
    ++p_;  // the backslash
    if (p_ == end_) {
        return false;
    }
    switch (*p_++) {
    case '"':
    case '\\':
    case '/':
    case 'b':
    case 'f':
    case 'n':
    case 'r':
    case 't': return true;
    case 'u': break;
    default: return false;
    }
    if (end_ - p_ < 4 || json_detail::hex4(p_) < 0) {
        return false;
    }
    p_ += 4;
    return true;
}

// number = [ minus ] int [ frac ] [ exp ] (RFC 8259 section 6); `integer` is false with frac or exp.
inline bool JsonScanner::scanNumber(bool& integer) {
    using json_detail::isDigit;
    if (*p_ == '-') {
        ++p_;
    }
    if (p_ == end_ || !isDigit(*p_)) {
        return false;
    }
    if (*p_++ != '0') {
        while (p_ < end_ && isDigit(*p_)) {
            ++p_;
        }
    }
    integer = true;
    if (p_ < end_ && *p_ == '.') {
        integer = false;
        ++p_;
        if (p_ == end_ || !isDigit(*p_)) {
            return false;
        }
        while (p_ < end_ && isDigit(*p_)) {
            ++p_;
        }
    }
    if (p_ < end_ && (*p_ == 'e' || *p_ == 'E')) {
        integer = false;
        ++p_;
        if (p_ < end_ && (*p_ == '+' || *p_ == '-')) {
            ++p_;
        }
        if (p_ == end_ || !isDigit(*p_)) {
            return false;
        }
        while (p_ < end_ && isDigit(*p_)) {
            ++p_;
        }
    }
    return true;
}

template <size_t N>
bool JsonScanner::scanLiteral(const char (&literal)[N]) {
    constexpr size_t length = N - 1;  // a constant length lets the compiler inline the compare
    if (static_cast<size_t>(end_ - p_) < length || std::memcmp(p_, literal, length) != 0) {
        return false;
    }
    p_ += length;
    return true;
}

inline bool parseJsonInt64(std::string_view text, int64_t& value) {
    const bool negative = !text.empty() && text[0] == '-';
    if (text.size() == (negative ? 1u : 0u)) {
        return false;
    }
    const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    uint64_t magnitude = 0;
    for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
        if (!json_detail::isDigit(text[i])) {
            return false;
        }
        const auto digit = static_cast<uint64_t>(text[i] - '0');
        if (magnitude > (limit - digit) / 10) {
            return false;
        }
        magnitude = magnitude * 10 + digit;
    }
    if (!negative) {
        value = static_cast<int64_t>(magnitude);
    } else {
        value = magnitude == uint64_t{1} << 63 ? std::numeric_limits<int64_t>::min() : -static_cast<int64_t>(magnitude);
    }
    return true;
}

}  // namespace rtmtap
