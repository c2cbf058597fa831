#include "CopyWriter.h"

#include "protocol/Utf8.h"

namespace rtmtap::pg {
namespace {

const char kSignature[] = "PGCOPY\n\377\r\n";  // + its NUL: 11 bytes

}  // namespace

CopyWriter::CopyWriter() {
    out_.append(kSignature, sizeof(kSignature));
    u32(0);  // flags: no OIDs
    u32(0);  // header extension length
}

void CopyWriter::u16(uint16_t v) {
    out_ += static_cast<char>(v >> 8);
    out_ += static_cast<char>(v & 0xff);
}

void CopyWriter::u32(uint32_t v) {
    u16(static_cast<uint16_t>(v >> 16));
    u16(static_cast<uint16_t>(v & 0xffff));
}

void CopyWriter::u64(uint64_t v) {
    u32(static_cast<uint32_t>(v >> 32));
    u32(static_cast<uint32_t>(v & 0xffffffffu));
}

void CopyWriter::beginRow(int fields) {
    u16(static_cast<uint16_t>(fields));
    ++rows_;
}

void CopyWriter::null() {
    u32(0xffffffffu);  // length -1
}

void CopyWriter::int2(int64_t value) {
    u32(2);
    u16(static_cast<uint16_t>(static_cast<int16_t>(value)));
}

void CopyWriter::int4(int64_t value) {
    u32(4);
    u32(static_cast<uint32_t>(static_cast<int32_t>(value)));
}

void CopyWriter::int8(int64_t value) {
    u32(8);
    u64(static_cast<uint64_t>(value));
}

void CopyWriter::int8(const std::optional<int64_t>& value) {
    value ? int8(*value) : null();
}

void CopyWriter::int4(const std::optional<int64_t>& value) {
    value ? int4(*value) : null();
}

void CopyWriter::bytea(std::string_view bytes) {
    u32(static_cast<uint32_t>(bytes.size()));
    out_.append(bytes);
}

void CopyWriter::text(std::string_view utf8) {
    bytea(utf8);
}

void CopyWriter::jsonb(std::string_view json) {
    u32(static_cast<uint32_t>(json.size() + 1));
    out_ += '\1';  // jsonb's binary format version
    out_.append(json);
}

void CopyWriter::tsvector(const std::vector<std::string>& sortedLexemes) {
    size_t length = 4;
    for (const std::string& lexeme : sortedLexemes) {
        length += lexeme.size() + 1 + 2;
    }
    u32(static_cast<uint32_t>(length));
    u32(static_cast<uint32_t>(sortedLexemes.size()));
    for (const std::string& lexeme : sortedLexemes) {
        out_.append(lexeme);
        out_ += '\0';
        u16(0);  // no positions
    }
}

std::string CopyWriter::finish() {
    u16(0xffff);  // trailer: field count -1
    return std::move(out_);
}

bool isPgText(std::string_view text) {
    return text.find('\0') == std::string_view::npos && isValidUtf8(text);
}

std::string pgText(std::string_view text) {
    if (isPgText(text)) {
        return std::string(text);
    }
    std::string out;
    out.reserve(text.size());
    for (size_t i = 0; i < text.size();) {
        unsigned char c = static_cast<unsigned char>(text[i]);
        if (c != 0 && c < 0x80) {
            out += static_cast<char>(c);
            ++i;
            continue;
        }
        size_t n = c == 0 ? 0 : utf8SequenceLength(text, i);
        if (n == 0) {
            out += "\xef\xbf\xbd";  // U+FFFD
            ++i;
        } else {
            out.append(text.substr(i, n));
            i += n;
        }
    }
    return out;
}

}  // namespace rtmtap::pg
