#pragma once
// The flat message record every module speaks (after mitmproxy's WebSocketMessage): the relay
// fills it, taps observe it, the store writes it, readers and replay read it back.
#include <cstdint>
#include <string>

namespace rtmtap {

enum class Direction : uint8_t { ClientToServer = 0, ServerToClient = 1 };

// RFC 6455 opcodes; Continuation never reaches a Message (fragments are joined first).
enum class Opcode : uint8_t { Continuation = 0x0, Text = 0x1, Binary = 0x2, Close = 0x8, Ping = 0x9, Pong = 0xA };

// Bits of Message::flags. Stored as-is in the database: never renumber, only append.
namespace MessageFlag {
constexpr uint32_t Fragmented = 1u << 0;   // arrived in several frames, relayed as one
constexpr uint32_t Oversize = 1u << 1;     // above --max-message: neither relayed nor stored whole
constexpr uint32_t Malformed = 1u << 2;    // text (or JSON-looking binary) that is not valid JSON
constexpr uint32_t Synthetic = 1u << 3;    // made by the proxy itself (1001 on shutdown, 1009, 1002)
constexpr uint32_t Injected = 1u << 4;     // entered the relay from an injector, not a peer
constexpr uint32_t Dropped = 1u << 5;      // recorded, not forwarded: a filter stopped it, or its destination had closed
constexpr uint32_t Redacted = 1u << 6;     // stored payload has secrets removed (ws_auth token)
constexpr uint32_t InvalidUtf8 = 1u << 7;  // a text frame whose payload is not valid UTF-8
constexpr uint32_t Edited = 1u << 8;       // sent by a filter in place of the frame edit_of names
constexpr uint32_t Incomplete = 1u << 9;   // the session ended before the message's last fragment:
                                           // the fragments that came (with Fragmented, Dropped)
}  // namespace MessageFlag

struct Message {
    int64_t session = 0;
    int64_t seq = 0;  // 1, 2, 3 ... per session, both directions share one sequence
    Direction dir = Direction::ClientToServer;
    Opcode op = Opcode::Text;
    uint32_t flags = 0;
    int64_t t_us = 0;     // arrival at the proxy, µs since the session began (monotonic clock)
    int64_t fwd_us = -1;  // forwarded, µs since the session began; -1 when it was not forwarded
    int64_t wall_us = 0;  // arrival, wall clock, µs since the Unix epoch
    uint64_t size = 0;    // payload size as it arrived (payload is empty when Oversize)
    std::string payload;  // the exact payload bytes, unmasked
    int64_t edit_of = 0;  // Edited: seq of the frame (same session, Dropped) it replaced; else 0
};

const char* toString(Direction dir);  // "c2s" | "s2c"
const char* toString(Opcode op);      // "text" | "binary" | "ping" | "pong" | "close" | "continuation"
bool parseDirection(const std::string& text, Direction& out);
bool parseOpcode(const std::string& text, Opcode& out);
bool isControl(Opcode op);

}  // namespace rtmtap
