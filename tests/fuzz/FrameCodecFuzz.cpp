// proxy/FrameCodec on any bytes: parseFrameHeader, frameViolation and applyMask, and a
// reassembly loop shaped like the relay's (tests/fuzz/RelayFuzz.cpp drives the relay itself).
// Input: byte 0 picks the side (bit 0: from the client), the mask offset (bits 1-2); the rest is
// a stream of frames.
#include "proxy/FrameCodec.h"
#include "tests/fuzz/FuzzCheck.h"

#include <cstring>
#include <string>

using namespace rtmtap;

namespace {

// The header as appendFrameHeader writes it; equal to the input's bytes when the input used the
// minimal length encoding and no RSV bits.
void checkRoundTrip(const char* data, const FrameHeader& h) {
    std::string again;
    appendFrameHeader(again, h.fin, h.opcode, h.length, h.masked ? h.mask : nullptr);
    FrameHeader back;
    FUZZ_CHECK(parseFrameHeader(again.data(), again.size(), back) == HeaderParse::Ok);
    FUZZ_CHECK(back.fin == h.fin && back.opcode == h.opcode && back.masked == h.masked && back.length == h.length);
    FUZZ_CHECK(back.headerSize == again.size());
    FUZZ_CHECK(!h.masked || std::memcmp(back.mask, h.mask, 4) == 0);
    if (h.rsv == 0 && back.headerSize == h.headerSize) {
        FUZZ_CHECK(std::memcmp(again.data(), data, again.size()) == 0);
    }
    FUZZ_CHECK(back.headerSize <= h.headerSize);  // minimal is never longer
}

void checkViolation(const FrameHeader& h, bool fromClient, bool inMessage) {
    const bool ok = frameViolation(h, fromClient, inMessage).empty();
    const bool control = (h.opcode & 0x8) != 0;
    const bool known = h.opcode <= 2 || (h.opcode >= 8 && h.opcode <= 10);
    const bool expected = h.rsv == 0 && known && h.masked == fromClient && (!control || (h.fin && h.length <= 125)) &&
                          (h.opcode != 0 || inMessage) && (control || h.opcode == 0 || !inMessage);
    FUZZ_CHECK(ok == expected);
}

void checkMask(const char* payload, size_t length, const uint8_t mask[4], size_t offset) {
    std::string fast(payload, length);
    applyMask(fast.data(), fast.size(), mask, offset);
    for (size_t i = 0; i < length; ++i) {
        FUZZ_CHECK(fast[i] == static_cast<char>(payload[i] ^ mask[(offset + i) & 3]));
    }
    applyMask(fast.data(), fast.size(), mask, offset);
    FUZZ_CHECK(fast == std::string(payload, length));
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const bool fromClient = data[0] & 1;
    const size_t maskOffset = (data[0] >> 1) & 3;
    const char* p = reinterpret_cast<const char*>(data + 1);
    size_t left = size - 1;
    bool inMessage = false;
    std::string message;
    while (true) {
        FrameHeader h;
        const HeaderParse parsed = parseFrameHeader(p, left, h);
        if (parsed != HeaderParse::Ok) {
            if (parsed == HeaderParse::Invalid) {
                FUZZ_CHECK(left >= 10);
            }
            break;
        }
        FUZZ_CHECK(h.headerSize <= left && h.headerSize >= 2 && h.headerSize <= 14);
        FUZZ_CHECK(h.length < (uint64_t{1} << 63) && h.rsv < 8 && h.opcode < 16);
        checkRoundTrip(p, h);
        checkViolation(h, fromClient, inMessage);
        // Every shorter prefix of a header is Incomplete, never Ok or Invalid.
        FrameHeader partial;
        FUZZ_CHECK(parseFrameHeader(p, h.headerSize - 1, partial) == HeaderParse::Incomplete);
        if (!frameViolation(h, fromClient, inMessage).empty() || h.length > left - h.headerSize) {
            break;  // the relay closes with 1002, or waits for more bytes
        }
        const char* payload = p + h.headerSize;
        const size_t length = static_cast<size_t>(h.length);
        if (h.masked) {
            checkMask(payload, length, h.mask, maskOffset);
        }
        const bool control = (h.opcode & 0x8) != 0;
        if (!control) {
            message.append(payload, length);
            inMessage = !h.fin;
            if (h.fin) {
                message.clear();
            }
        }
        p += h.headerSize + length;
        left -= h.headerSize + length;
    }
    return 0;
}
