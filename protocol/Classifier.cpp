#include "Classifier.h"

#include "Hex.h"
#include "Utf8.h"

#include <cstring>
#include <vector>

// One pass over the bytes, validating RFC 8259 and picking up the few fields the store indexes.
// No recursion (an explicit nesting stack: hostile input cannot exhaust the C stack), no DOM, and
// no heap allocation except `name` and nesting deeper than NestingStack keeps inline.
//
// Documented choices:
// - Valid JSON means RFC 8259 in full, including UTF-8 (section 8.1): invalid UTF-8 inside a
//   string makes the payload malformed, as does a byte order mark. Escaped lone surrogates
//   ("\udc00") are valid: the grammar allows them.
// - A malformed payload gives Classification{malformed = true} and nothing else: fields seen
//   before the error are dropped, so a truncated frame never indexes half-read ids.
// - Duplicate keys: for ids and the containers that hold them ("payload", "message", ...) the
//   first occurrence wins. For "event", "command" and "auth_token" the last one wins, as in
//   Node's JSON.parse on the real server: the index names the command the server runs, and the
//   token redacted through auth_token_span is the one it authenticates with (an earlier
//   duplicate auth_token is not covered by the span).
// - Both "command" and "event" strings at the top level: kind Command, name is the command
//   (a client frame is what the server acts on). A non-string "command" does not count.
// - Ids: a JSON integer or a string of ASCII digits with an optional leading '-', that fits
//   int64. A source holding anything else counts as absent and the next source in the order
//   of preference is tried.
// - name: unescaped; an escaped lone surrogate becomes U+FFFD so that name is always UTF-8.
// - auth_token_span: only for command "ws_auth" and a string "auth_token"; it covers the raw
//   bytes between the quotes, escapes included, as they are in the payload.

namespace rtmtap {
namespace {

// The value being scanned, for the few paths classify() indexes; None for everything else.
enum class Slot : uint8_t {
    None,
    Top,
    TopEvent,
    TopCommand,
    TopAuthToken,
    TopChannelId,
    TopMessageId,
    TopUserId,
    Payload,
    PayloadChannelId,
    PayloadMessageId,
    PayloadUserId,
    PayloadRemovedUserId,
    PayloadMessage,
    PayloadChannel,
    PayloadUser,
    PayloadAction,
    MessageId,
    MessageChannelId,
    MessageUserId,
    ChannelId,
    UserId,
    ActionChannelId,
    Count
};

constexpr size_t kSlotCount = static_cast<size_t>(Slot::Count);
static_assert(kSlotCount <= 32, "Scanner keeps one bit per slot in a uint32_t");

// Objects whose keys are tracked sit at depth 1 (top), 2 (payload) and 3 (payload.message...).
constexpr size_t kTrackedDepth = 3;

uint32_t bit(Slot slot) {
    return 1u << static_cast<unsigned>(slot);
}

// Key comparisons: a length check first, then a fixed-length compare the compiler inlines (a
// table of string_views cost a library memcmp call per candidate in profiles).
template <size_t N>
bool is(std::string_view key, const char (&literal)[N]) {
    return key.size() == N - 1 && std::memcmp(key.data(), literal, N - 1) == 0;
}

Slot topKey(std::string_view key) {
    return is(key, "event")        ? Slot::TopEvent
           : is(key, "command")    ? Slot::TopCommand
           : is(key, "payload")    ? Slot::Payload
           : is(key, "channel_id") ? Slot::TopChannelId
           : is(key, "message_id") ? Slot::TopMessageId
           : is(key, "user_id")    ? Slot::TopUserId
           : is(key, "auth_token") ? Slot::TopAuthToken
                                   : Slot::None;
}

Slot payloadKey(std::string_view key) {
    return is(key, "message")           ? Slot::PayloadMessage
           : is(key, "channel_id")      ? Slot::PayloadChannelId
           : is(key, "message_id")      ? Slot::PayloadMessageId
           : is(key, "user_id")         ? Slot::PayloadUserId
           : is(key, "channel")         ? Slot::PayloadChannel
           : is(key, "user")            ? Slot::PayloadUser
           : is(key, "action")          ? Slot::PayloadAction
           : is(key, "removed_user_id") ? Slot::PayloadRemovedUserId
                                        : Slot::None;
}

Slot messageKey(std::string_view key) {
    return is(key, "id")           ? Slot::MessageId
           : is(key, "channel_id") ? Slot::MessageChannelId
           : is(key, "user_id")    ? Slot::MessageUserId
                                   : Slot::None;
}

Slot childSlot(Slot container, std::string_view key) {
    switch (container) {
    case Slot::Top: return topKey(key);
    case Slot::Payload: return payloadKey(key);
    case Slot::PayloadMessage: return messageKey(key);
    case Slot::PayloadChannel: return is(key, "id") ? Slot::ChannelId : Slot::None;
    case Slot::PayloadUser: return is(key, "id") ? Slot::UserId : Slot::None;
    case Slot::PayloadAction: return is(key, "channel_id") ? Slot::ActionChannelId : Slot::None;
    default: return Slot::None;
    }
}

// The order of preference of Classifier.h.
constexpr Slot kChannelIdSources[] = {Slot::TopChannelId, Slot::PayloadChannelId, Slot::MessageChannelId,
                                      Slot::ChannelId, Slot::ActionChannelId};
constexpr Slot kMessageIdSources[] = {Slot::TopMessageId, Slot::PayloadMessageId, Slot::MessageId};
constexpr Slot kUserIdSources[] = {Slot::TopUserId, Slot::PayloadUserId, Slot::UserId, Slot::MessageUserId,
                                   Slot::PayloadRemovedUserId};

bool isLastWins(Slot slot) {
    return slot == Slot::TopEvent || slot == Slot::TopCommand || slot == Slot::TopAuthToken;
}

bool isIdSlot(Slot slot) {
    constexpr uint32_t ids = (1u << static_cast<unsigned>(Slot::TopChannelId)) |
                             (1u << static_cast<unsigned>(Slot::TopMessageId)) |
                             (1u << static_cast<unsigned>(Slot::TopUserId)) |
                             (1u << static_cast<unsigned>(Slot::PayloadChannelId)) |
                             (1u << static_cast<unsigned>(Slot::PayloadMessageId)) |
                             (1u << static_cast<unsigned>(Slot::PayloadUserId)) |
                             (1u << static_cast<unsigned>(Slot::PayloadRemovedUserId)) |
                             (1u << static_cast<unsigned>(Slot::MessageId)) |
                             (1u << static_cast<unsigned>(Slot::MessageChannelId)) |
                             (1u << static_cast<unsigned>(Slot::MessageUserId)) |
                             (1u << static_cast<unsigned>(Slot::ChannelId)) |
                             (1u << static_cast<unsigned>(Slot::UserId)) |
                             (1u << static_cast<unsigned>(Slot::ActionChannelId));
    return (ids & bit(slot)) != 0;
}

// Finds, 8 bytes at a time, the first byte a string scan must look at: '"', '\\', a control
// character or a non-ASCII byte. Each term below can only flag false positives above a true one,
// so the lowest flagged byte is exact. Returns 8 when the word has none.
constexpr uint64_t kOnes = 0x0101010101010101ull;
constexpr uint64_t kHighBits = 0x8080808080808080ull;

uint64_t zeroBytes(uint64_t word) {
    return (word - kOnes) & ~word & kHighBits;
}

unsigned firstSpecialByte(uint64_t word) {
    const uint64_t special = zeroBytes(word ^ (kOnes * '"')) | zeroBytes(word ^ (kOnes * '\\')) |
                             ((word - kOnes * 0x20) & ~word & kHighBits) | (word & kHighBits);
    return special == 0 ? 8 : static_cast<unsigned>(__builtin_ctzll(special)) / 8;
}

static_assert(__BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__, "firstSpecialByte counts bytes from the low end");

// Bytes that may appear in a string as they are: printable ASCII but the quote and backslash.
struct PlainTable {
    bool plain[256] = {};
    constexpr PlainTable() {
        for (int c = 0x20; c < 0x80; ++c) {
            plain[c] = c != '"' && c != '\\';
        }
    }
};
constexpr PlainTable kPlain;

// Free function on local pointers, so the compiler keeps them in registers.
const char* skipPlainBytes(const char* p, const char* end) {
    while (end - p >= 8) {
        uint64_t word;
        std::memcpy(&word, p, sizeof word);
        const unsigned plain = firstSpecialByte(word);
        p += plain;
        if (plain < 8) {
            return p;
        }
    }
    while (p < end && kPlain.plain[static_cast<unsigned char>(*p)]) {
        ++p;
    }
    return p;
}

bool isDigit(char c) {
    return c >= '0' && c <= '9';
}

uint32_t hex4(const char* p) {
    return static_cast<uint32_t>(hexValue(p[0]) << 12 | hexValue(p[1]) << 8 | hexValue(p[2]) << 4 |
                                 hexValue(p[3]));
}

// An optional '-' and ASCII digits only (no '+', spaces or fraction), within int64.
// Hand-written: std::from_chars showed up in profiles at a few ids a frame.
std::optional<int64_t> parseId(std::string_view text) {
    const bool negative = !text.empty() && text[0] == '-';
    if (text.size() == (negative ? 1u : 0u)) {
        return std::nullopt;
    }
    const uint64_t limit = negative ? uint64_t{1} << 63 : (uint64_t{1} << 63) - 1;
    uint64_t value = 0;
    for (size_t i = negative ? 1 : 0; i < text.size(); ++i) {
        if (!isDigit(text[i])) {
            return std::nullopt;
        }
        const auto digit = static_cast<uint64_t>(text[i] - '0');
        if (value > (limit - digit) / 10) {
            return std::nullopt;
        }
        value = value * 10 + digit;
    }
    if (!negative) {
        return static_cast<int64_t>(value);
    }
    return value == uint64_t{1} << 63 ? INT64_MIN : -static_cast<int64_t>(value);
}

// A fixed buffer for the short strings compared after unescaping (keys, digit strings).
// Longer ones cannot be a tracked key or an int64, so overflowing simply means "no match".
struct SmallText {
    char data[24];
    size_t size = 0;
    bool overflow = false;
    void push_back(char c) {
        if (size == sizeof data) {
            overflow = true;
            return;
        }
        data[size++] = c;
    }
    std::string_view view() const { return {data, size}; }
};

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

bool isHighSurrogate(uint32_t cp) {
    return cp >= 0xD800 && cp <= 0xDBFF;
}

bool isLowSurrogate(uint32_t cp) {
    return cp >= 0xDC00 && cp <= 0xDFFF;
}

// Decodes one \u escape (p just after "\u"), joining a surrogate pair; advances p.
uint32_t decodeUnicodeEscape(const char*& p, const char* end) {
    uint32_t cp = hex4(p);
    p += 4;
    if (isHighSurrogate(cp) && end - p >= 6 && p[0] == '\\' && p[1] == 'u') {
        const uint32_t low = hex4(p + 2);
        if (isLowSurrogate(low)) {
            p += 6;
            return 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
        }
    }
    return isHighSurrogate(cp) || isLowSurrogate(cp) ? 0xFFFD : cp;
}

// Unescapes string content the scanner has already validated.
template <class Out>
void unescape(std::string_view raw, Out& out) {
    const char* p = raw.data();
    const char* end = p + raw.size();
    while (p < end) {
        if (*p != '\\') {
            out.push_back(*p++);
            continue;
        }
        const char c = p[1];
        p += 2;
        switch (c) {
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': appendUtf8(out, decodeUnicodeEscape(p, end)); break;
        default: out.push_back(c); break;  // '"', '\\', '/'
        }
    }
}

// Container kinds, one bit a level (1 = object). The first 512 levels live inline: no heap for
// any real frame; deeper hostile input costs one bit a level, never C stack.
class NestingStack {
public:
    void push(bool isObject) {
        uint64_t& word = wordAt(depth_ / 64);
        const uint64_t mask = uint64_t{1} << (depth_ % 64);
        word = isObject ? (word | mask) : (word & ~mask);
        ++depth_;
    }
    void pop() { --depth_; }
    bool empty() const { return depth_ == 0; }
    size_t depth() const { return depth_; }
    bool topIsObject() const {
        const size_t level = depth_ - 1;
        const size_t index = level / 64;
        const uint64_t word = index < kInlineWords ? inline_[index] : overflow_[index - kInlineWords];
        return (word >> (level % 64) & 1) != 0;
    }

private:
    static constexpr size_t kInlineWords = 8;

    uint64_t& wordAt(size_t index) {
        if (index < kInlineWords) {
            return inline_[index];
        }
        index -= kInlineWords;
        if (index >= overflow_.size()) {
            overflow_.resize(index + 1);
        }
        return overflow_[index];
    }

    uint64_t inline_[kInlineWords] = {};
    std::vector<uint64_t> overflow_;
    size_t depth_ = 0;
};

struct StringSpan {
    size_t offset = 0;  // of the first content byte, in the payload
    size_t length = 0;
    bool escaped = false;
};

class Scanner {
public:
    explicit Scanner(std::string_view text) : text_(text), p_(text.data()), end_(text.data() + text.size()) {}

    Classification classify();

private:
    enum class State : uint8_t { Value, Key, AfterValue, Done, Fail };

    State value(Slot& slot);
    State key(Slot& slot);
    State afterValue(Slot& slot);
    State openContainer(bool isObject, Slot& slot);
    bool scanString(StringSpan& span);
    bool scanEscape();
    bool scanNumber(bool& integer);
    template <size_t N>
    bool scanLiteral(const char (&literal)[N]);
    void skipWhitespace() {
        if (p_ < end_ && static_cast<unsigned char>(*p_) > ' ') {
            return;  // compact JSON, the common case: no call
        }
        skipWhitespaceRun();
    }
    void skipWhitespaceRun();
    void recordString(Slot slot, const StringSpan& span);
    void recordId(Slot slot, std::optional<int64_t> id);
    Slot context() const;
    std::string_view raw(const StringSpan& span) const { return text_.substr(span.offset, span.length); }
    bool has(Slot slot) const { return (strings_ & bit(slot)) != 0; }
    template <size_t N>
    std::optional<int64_t> firstId(const Slot (&sources)[N]) const;
    Classification result() const;
    std::string name(const StringSpan& span) const;

    std::string_view text_;
    const char* p_;
    const char* end_;
    NestingStack nesting_;
    Slot context_[kTrackedDepth + 1] = {};  // the object at each tracked depth; None for arrays
    uint32_t seen_ = 0;                      // tracked keys met so far (first occurrence wins)
    uint32_t strings_ = 0;                   // event/command/auth_token slots that held a string
    uint32_t ids_ = 0;                       // id slots that held a valid id
    int64_t idValues_[kSlotCount] = {};
    StringSpan event_;
    StringSpan command_;
    StringSpan authToken_;
};

Classification Scanner::classify() {
    Slot slot = Slot::Top;
    State state = State::Value;
    while (state != State::Done) {
        switch (state) {
        case State::Value: state = value(slot); break;
        case State::Key: state = key(slot); break;
        case State::AfterValue: state = afterValue(slot); break;
        case State::Fail: {
            Classification malformed;
            malformed.malformed = true;
            return malformed;
        }
        case State::Done: break;
        }
    }
    return result();
}

void Scanner::skipWhitespaceRun() {
    while (p_ < end_ && (*p_ == ' ' || *p_ == '\n' || *p_ == '\r' || *p_ == '\t')) {
        ++p_;
    }
}

Slot Scanner::context() const {
    const size_t depth = nesting_.depth();
    return depth <= kTrackedDepth ? context_[depth] : Slot::None;
}

Scanner::State Scanner::value(Slot& slot) {
    skipWhitespace();
    if (p_ == end_) {
        return State::Fail;
    }
    switch (*p_) {
    case '{': return openContainer(true, slot);
    case '[': return openContainer(false, slot);
    case '"': {
        StringSpan span;
        if (!scanString(span)) {
            return State::Fail;
        }
        recordString(slot, span);
        return State::AfterValue;
    }
    case 't': return scanLiteral("true") ? State::AfterValue : State::Fail;
    case 'f': return scanLiteral("false") ? State::AfterValue : State::Fail;
    case 'n': return scanLiteral("null") ? State::AfterValue : State::Fail;
    default: break;
    }
    const char* start = p_;
    bool integer = false;
    if (!scanNumber(integer)) {
        return State::Fail;
    }
    if (integer && isIdSlot(slot)) {
        recordId(slot, parseId(std::string_view(start, static_cast<size_t>(p_ - start))));
    }
    return State::AfterValue;
}

Scanner::State Scanner::openContainer(bool isObject, Slot& slot) {
    ++p_;
    nesting_.push(isObject);
    const size_t depth = nesting_.depth();
    if (depth <= kTrackedDepth) {
        context_[depth] = isObject ? slot : Slot::None;
    }
    skipWhitespace();
    if (p_ < end_ && *p_ == (isObject ? '}' : ']')) {
        ++p_;
        nesting_.pop();
        return State::AfterValue;
    }
    slot = Slot::None;
    return isObject ? State::Key : State::Value;
}

Scanner::State Scanner::key(Slot& slot) {
    skipWhitespace();
    StringSpan span;
    if (p_ == end_ || *p_ != '"' || !scanString(span)) {
        return State::Fail;
    }
    slot = Slot::None;
    const Slot container = context();
    if (container != Slot::None) {
        if (!span.escaped) {
            slot = childSlot(container, raw(span));
        } else {
            SmallText key;
            unescape(raw(span), key);
            slot = key.overflow ? Slot::None : childSlot(container, key.view());
        }
        if (isLastWins(slot)) {
            strings_ &= ~bit(slot);  // forget an earlier occurrence; set again if this is a string
        } else if (slot != Slot::None && (seen_ & bit(slot)) != 0) {
            slot = Slot::None;  // a duplicate key: the first occurrence won
        }
        seen_ |= bit(slot);
    }
    skipWhitespace();
    if (p_ == end_ || *p_ != ':') {
        return State::Fail;
    }
    ++p_;
    return State::Value;
}

Scanner::State Scanner::afterValue(Slot& slot) {
    skipWhitespace();
    if (nesting_.empty()) {
        return p_ == end_ ? State::Done : State::Fail;
    }
    if (p_ == end_) {
        return State::Fail;
    }
    const char c = *p_++;
    const bool inObject = nesting_.topIsObject();
    if (c == ',') {
        slot = Slot::None;
        return inObject ? State::Key : State::Value;
    }
    if (c == (inObject ? '}' : ']')) {
        nesting_.pop();
        return State::AfterValue;
    }
    return State::Fail;
}

// Inlined into its two callers (keys and values): about a third of all tokens are strings, and
// the call's register saves cost ~10% of classify() in callgrind.
__attribute__((always_inline)) inline bool Scanner::scanString(StringSpan& span) {
    ++p_;  // the opening quote
    const char* start = p_;
    bool escaped = false;
    while (true) {
        p_ = skipPlainBytes(p_, end_);
        if (p_ == end_) {
            return false;
        }
        const auto c = static_cast<unsigned char>(*p_);
        if (c == '"') {
            span = {static_cast<size_t>(start - text_.data()), static_cast<size_t>(p_ - start), escaped};
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
        const size_t length = utf8SequenceLength(text_, static_cast<size_t>(p_ - text_.data()));
        if (length == 0) {
            return false;
        }
        p_ += length;
    }
}

bool Scanner::scanEscape() {
    ++p_;  // the backslash
    if (p_ == end_) {
        return false;
    }
    const char c = *p_++;
    switch (c) {
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
    if (end_ - p_ < 4) {
        return false;
    }
    for (int i = 0; i < 4; ++i) {
        if (hexValue(*p_++) < 0) {
            return false;
        }
    }
    return true;
}

// number = [ minus ] int [ frac ] [ exp ] (RFC 8259 section 6); `integer` is false with frac or exp.
bool Scanner::scanNumber(bool& integer) {
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
bool Scanner::scanLiteral(const char (&literal)[N]) {
    constexpr size_t length = N - 1;  // a constant length lets the compiler inline the compare
    if (static_cast<size_t>(end_ - p_) < length || std::memcmp(p_, literal, length) != 0) {
        return false;
    }
    p_ += length;
    return true;
}

void Scanner::recordString(Slot slot, const StringSpan& span) {
    switch (slot) {
    case Slot::TopEvent: event_ = span; break;
    case Slot::TopCommand: command_ = span; break;
    case Slot::TopAuthToken: authToken_ = span; break;
    default:
        if (isIdSlot(slot)) {
            if (!span.escaped) {
                recordId(slot, parseId(raw(span)));
            } else {
                SmallText digits;
                unescape(raw(span), digits);
                recordId(slot, digits.overflow ? std::nullopt : parseId(digits.view()));
            }
        }
        return;
    }
    strings_ |= bit(slot);
}

void Scanner::recordId(Slot slot, std::optional<int64_t> id) {
    if (id) {
        ids_ |= bit(slot);
        idValues_[static_cast<size_t>(slot)] = *id;
    }
}

template <size_t N>
std::optional<int64_t> Scanner::firstId(const Slot (&sources)[N]) const {
    for (Slot source : sources) {
        if ((ids_ & bit(source)) != 0) {
            return idValues_[static_cast<size_t>(source)];
        }
    }
    return std::nullopt;
}

std::string Scanner::name(const StringSpan& span) const {
    if (!span.escaped) {
        return std::string(raw(span));
    }
    std::string out;
    out.reserve(span.length);
    unescape(raw(span), out);
    return out;
}

Classification Scanner::result() const {
    Classification out;
    if (has(Slot::TopCommand)) {
        out.kind = Kind::Command;
        out.name = name(command_);
    } else if (has(Slot::TopEvent)) {
        out.kind = Kind::Event;
        out.name = name(event_);
    }
    out.channel_id = firstId(kChannelIdSources);
    out.message_id = firstId(kMessageIdSources);
    out.user_id = firstId(kUserIdSources);
    if (out.kind == Kind::Command && out.name == "ws_auth" && has(Slot::TopAuthToken)) {
        out.auth_token_span = std::make_pair(authToken_.offset, authToken_.length);
    }
    return out;
}

}  // namespace

const char* toString(Kind kind) {
    switch (kind) {
    case Kind::Command: return "command";
    case Kind::Event: return "event";
    case Kind::Control: return "control";
    case Kind::Other: break;
    }
    return "other";
}

Classification classify(std::string_view payload) {
    return Scanner(payload).classify();
}

}  // namespace rtmtap
