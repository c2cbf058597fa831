#include "TextCursor.h"

namespace rtmtap {

bool TextCursor::take(char c) {
    if (atEnd() || text_[pos_] != c) {
        return false;
    }
    ++pos_;
    return true;
}

bool TextCursor::takeAny(std::string_view chars) {
    if (atEnd() || chars.find(text_[pos_]) == std::string_view::npos) {
        return false;
    }
    ++pos_;
    return true;
}

bool TextCursor::take(std::string_view prefix) {
    if (!startsWith(prefix)) {
        return false;
    }
    pos_ += prefix.size();
    return true;
}

bool TextCursor::fixed(size_t n, int& value) {
    if (text_.size() - pos_ < n) {
        return false;
    }
    int v = 0;
    for (size_t i = 0; i < n; ++i) {
        if (!isDigit(text_[pos_ + i])) {
            return false;
        }
        v = v * 10 + (text_[pos_ + i] - '0');
    }
    pos_ += n;
    value = v;
    return true;
}

bool TextCursor::number(int64_t& value, bool& overflowed) {
    const size_t start = pos_;
    int64_t v = 0;
    overflowed = false;
    while (isDigit(peek())) {
        const int digit = text_[pos_++] - '0';
        if (__builtin_mul_overflow(v, 10, &v) || __builtin_add_overflow(v, digit, &v)) {
            overflowed = true;
        }
    }
    value = v;
    return pos_ > start;
}

bool TextCursor::fraction(int64_t& us) {
    const size_t start = pos_;
    int64_t v = 0;
    int64_t scale = 100'000;
    while (isDigit(peek())) {
        v += (text_[pos_++] - '0') * scale;
        scale /= 10;
    }
    us = v;
    return pos_ > start;
}

}  // namespace rtmtap
