#pragma once
// Indexes an RTM frame's payload: which protocol message it is and the ids it names.
// Runs on the store's writer thread, never on the relay: it must be fast (a one-pass scanner,
// no DOM: Poco::JSON costs ~3.7 us a message, too slow for the 250k frames/s target) and must
// accept any bytes without crashing (untrusted input).
#include "Message.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

namespace rtmtap {

enum class Kind : uint8_t { Other = 0, Command = 1, Event = 2, Control = 3 };

const char* toString(Kind kind);  // "other" | "command" | "event" | "control"

struct Classification {
    Kind kind = Kind::Other;
    bool malformed = false;  // not valid JSON (RFC 8259); kind stays Other
    std::string name;        // top-level "event" or "command" string, "" when absent
    std::optional<int64_t> channel_id;
    std::optional<int64_t> message_id;
    std::optional<int64_t> user_id;
    // For ws_auth: byte offset and length, inside the payload, of the auth_token string's
    // content (between its quotes), so the store can redact it in place without re-serialising.
    std::optional<std::pair<size_t, size_t>> auth_token_span;
};

// Classifies one text (or binary) payload. Control frames (ping/pong/close) are Kind::Control and
// are classified by the caller without calling this.
//   kind:  "command" when a top-level "command" string exists, "event" when a top-level "event"
//          string exists, else Other (valid JSON of another shape, e.g. {"meta":{}} or an array).
//   ids:   numbers or digit strings ("11010000" as commands send them) found at, in order of
//          preference: channel_id: top-level "channel_id", payload.channel_id,
//          payload.message.channel_id, payload.channel.id (channel.* events), payload.action.channel_id;
//          message_id: top-level "message_id", payload.message_id, payload.message.id;
//          user_id: top-level "user_id", payload.user_id, payload.user.id, payload.message.user_id,
//          payload.removed_user_id.
Classification classify(std::string_view payload);

// The classification the store records for a whole message: control frames are Kind::Control;
// text is classified, and flags gains Malformed (and InvalidUtf8) when it is not JSON; binary is
// classified only when it looks like JSON (the real server accepts JSON in binary frames);
// an Oversize message (payload not kept) and other binary are Kind::Other.
Classification classifyMessage(const Message& message, uint32_t& flags);

}  // namespace rtmtap
