#pragma once
// A left-to-right reader over short ASCII text (times, spans, epoch seconds), for the hand-written
// parsers of protocol/IsoTime and cli/TimeArg. Every method that fails leaves the position where
// it was, so a parser can try one form and then another. Digits are ASCII '0'-'9' only (no
// locale, unlike std::isdigit). The text must outlive the cursor.
#include <cstddef>
#include <cstdint>
#include <string_view>

namespace rtmtap {

class TextCursor {
public:
    explicit TextCursor(std::string_view text) : text_(text) {}

    static bool isDigit(char c) { return c >= '0' && c <= '9'; }

    bool atEnd() const { return pos_ == text_.size(); }
    // The next byte, '\0' at the end.
    char peek() const { return atEnd() ? '\0' : text_[pos_]; }
    bool startsWith(std::string_view prefix) const { return text_.substr(pos_, prefix.size()) == prefix; }

    // Takes c when it comes next.
    bool take(char c);
    // Takes the next byte when it is one of chars.
    bool takeAny(std::string_view chars);
    // Takes prefix when it comes next.
    bool take(std::string_view prefix);
    // Exactly n digits (n <= 9) as a number.
    bool fixed(size_t n, int& value);
    // One or more digits; overflowed is set when they do not fit in int64_t (all are taken).
    bool number(int64_t& value, bool& overflowed);
    // One or more digits after a decimal sign, as µs: the first six count, the rest are taken and cut.
    bool fraction(int64_t& us);

private:
    std::string_view text_;
    size_t pos_ = 0;
};

}  // namespace rtmtap
