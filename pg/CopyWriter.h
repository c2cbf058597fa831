#pragma once
// Rows in PostgreSQL's binary COPY format (COPY ... FROM STDIN WITH (FORMAT binary)), for
// PgConnection::copyIn. Binary and not text: a payload goes in as its bytes (text COPY would send
// bytea as hex, twice the size, and the server would decode it again), and nothing needs
// escaping. Every value is encoded for the column type the caller names; the server checks the
// types, so a mismatch is an error, never a wrong value.
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace rtmtap::pg {

class CopyWriter {
public:
    CopyWriter();

    // Each row starts with the number of its fields.
    void beginRow(int fields);
    void null();
    void int2(int64_t value);
    void int4(int64_t value);
    void int8(int64_t value);
    void int8(const std::optional<int64_t>& value);
    void int4(const std::optional<int64_t>& value);
    void bytea(std::string_view bytes);
    // A text or jsonb value: must be valid UTF-8 without NUL (see pgText).
    void text(std::string_view utf8);
    void jsonb(std::string_view json);
    // A tsvector of distinct lexemes without positions (see FrameWords).
    void tsvector(const std::vector<std::string>& sortedLexemes);

    // The whole stream, trailer included; the writer is spent afterwards.
    std::string finish();
    size_t size() const { return out_.size(); }
    int64_t rows() const { return rows_; }

private:
    void u16(uint16_t v);
    void u32(uint32_t v);
    void u64(uint64_t v);

    std::string out_;
    int64_t rows_ = 0;
};

// text as PostgreSQL's text type takes it: invalid UTF-8 and NUL bytes (which no text value can
// hold) each become U+FFFD. Every text column the shipper sends passes through it.
std::string pgText(std::string_view text);
// True when pgText(text) == text.
bool isPgText(std::string_view text);

}  // namespace rtmtap::pg
