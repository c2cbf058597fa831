#include "Utf8.h"

#include <cstdint>
#include <cstring>

namespace rtmtap {
namespace {

constexpr uint64_t kHighBits = 0x8080808080808080ull;

// Skips whole 8-byte words of ASCII: most RTM payloads are ASCII end to end.
size_t skipAscii(const unsigned char* bytes, size_t pos, size_t size) {
    while (pos + 8 <= size) {
        uint64_t word;
        std::memcpy(&word, bytes + pos, sizeof word);
        if ((word & kHighBits) != 0) {
            break;
        }
        pos += 8;
    }
    while (pos < size && bytes[pos] < 0x80) {
        ++pos;
    }
    return pos;
}

bool isContinuation(unsigned char byte) {
    return (byte & 0xC0) == 0x80;
}

}  // namespace

size_t utf8SequenceLength(std::string_view text, size_t pos) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    const size_t left = text.size() - pos;
    const unsigned char lead = bytes[pos];
    // The second byte's allowed range is what rules out overlongs, surrogates and > U+10FFFF
    // (RFC 3629 section 4, the UTF8-2/3/4 productions).
    unsigned char low = 0x80;
    unsigned char high = 0xBF;
    size_t length = 0;
    if (lead >= 0xC2 && lead <= 0xDF) {
        length = 2;
    } else if (lead >= 0xE0 && lead <= 0xEF) {
        length = 3;
        low = lead == 0xE0 ? 0xA0 : 0x80;
        high = lead == 0xED ? 0x9F : 0xBF;
    } else if (lead >= 0xF0 && lead <= 0xF4) {
        length = 4;
        low = lead == 0xF0 ? 0x90 : 0x80;
        high = lead == 0xF4 ? 0x8F : 0xBF;
    } else {
        return 0;
    }
    if (left < length || bytes[pos + 1] < low || bytes[pos + 1] > high) {
        return 0;
    }
    for (size_t i = 2; i < length; ++i) {
        if (!isContinuation(bytes[pos + i])) {
            return 0;
        }
    }
    return length;
}

bool isValidUtf8(std::string_view text) {
    const auto* bytes = reinterpret_cast<const unsigned char*>(text.data());
    size_t pos = 0;
    while (true) {
        pos = skipAscii(bytes, pos, text.size());
        if (pos == text.size()) {
            return true;
        }
        const size_t length = utf8SequenceLength(text, pos);
        if (length == 0) {
            return false;
        }
        pos += length;
    }
}

}  // namespace rtmtap
