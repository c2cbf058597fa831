#pragma once
// Minimal RFC 6455 framing for the benchmark tools: clients mask, servers do not.
#include <cstddef>
#include <cstdint>
#include <string>

namespace rtmtap::bench {

class Buffer;

enum : uint8_t { OpCont = 0x0, OpText = 0x1, OpBinary = 0x2, OpClose = 0x8, OpPing = 0x9, OpPong = 0xA };

struct Frame {
    uint8_t opcode = 0;
    bool fin = true;
    char* payload = nullptr;  // unmasked in place, points into the input buffer
    size_t size = 0;
};

enum class ParseStatus { Frame, NeedMore, Error };

// Parses one frame from data[0, len). On Frame, consumed is the frame's full length. A frame whose
// masking does not match expectMasked, a reserved bit, or a payload above maxPayload is an Error.
ParseStatus parseFrame(char* data, size_t len, bool expectMasked, size_t maxPayload, Frame& frame,
                       size_t& consumed, std::string& error);

// Appends one frame, FIN unless fin is false (a fragment); masked frames use maskKey.
void appendFrame(Buffer& out, uint8_t opcode, const char* payload, size_t size, bool masked,
                 uint32_t maskKey, bool fin = true);

// Close payload: 2-byte code then reason.
std::string closePayload(uint16_t code, const std::string& reason);

}  // namespace rtmtap::bench
