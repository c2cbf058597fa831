#pragma once
// RFC 6455 frame header parsing and encoding for the non-blocking relay.
// Written by hand because POCO 1.11's WebSocket cannot run non-blocking (receiveFrame throws
// on partial frames, sendBytes drops unsent tails; see shared/notes/poco-1.11.md), and a
// thread-per-socket relay cannot hold 1,000 sessions in the memory budget or share a TLS socket.
#include "protocol/CloseFrame.h"  // closePayload: the codec's callers make close bodies with it
#include "protocol/Message.h"

#include <cstddef>
#include <cstdint>
#include <string>

namespace rtmtap {

struct FrameHeader {
    bool fin = false;
    uint8_t rsv = 0;      // the three RSV bits, shifted down (0..7)
    uint8_t opcode = 0;
    bool masked = false;
    uint8_t mask[4] = {0, 0, 0, 0};
    uint64_t length = 0;  // payload length
    size_t headerSize = 0;
};

enum class HeaderParse { Incomplete, Ok, Invalid };

// Parses the header at data[0..len). Invalid: a 64-bit length with the top bit set, or a length
// not in its minimal encoding is tolerated (RFC says MUST, peers rarely violate; we stay lenient).
HeaderParse parseFrameHeader(const char* data, size_t len, FrameHeader& out);

// Appends a frame header; when mask is non-null the MASK bit is set and the key written.
void appendFrameHeader(std::string& out, bool fin, uint8_t opcode, uint64_t length, const uint8_t* mask);

// Why a frame header breaks RFC 6455 (sections 5.2 to 5.5), "" when it does not: RSV bits (no
// extension is ever negotiated), an unknown opcode, a client frame not masked or a server frame
// masked, a fragmented or over-125-byte control frame, a close frame with a 1-byte payload, a
// continuation with no message to continue, a new message inside a fragmented one. inMessage: a
// fragmented message is open.
std::string frameViolation(const FrameHeader& h, bool fromClient, bool inMessage);

// What a filter or an injector may put into a session: text, binary, or a ping/pong of at most
// 125 bytes (RFC 6455 5.5). A close would change the session's state behind the relay's back.
bool injectable(Opcode op, size_t payloadSize);

// XORs data with the mask key, starting at key position offset % 4.
void applyMask(char* data, size_t len, const uint8_t mask[4], size_t offset = 0);

}  // namespace rtmtap
