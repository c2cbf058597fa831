// TextCursor: what each reader takes, and that a failed read leaves the position where it was
// (the parsers of IsoTime and TimeArg try one form after another on that promise).
#include "protocol/TextCursor.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <string>

namespace rtmtap {
namespace {

TEST(TextCursorTest, TakesCharactersPrefixesAndSets) {
    TextCursor in("ab-ms");
    EXPECT_FALSE(in.take('b'));
    EXPECT_TRUE(in.take('a'));
    EXPECT_FALSE(in.take("bx"));
    EXPECT_TRUE(in.startsWith("b-"));
    EXPECT_TRUE(in.take("b"));
    EXPECT_FALSE(in.takeAny("+:"));
    EXPECT_TRUE(in.takeAny("+-"));
    EXPECT_TRUE(in.take("ms"));
    EXPECT_TRUE(in.atEnd());
    EXPECT_EQ(in.peek(), '\0');
    EXPECT_FALSE(in.take('\0')) << "the end is not a NUL to take";
    EXPECT_FALSE(in.takeAny(std::string_view("\0", 1)));
    EXPECT_TRUE(in.take(""));
    EXPECT_FALSE(in.take("x"));
}

TEST(TextCursorTest, FixedTakesExactlyNDigitsOrNothing) {
    TextCursor in("2026-1x");
    int value = -1;
    EXPECT_FALSE(in.fixed(5, value));
    EXPECT_EQ(value, -1);
    EXPECT_TRUE(in.fixed(4, value));
    EXPECT_EQ(value, 2026);
    EXPECT_TRUE(in.take('-'));
    EXPECT_FALSE(in.fixed(2, value)) << "1x is not two digits";
    EXPECT_FALSE(in.fixed(3, value)) << "past the end";
    EXPECT_EQ(value, 2026);
    EXPECT_EQ(in.peek(), '1') << "a failed read takes nothing";
}

TEST(TextCursorTest, NumberTakesEveryDigitAndSaysWhenItOverflowed) {
    TextCursor in("9223372036854775807x");
    int64_t value = 0;
    bool overflowed = true;
    EXPECT_TRUE(in.number(value, overflowed));
    EXPECT_EQ(value, INT64_MAX);
    EXPECT_FALSE(overflowed);
    EXPECT_FALSE(in.number(value, overflowed));
    EXPECT_EQ(in.peek(), 'x');

    TextCursor big("9223372036854775808m");
    EXPECT_TRUE(big.number(value, overflowed));
    EXPECT_TRUE(overflowed);
    EXPECT_TRUE(big.take('m')) << "all the digits were taken";
}

TEST(TextCursorTest, FractionCountsSixDigitsAndTakesTheRest) {
    int64_t us = -1;
    TextCursor half("5Z");
    EXPECT_TRUE(half.fraction(us));
    EXPECT_EQ(us, 500'000);
    EXPECT_EQ(half.peek(), 'Z');

    TextCursor longer("1234567891Z");
    EXPECT_TRUE(longer.fraction(us));
    EXPECT_EQ(us, 123'456);
    EXPECT_TRUE(longer.take('Z'));

    TextCursor none("Z");
    EXPECT_FALSE(none.fraction(us));
    EXPECT_EQ(none.peek(), 'Z');
}

TEST(TextCursorTest, DigitsAreAsciiOnly) {
    EXPECT_TRUE(TextCursor::isDigit('0'));
    EXPECT_TRUE(TextCursor::isDigit('9'));
    EXPECT_FALSE(TextCursor::isDigit('/'));
    EXPECT_FALSE(TextCursor::isDigit(':'));
    EXPECT_FALSE(TextCursor::isDigit('\xd9'));
}

}  // namespace
}  // namespace rtmtap
