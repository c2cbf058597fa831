#include "WsFrame.h"

#include "Buffer.h"

#include <cstring>

namespace rtmtap::bench {

namespace {

void unmask(char* p, size_t n, const uint8_t key[4]) {
    // Word-at-a-time XOR; the tail is finished byte by byte.
    uint32_t k32;
    std::memcpy(&k32, key, 4);
    uint64_t k64 = (uint64_t(k32) << 32) | k32;
    size_t i = 0;
    for (; i + 8 <= n; i += 8) {
        uint64_t w;
        std::memcpy(&w, p + i, 8);
        w ^= k64;
        std::memcpy(p + i, &w, 8);
    }
    for (; i < n; ++i) {
        p[i] = char(uint8_t(p[i]) ^ key[i & 3]);
    }
}

}  // namespace

ParseStatus parseFrame(char* data, size_t len, bool expectMasked, size_t maxPayload, Frame& frame,
                       size_t& consumed, std::string& error) {
    if (len < 2) {
        return ParseStatus::NeedMore;
    }
    auto* u = reinterpret_cast<uint8_t*>(data);
    if (u[0] & 0x70) {
        error = "reserved bits set";
        return ParseStatus::Error;
    }
    bool masked = (u[1] & 0x80) != 0;
    if (masked != expectMasked) {
        error = expectMasked ? "unmasked client frame" : "masked server frame";
        return ParseStatus::Error;
    }
    uint64_t size = u[1] & 0x7F;
    size_t pos = 2;
    if (size == 126) {
        if (len < 4) {
            return ParseStatus::NeedMore;
        }
        size = (uint64_t(u[2]) << 8) | u[3];
        pos = 4;
    } else if (size == 127) {
        if (len < 10) {
            return ParseStatus::NeedMore;
        }
        size = 0;
        for (int i = 0; i < 8; ++i) {
            size = (size << 8) | u[2 + i];
        }
        pos = 10;
    }
    if (size > maxPayload) {
        error = "frame too large";
        return ParseStatus::Error;
    }
    uint8_t key[4] = {0, 0, 0, 0};
    if (masked) {
        if (len < pos + 4) {
            return ParseStatus::NeedMore;
        }
        std::memcpy(key, data + pos, 4);
        pos += 4;
    }
    if (len - pos < size) {
        return ParseStatus::NeedMore;
    }
    frame.opcode = u[0] & 0x0F;
    frame.fin = (u[0] & 0x80) != 0;
    frame.payload = data + pos;
    frame.size = size_t(size);
    if (masked) {
        unmask(frame.payload, frame.size, key);
    }
    consumed = pos + frame.size;
    return ParseStatus::Frame;
}

void appendFrame(Buffer& out, uint8_t opcode, const char* payload, size_t size, bool masked,
                 uint32_t maskKey, bool fin) {
    char* p = out.reserveTail(size + 14);
    auto* u = reinterpret_cast<uint8_t*>(p);
    size_t pos = 0;
    u[pos++] = uint8_t((fin ? 0x80 : 0) | opcode);
    uint8_t maskBit = masked ? 0x80 : 0;
    if (size < 126) {
        u[pos++] = uint8_t(maskBit | size);
    } else if (size <= 0xFFFF) {
        u[pos++] = uint8_t(maskBit | 126);
        u[pos++] = uint8_t(size >> 8);
        u[pos++] = uint8_t(size);
    } else {
        u[pos++] = uint8_t(maskBit | 127);
        for (int i = 7; i >= 0; --i) {
            u[pos++] = uint8_t(uint64_t(size) >> (8 * i));
        }
    }
    if (size > 0) {
        std::memcpy(p + pos + (masked ? 4 : 0), payload, size);
    }
    if (masked) {
        uint8_t key[4];
        std::memcpy(key, &maskKey, 4);
        std::memcpy(p + pos, key, 4);
        pos += 4;
        unmask(p + pos, size, key);
    }
    out.commit(pos + size);
}

std::string closePayload(uint16_t code, const std::string& reason) {
    std::string s;
    s.push_back(char(code >> 8));
    s.push_back(char(code & 0xFF));
    s += reason;
    return s;
}

}  // namespace rtmtap::bench
