#include "JsonText.h"

#include "Utf8.h"

namespace rtmtap {
namespace {

void appendEscapedAscii(std::string& out, unsigned char c) {
    static const char hex[] = "0123456789abcdef";
    switch (c) {
        case '"': out += "\\\""; return;
        case '\\': out += "\\\\"; return;
        case '\b': out += "\\b"; return;
        case '\f': out += "\\f"; return;
        case '\n': out += "\\n"; return;
        case '\r': out += "\\r"; return;
        case '\t': out += "\\t"; return;
        default: break;
    }
    if (c < 0x20 || c == 0x7f) {
        out += "\\u00";
        out += hex[c >> 4];
        out += hex[c & 0xf];
        return;
    }
    out += static_cast<char>(c);
}

}  // namespace

void appendJsonContent(std::string& out, std::string_view text, InvalidUtf8 invalid) {
    size_t i = 0;
    while (i < text.size()) {
        const auto c = static_cast<unsigned char>(text[i]);
        if (c < 0x80) {
            appendEscapedAscii(out, c);
            ++i;
            continue;
        }
        // Keep copies every byte from 0x80 up alone, valid sequence or not.
        const size_t length = invalid == InvalidUtf8::Keep ? 1 : utf8SequenceLength(text, i);
        if (length == 0) {
            out += "\\ufffd";  // one replacement per invalid byte, as decoders do
            ++i;
            continue;
        }
        out.append(text.data() + i, length);
        i += length;
    }
}

void appendJsonString(std::string& out, std::string_view text) {
    out.reserve(out.size() + text.size() + 2);
    out += '"';
    appendJsonContent(out, text, InvalidUtf8::Replace);
    out += '"';
}

std::string jsonString(std::string_view text) {
    std::string out;
    appendJsonString(out, text);
    return out;
}

}  // namespace rtmtap
