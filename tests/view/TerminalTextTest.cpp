// view/TerminalText: recorded text as a terminal may be given it.
#include "view/TerminalText.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(TerminalTextTest, ControlCharactersAreEscaped) {
    EXPECT_EQ(terminalSafe("a\x1b[31mb"), "a\\x1b[31mb");
    EXPECT_EQ(terminalSafe(std::string("n\0l\x07\x7f", 5)), "n\\x00l\\x07\\x7f");
    EXPECT_EQ(terminalSafe("1\n2\r3\t4"), "1\\n2\\r3\\t4");
}

TEST(TerminalTextTest, C1ControlsOverridesAndBrokenUtf8AreEscaped) {
    EXPECT_EQ(terminalSafe("csi\xc2\x9b" "31m"), "csi\\xc2\\x9b31m");
    EXPECT_EQ(terminalSafe("\xe2\x80\xae" "exe.gnp\xe2\x81\xa9"), "\\xe2\\x80\\xaeexe.gnp\\xe2\\x81\\xa9");
    EXPECT_EQ(terminalSafe("\xff\xc3"), "\\xff\\xc3");
    EXPECT_EQ(terminalSafe("\xed\xa0\x80"), "\\xed\\xa0\\x80") << "a surrogate is not UTF-8";
}

TEST(TerminalTextTest, PrintableTextIsLeftAlone) {
    EXPECT_EQ(terminalSafe("chat.postMessage é ✓ 😀 \xc2\xa0"), "chat.postMessage é ✓ 😀 \xc2\xa0");
    EXPECT_EQ(terminalSafe(""), "");
}

TEST(TerminalTextTest, ALineIsCutToItsColumnsWithAnEllipsis) {
    EXPECT_EQ(terminalLine("abcdef", 6), "abcdef");
    EXPECT_EQ(terminalLine("abcdefg", 6), "abcde…");
    EXPECT_EQ(terminalLine("ééééééé", 6), "ééééé…") << "a character is a column, not a byte";
    EXPECT_EQ(terminalLine("a\x1b" "bcdef", 6), "a\\x1b…") << "an escape takes the columns it prints";
    EXPECT_EQ(terminalLine("a\x1b" "bcdef", 5), "a…") << "and is not cut in two";
    EXPECT_EQ(terminalColumns(terminalLine("ééééééé", 6)), 6u);
    EXPECT_EQ(terminalColumns("a\\x1b"), 5u);
}

TEST(TerminalTextTest, LinesAreEachEscapedAndIndented) {
    EXPECT_EQ(terminalLines("{\n  \"a\": \"\x1b[2J\"\n}", "    "), "    {\n      \"a\": \"\\x1b[2J\"\n    }\n");
    EXPECT_EQ(terminalLines("", "> "), "> \n");
}

}  // namespace
}  // namespace rtmtap
