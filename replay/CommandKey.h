#pragma once
// What identifies a client command when a replay compares or matches commands: its name and the
// key fields the protocol acts on (channel_id, message_id, emoji_value). Tokens, times and any
// other member are ignored: a new client build sends a fresh token and its own timing, and
// channel_id "11010000" (a digit string, as the document's examples send it) equals 11010000.
#include "protocol/Message.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rtmtap {

struct CommandKey {
    std::string name;  // "ws_add_reaction"; for a frame that is not a command: "" (see describe)
    std::optional<int64_t> channel;
    std::optional<int64_t> message;
    std::optional<std::string> emoji;

    bool operator==(const CommandKey& other) const;
    bool operator!=(const CommandKey& other) const { return !(*this == other); }
    // "ws_add_reaction message_id=10004 emoji_value=U 1F600"
    std::string describe() const;
};

// The key of a client-to-server text or binary frame holding a command, else nullopt.
std::optional<CommandKey> commandKey(const Message& frame);

}  // namespace rtmtap
