#include "Base64.h"

#include <cstdint>

namespace rtmtap {
namespace {

constexpr char kStandardDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
constexpr char kUrlDigits[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// The value of one digit, -1 for anything else ('=' included).
int sextet(char c, Base64Alphabet alphabet) {
    if (c >= 'A' && c <= 'Z') {
        return c - 'A';
    }
    if (c >= 'a' && c <= 'z') {
        return c - 'a' + 26;
    }
    if (c >= '0' && c <= '9') {
        return c - '0' + 52;
    }
    const bool url = alphabet == Base64Alphabet::Url;
    if (c == (url ? '-' : '+')) {
        return 62;
    }
    if (c == (url ? '_' : '/')) {
        return 63;
    }
    return -1;
}

// Decodes digits only (no '='): 4n, 4n+2 or 4n+3 of them. Bits past the last whole byte are
// dropped; strictCanonical rejects the text when any of them is set.
std::optional<std::string> decodeDigits(std::string_view digits, Base64Alphabet alphabet, bool strictCanonical) {
    if (digits.size() % 4 == 1) {
        return std::nullopt;  // one leftover digit cannot hold a byte
    }
    std::string out;
    out.reserve(digits.size() * 3 / 4);
    uint32_t bits = 0;
    int count = 0;
    for (char c : digits) {
        const int value = sextet(c, alphabet);
        if (value < 0) {
            return std::nullopt;
        }
        bits = bits << 6 | static_cast<uint32_t>(value);
        count += 6;
        if (count >= 8) {
            count -= 8;
            out.push_back(static_cast<char>(bits >> count & 0xFF));
        }
    }
    if (strictCanonical && (bits & ((1u << count) - 1)) != 0) {
        return std::nullopt;
    }
    return out;
}

// Standard: padding required, so whole quads with at most two trailing '='.
std::optional<std::string> decodeStandard(std::string_view text) {
    if (text.size() % 4 != 0) {
        return std::nullopt;
    }
    size_t padding = 0;
    while (padding < 2 && padding < text.size() && text[text.size() - 1 - padding] == '=') {
        ++padding;
    }
    return decodeDigits(text.substr(0, text.size() - padding), Base64Alphabet::Standard, true);
}

// Url: padding optional; when present the text is whole quads.
std::optional<std::string> decodeUrl(std::string_view text) {
    if (!text.empty() && text.back() == '=') {
        if (text.size() % 4 != 0) {
            return std::nullopt;
        }
        text.remove_suffix(text.size() >= 2 && text[text.size() - 2] == '=' ? 2 : 1);
    }
    return decodeDigits(text, Base64Alphabet::Url, false);
}

}  // namespace

std::string encodeBase64(std::string_view bytes, Base64Alphabet alphabet) {
    const bool url = alphabet == Base64Alphabet::Url;
    const char* digits = url ? kUrlDigits : kStandardDigits;
    std::string out;
    out.reserve((bytes.size() + 2) / 3 * 4);
    size_t i = 0;
    for (; i + 2 < bytes.size(); i += 3) {
        const uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i]) << 16 |
                                                 static_cast<uint8_t>(bytes[i + 1]) << 8 |
                                                 static_cast<uint8_t>(bytes[i + 2]));
        out += digits[n >> 18];
        out += digits[n >> 12 & 63];
        out += digits[n >> 6 & 63];
        out += digits[n & 63];
    }
    const size_t rest = bytes.size() - i;
    if (rest == 0) {
        return out;
    }
    uint32_t n = static_cast<uint32_t>(static_cast<uint8_t>(bytes[i]) << 16);
    if (rest == 2) {
        n |= static_cast<uint32_t>(static_cast<uint8_t>(bytes[i + 1]) << 8);
    }
    out += digits[n >> 18];
    out += digits[n >> 12 & 63];
    if (rest == 2) {
        out += digits[n >> 6 & 63];
    }
    if (!url) {
        out.append(3 - rest, '=');
    }
    return out;
}

std::optional<std::string> decodeBase64(std::string_view text, Base64Alphabet alphabet) {
    return alphabet == Base64Alphabet::Url ? decodeUrl(text) : decodeStandard(text);
}

bool isBase64Digit(char c, Base64Alphabet alphabet) {
    return sextet(c, alphabet) >= 0;
}

}  // namespace rtmtap
