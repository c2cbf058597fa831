#include "TerminalText.h"

#include "protocol/Utf8.h"

#include <algorithm>
#include <cstdio>

namespace rtmtap {
namespace {

void appendHexByte(std::string& out, unsigned char c) {
    char buf[8];
    std::snprintf(buf, sizeof buf, "\\x%02x", c);
    out += buf;
}

// C1 controls (U+0080..U+009F) and bidirectional overrides (U+202A..U+202E, U+2066..U+2069)
// can rewrite what a terminal shows.
bool isUnsafeSequence(std::string_view s, size_t i, size_t length) {
    auto b = [&](size_t k) { return static_cast<unsigned char>(s[i + k]); };
    if (length == 2) {
        return b(0) == 0xc2 && b(1) < 0xa0;
    }
    if (length == 3 && b(0) == 0xe2) {
        return (b(1) == 0x80 && b(2) >= 0xaa && b(2) <= 0xae) || (b(1) == 0x81 && b(2) >= 0xa6 && b(2) <= 0xa9);
    }
    return false;
}

}  // namespace

std::string terminalCharacter(std::string_view s, size_t& i) {
    unsigned char c = static_cast<unsigned char>(s[i]);
    std::string out;
    if (c >= 0x20 && c < 0x7f) {
        out += static_cast<char>(c);
        ++i;
        return out;
    }
    switch (c) {
        case '\n': ++i; return "\\n";
        case '\r': ++i; return "\\r";
        case '\t': ++i; return "\\t";
        default: break;
    }
    size_t length = c >= 0x80 ? utf8SequenceLength(s, i) : 0;
    if (length == 0 || isUnsafeSequence(s, i, length)) {
        for (size_t k = 0; k < std::max<size_t>(length, 1); ++k) {
            appendHexByte(out, static_cast<unsigned char>(s[i + k]));
        }
        i += std::max<size_t>(length, 1);
        return out;
    }
    out.append(s.data() + i, length);
    i += length;
    return out;
}

std::string terminalSafe(std::string_view text) {
    std::string out;
    size_t i = 0;
    while (i < text.size()) {
        out += terminalCharacter(text, i);
    }
    return out;
}

std::string terminalLines(std::string_view text, std::string_view indent) {
    std::string out;
    size_t start = 0;
    while (start <= text.size()) {
        const size_t end = std::min(text.find('\n', start), text.size());
        out.append(indent);
        out += terminalSafe(text.substr(start, end - start));
        out += '\n';
        start = end + 1;
    }
    return out;
}

std::string terminalLine(std::string_view text, size_t maxColumns) {
    std::string out;
    size_t columns = 0;
    size_t i = 0;
    while (i < text.size()) {
        std::string shown = terminalCharacter(text, i);
        size_t width = terminalColumns(shown);
        // Room kept for the "…" while more follows.
        if (columns + width + (i < text.size() ? 1 : 0) > maxColumns) {
            out += "…";
            break;
        }
        out += shown;
        columns += width;
    }
    return out;
}

size_t terminalColumns(std::string_view safeText) {
    return static_cast<size_t>(std::count_if(safeText.begin(), safeText.end(),
                                             [](char c) { return (static_cast<unsigned char>(c) & 0xc0) != 0x80; }));
}

}  // namespace rtmtap
