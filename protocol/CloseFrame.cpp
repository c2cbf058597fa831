#include "CloseFrame.h"

#include <algorithm>

namespace rtmtap {

std::string closePayload(uint16_t code, const std::string& reason) {
    if (code == 1005) {
        return "";
    }
    size_t keep = std::min<size_t>(reason.size(), 123);
    while (keep < reason.size() && keep > 0 && (static_cast<uint8_t>(reason[keep]) & 0xC0) == 0x80) {
        --keep;  // reason[keep] continues a character: cut before that character starts
    }
    std::string payload;
    payload.push_back(static_cast<char>(code >> 8));
    payload.push_back(static_cast<char>(code & 0xFF));
    return payload + reason.substr(0, keep);
}

int closeCodeOf(std::string_view payload, int none) {
    if (payload.size() < 2) {
        return none;
    }
    return (static_cast<unsigned char>(payload[0]) << 8) | static_cast<unsigned char>(payload[1]);
}

std::string_view closeReasonOf(std::string_view payload) {
    return payload.size() > 2 ? payload.substr(2) : std::string_view();
}

}  // namespace rtmtap
