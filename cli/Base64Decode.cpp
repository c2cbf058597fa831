#include "Base64Decode.h"

#include <cstdint>

namespace rtmtap::cli {
namespace {

int sextet(char c) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    return c == '+' ? 62 : c == '/' ? 63 : -1;
}

}  // namespace

bool decodeBase64(std::string_view text, std::string& out) {
    out.clear();
    if (text.size() % 4 != 0) {
        return false;
    }
    out.reserve(text.size() / 4 * 3);
    for (size_t i = 0; i < text.size(); i += 4) {
        const bool last = i + 4 == text.size();
        const size_t padding = last ? (text[i + 3] == '=') + (text[i + 2] == '=' && text[i + 3] == '=') : 0;
        uint32_t n = 0;
        for (size_t k = 0; k < 4 - padding; ++k) {
            int v = sextet(text[i + k]);
            if (v < 0) {
                return false;
            }
            n = (n << 6) | static_cast<uint32_t>(v);
        }
        n <<= 6 * padding;
        // Canonical form only: the bits below the last byte must be zero.
        if ((padding == 1 && (n & 0xff)) || (padding == 2 && (n & 0xffff))) {
            return false;
        }
        out += static_cast<char>(n >> 16);
        if (padding < 2) {
            out += static_cast<char>((n >> 8) & 0xff);
        }
        if (padding < 1) {
            out += static_cast<char>(n & 0xff);
        }
    }
    return true;
}

}  // namespace rtmtap::cli
