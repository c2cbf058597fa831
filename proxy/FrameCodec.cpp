#include "FrameCodec.h"

#include <algorithm>

#include <cstring>

namespace rtmtap {

HeaderParse parseFrameHeader(const char* data, size_t len, FrameHeader& out) {
    if (len < 2) {
        return HeaderParse::Incomplete;
    }
    const auto* p = reinterpret_cast<const uint8_t*>(data);
    out.fin = (p[0] & 0x80) != 0;
    out.rsv = static_cast<uint8_t>((p[0] >> 4) & 0x07);
    out.opcode = p[0] & 0x0F;
    out.masked = (p[1] & 0x80) != 0;
    uint64_t length = p[1] & 0x7F;
    size_t pos = 2;
    if (length == 126) {
        if (len < 4) {
            return HeaderParse::Incomplete;
        }
        length = (uint64_t(p[2]) << 8) | p[3];
        pos = 4;
    } else if (length == 127) {
        if (len < 10) {
            return HeaderParse::Incomplete;
        }
        length = 0;
        for (int i = 0; i < 8; ++i) {
            length = (length << 8) | p[2 + i];
        }
        if (length >> 63) {
            return HeaderParse::Invalid;
        }
        pos = 10;
    }
    if (out.masked) {
        if (len < pos + 4) {
            return HeaderParse::Incomplete;
        }
        std::memcpy(out.mask, p + pos, 4);
        pos += 4;
    }
    out.length = length;
    out.headerSize = pos;
    return HeaderParse::Ok;
}

void appendFrameHeader(std::string& out, bool fin, uint8_t opcode, uint64_t length, const uint8_t* mask) {
    out.push_back(static_cast<char>((fin ? 0x80 : 0x00) | (opcode & 0x0F)));
    const uint8_t maskBit = mask ? 0x80 : 0x00;
    if (length < 126) {
        out.push_back(static_cast<char>(maskBit | length));
    } else if (length <= 0xFFFF) {
        out.push_back(static_cast<char>(maskBit | 126));
        out.push_back(static_cast<char>((length >> 8) & 0xFF));
        out.push_back(static_cast<char>(length & 0xFF));
    } else {
        out.push_back(static_cast<char>(maskBit | 127));
        for (int shift = 56; shift >= 0; shift -= 8) {
            out.push_back(static_cast<char>((length >> shift) & 0xFF));
        }
    }
    if (mask) {
        out.append(reinterpret_cast<const char*>(mask), 4);
    }
}

std::string frameViolation(const FrameHeader& h, bool fromClient, bool inMessage) {
    const bool control = (h.opcode & 0x8) != 0;
    const bool known = h.opcode <= 2 || (h.opcode >= 8 && h.opcode <= 10);
    if (h.rsv != 0) {
        return "RSV bits set without a negotiated extension";
    }
    if (!known) {
        return "unknown opcode " + std::to_string(h.opcode);
    }
    if (fromClient && !h.masked) {
        return "an unmasked frame from the client";
    }
    if (!fromClient && h.masked) {
        return "a masked frame from the server";
    }
    if (control && (!h.fin || h.length > 125)) {
        return "a fragmented or oversized control frame";
    }
    if (h.opcode == 0x8 && h.length == 1) {
        // RFC 6455 5.5.1: a close body starts with a 2-byte code; one byte is neither a code nor
        // "no code" (1005, an empty body), so the close itself is malformed (7.1.5 does not apply).
        return "a close frame with a 1-byte payload";
    }
    if (h.opcode == 0 && !inMessage) {
        return "a continuation frame with no message to continue";
    }
    if (!control && h.opcode != 0 && inMessage) {
        return "a new message before the fragmented one ended";
    }
    return "";
}

void applyMask(char* data, size_t len, const uint8_t mask[4], size_t offset) {
    size_t i = 0;
    // Word at a time once aligned to the key: masking 16 MiB byte-wise would be needlessly slow.
    while (i < len && ((offset + i) & 3) != 0) {
        data[i] = static_cast<char>(data[i] ^ mask[(offset + i) & 3]);
        ++i;
    }
    uint32_t key;
    std::memcpy(&key, mask, 4);
    const uint64_t key64 = (uint64_t(key) << 32) | key;
    for (; i + 8 <= len; i += 8) {
        uint64_t word;
        std::memcpy(&word, data + i, 8);
        word ^= key64;
        std::memcpy(data + i, &word, 8);
    }
    for (; i < len; ++i) {
        data[i] = static_cast<char>(data[i] ^ mask[(offset + i) & 3]);
    }
}

bool injectable(Opcode op, size_t payloadSize) {
    switch (op) {
    case Opcode::Text:
    case Opcode::Binary:
        return true;
    case Opcode::Ping:
    case Opcode::Pong:
        return payloadSize <= 125;
    default:
        return false;
    }
}

}  // namespace rtmtap
