#include "Glob.h"

#include <cstdint>
#include <stdexcept>

namespace rtmtap {
namespace {

// The code point at text[i] (UTF-8; a byte that does not start a valid sequence stands for
// itself), advancing i. GLOB's '?' and sets work on characters, not bytes.
uint32_t next(std::string_view text, size_t& i) {
    const auto c = static_cast<unsigned char>(text[i]);
    size_t length = c < 0x80 ? 1 : (c >> 5) == 0x6 ? 2 : (c >> 4) == 0xE ? 3 : (c >> 3) == 0x1E ? 4 : 1;
    if (i + length > text.size()) {
        length = 1;
    }
    uint32_t cp = length == 1 ? c : c & (0x7F >> length);
    for (size_t k = 1; k < length; ++k) {
        cp = cp << 6 | (static_cast<unsigned char>(text[i + k]) & 0x3F);
    }
    i += length;
    return cp;
}

// The set starting at pattern[p] (just after '['): whether cp is in it; p ends past its ']'.
bool inSet(std::string_view pattern, size_t& p, uint32_t cp) {
    bool negate = false;
    if (p < pattern.size() && pattern[p] == '^') {
        negate = true;
        ++p;
    }
    bool found = false;
    bool first = true;
    uint32_t previous = 0;
    while (p < pattern.size() && (first || pattern[p] != ']')) {
        if (!first && pattern[p] == '-' && p + 1 < pattern.size() && pattern[p + 1] != ']' && previous != 0) {
            ++p;
            const uint32_t high = next(pattern, p);
            found = found || (cp >= previous && cp <= high);
            previous = 0;
            continue;
        }
        previous = next(pattern, p);
        found = found || previous == cp;
        first = false;
    }
    ++p;  // the ']' (the constructor made sure there is one)
    return found != negate;
}

bool match(std::string_view pattern, size_t p, std::string_view text, size_t t) {
    while (p < pattern.size()) {
        const char c = pattern[p];
        if (c == '*') {
            while (p < pattern.size() && pattern[p] == '*') {
                ++p;
            }
            if (p == pattern.size()) {
                return true;
            }
            for (size_t from = t; from <= text.size();) {
                if (match(pattern, p, text, from)) {
                    return true;
                }
                if (from == text.size()) {
                    break;
                }
                next(text, from);
            }
            return false;
        }
        if (t == text.size()) {
            return false;
        }
        const uint32_t cp = next(text, t);
        if (c == '?') {
            ++p;
        } else if (c == '[') {
            ++p;
            if (!inSet(pattern, p, cp)) {
                return false;
            }
        } else if (next(pattern, p) != cp) {
            return false;
        }
    }
    return t == text.size();
}

// Where the set opened at pattern[p] ('[') closes, or npos.
size_t setEnd(const std::string& pattern, size_t p) {
    size_t i = p + 1;
    if (i < pattern.size() && pattern[i] == '^') {
        ++i;
    }
    if (i < pattern.size() && pattern[i] == ']') {
        ++i;  // a leading ']' is a member
    }
    return pattern.find(']', i);
}

}  // namespace

Glob::Glob(std::string pattern) : pattern_(std::move(pattern)) {
    if (pattern_.empty()) {
        throw std::invalid_argument("an empty glob matches nothing");
    }
    for (size_t p = pattern_.find('['); p != std::string::npos; p = pattern_.find('[', p + 1)) {
        const size_t end = setEnd(pattern_, p);
        if (end == std::string::npos) {
            throw std::invalid_argument("glob '" + pattern_ + "': '[' without its ']'");
        }
        p = end;
    }
}

bool Glob::matches(std::string_view text) const {
    return match(pattern_, 0, text, 0);
}

}  // namespace rtmtap
