#include "Classifier.h"

#include "JsonScanner.h"
#include "Utf8.h"

#include <cstring>

// One pass of JsonScanner over the bytes (RFC 8259 in full, UTF-8 included), picking up the few
// fields the store indexes as the tokens go by. No DOM and no heap allocation except `name` and
// nesting deeper than 512 levels (one bit a level: any depth is valid JSON here).
//
// Documented choices:
// - Valid JSON means RFC 8259 in full, including UTF-8 (section 8.1): invalid UTF-8 inside a
//   string makes the payload malformed, as does a byte order mark. Escaped lone surrogates
//   ("\udc00") are valid: the grammar allows them. Nesting depth is not limited.
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
static_assert(kSlotCount <= 32, "Indexer keeps one bit per slot in a uint32_t");

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

// The JsonScanner hooks: which tracked slot each value fills. slot_ is the slot of the value
// about to come (set by its key, None for array elements); each value consumes it.
class Indexer : public JsonHandler {
public:
    explicit Indexer(std::string_view text) : text_(text) {}

    void beginObject(size_t, size_t depth) { open(depth, slot_); }
    void beginArray(size_t, size_t depth) { open(depth, Slot::None); }
    void endObject(size_t, size_t depth) { depth_ = depth - 1; }
    void endArray(size_t, size_t depth) { depth_ = depth - 1; }
    void key(const JsonString& key);
    void stringValue(const JsonString& value) {
        recordString(slot_, value);
        slot_ = Slot::None;
    }
    void numberValue(const JsonNumber& value) {
        if (value.integer && isIdSlot(slot_)) {
            recordId(slot_, text_.substr(value.offset, value.length));
        }
        slot_ = Slot::None;
    }
    void literalValue(JsonLiteral, size_t) { slot_ = Slot::None; }

    Classification result() const;

private:
    void open(size_t depth, Slot slot) {
        depth_ = depth;
        if (depth <= kTrackedDepth) {
            context_[depth] = slot;
        }
        slot_ = Slot::None;
    }
    Slot context() const { return depth_ <= kTrackedDepth ? context_[depth_] : Slot::None; }
    void recordString(Slot slot, const JsonString& span);
    void recordId(Slot slot, std::string_view digits);
    std::string_view raw(const JsonString& span) const { return text_.substr(span.offset, span.length); }
    bool has(Slot slot) const { return (strings_ & bit(slot)) != 0; }
    template <size_t N>
    std::optional<int64_t> firstId(const Slot (&sources)[N]) const;
    std::string name(const JsonString& span) const;

    std::string_view text_;
    Slot slot_ = Slot::Top;
    size_t depth_ = 0;
    Slot context_[kTrackedDepth + 1] = {};  // the object at each tracked depth; None for arrays
    uint32_t seen_ = 0;                      // tracked keys met so far (first occurrence wins)
    uint32_t strings_ = 0;                   // event/command/auth_token slots that held a string
    uint32_t ids_ = 0;                       // id slots that held a valid id
    int64_t idValues_[kSlotCount] = {};
    JsonString event_;
    JsonString command_;
    JsonString authToken_;
};

void Indexer::key(const JsonString& key) {
    Slot slot = Slot::None;
    const Slot container = context();
    if (container != Slot::None) {
        if (!key.escaped) {
            slot = childSlot(container, raw(key));
        } else {
            SmallText decoded;
            appendUnescapedJson(raw(key), decoded);
            slot = decoded.overflow ? Slot::None : childSlot(container, decoded.view());
        }
        if (isLastWins(slot)) {
            strings_ &= ~bit(slot);  // forget an earlier occurrence; set again if this is a string
        } else if (slot != Slot::None && (seen_ & bit(slot)) != 0) {
            slot = Slot::None;  // a duplicate key: the first occurrence won
        }
        seen_ |= bit(slot);
    }
    slot_ = slot;
}

void Indexer::recordString(Slot slot, const JsonString& span) {
    switch (slot) {
    case Slot::TopEvent: event_ = span; break;
    case Slot::TopCommand: command_ = span; break;
    case Slot::TopAuthToken: authToken_ = span; break;
    default:
        if (isIdSlot(slot)) {
            if (!span.escaped) {
                recordId(slot, raw(span));
            } else {
                SmallText digits;
                appendUnescapedJson(raw(span), digits);
                if (!digits.overflow) {
                    recordId(slot, digits.view());
                }
            }
        }
        return;
    }
    strings_ |= bit(slot);
}

void Indexer::recordId(Slot slot, std::string_view digits) {
    int64_t id = 0;
    if (parseJsonInt64(digits, id)) {
        ids_ |= bit(slot);
        idValues_[static_cast<size_t>(slot)] = id;
    }
}

template <size_t N>
std::optional<int64_t> Indexer::firstId(const Slot (&sources)[N]) const {
    for (Slot source : sources) {
        if ((ids_ & bit(source)) != 0) {
            return idValues_[static_cast<size_t>(source)];
        }
    }
    return std::nullopt;
}

std::string Indexer::name(const JsonString& span) const {
    if (!span.escaped) {
        return std::string(raw(span));
    }
    std::string out;
    out.reserve(span.length);
    appendUnescapedJson(raw(span), out);
    return out;
}

Classification Indexer::result() const {
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
    JsonScanOptions options;
    options.maxDepth = JsonScanOptions::kUnlimited;
    Indexer indexer(payload);
    if (!JsonScanner(payload, options).scan(indexer)) {
        Classification malformed;
        malformed.malformed = true;
        return malformed;
    }
    return indexer.result();
}

namespace {

// The real server accepts binary frames holding JSON like text; index those, leave other binary.
bool looksLikeJson(const std::string& payload) {
    for (char c : payload) {
        if (c == ' ' || c == '\t' || c == '\n' || c == '\r') {
            continue;
        }
        return c == '{' || c == '[';
    }
    return false;
}

}  // namespace

Classification classifyMessage(const Message& message, uint32_t& flags) {
    if (isControl(message.op)) {
        Classification control;
        control.kind = Kind::Control;
        return control;
    }
    if (flags & MessageFlag::Oversize) {
        return {};  // the payload is not stored, there is nothing to index
    }
    if (message.op == Opcode::Text) {
        Classification index = classify(message.payload);
        // Valid JSON is valid UTF-8 (the classifier checks strings), so only malformed text
        // needs the separate check.
        if (index.malformed) {
            flags |= MessageFlag::Malformed;
            if (!isValidUtf8(message.payload)) {
                flags |= MessageFlag::InvalidUtf8;
            }
        }
        return index;
    }
    if (message.op == Opcode::Binary && looksLikeJson(message.payload)) {
        return classify(message.payload);
    }
    return {};
}

}  // namespace rtmtap
