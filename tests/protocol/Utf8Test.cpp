#include "protocol/Utf8.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmtap {
namespace {

// A reference written from the definition rather than the byte ranges: decode, then reject
// overlongs, surrogates and code points above U+10FFFF.
bool referenceValid(const std::string& bytes) {
    size_t i = 0;
    while (i < bytes.size()) {
        const auto lead = static_cast<unsigned char>(bytes[i]);
        size_t length = 0;
        uint32_t cp = 0;
        if (lead < 0x80) {
            ++i;
            continue;
        } else if ((lead & 0xE0) == 0xC0) {
            length = 2;
            cp = lead & 0x1F;
        } else if ((lead & 0xF0) == 0xE0) {
            length = 3;
            cp = lead & 0x0F;
        } else if ((lead & 0xF8) == 0xF0) {
            length = 4;
            cp = lead & 0x07;
        } else {
            return false;
        }
        if (i + length > bytes.size()) {
            return false;
        }
        for (size_t k = 1; k < length; ++k) {
            const auto next = static_cast<unsigned char>(bytes[i + k]);
            if ((next & 0xC0) != 0x80) {
                return false;
            }
            cp = cp << 6 | (next & 0x3F);
        }
        const uint32_t minimum = length == 2 ? 0x80 : length == 3 ? 0x800 : 0x10000;
        if (cp < minimum || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) {
            return false;
        }
        i += length;
    }
    return true;
}

std::string bytes(std::initializer_list<int> values) {
    std::string out;
    for (int v : values) {
        out.push_back(static_cast<char>(v));
    }
    return out;
}

TEST(Utf8Test, AsciiAndEmpty) {
    EXPECT_TRUE(isValidUtf8(""));
    EXPECT_TRUE(isValidUtf8("hello"));
    EXPECT_TRUE(isValidUtf8(std::string(1000, 'x')));
    EXPECT_TRUE(isValidUtf8(std::string("a\0b", 3)));
    EXPECT_TRUE(isValidUtf8("\x7F"));
}

TEST(Utf8Test, Boundaries) {
    EXPECT_TRUE(isValidUtf8(bytes({0xC2, 0x80})));              // U+0080
    EXPECT_TRUE(isValidUtf8(bytes({0xDF, 0xBF})));              // U+07FF
    EXPECT_TRUE(isValidUtf8(bytes({0xE0, 0xA0, 0x80})));        // U+0800
    EXPECT_TRUE(isValidUtf8(bytes({0xED, 0x9F, 0xBF})));        // U+D7FF
    EXPECT_TRUE(isValidUtf8(bytes({0xEE, 0x80, 0x80})));        // U+E000
    EXPECT_TRUE(isValidUtf8(bytes({0xEF, 0xBF, 0xBF})));        // U+FFFF
    EXPECT_TRUE(isValidUtf8(bytes({0xF0, 0x90, 0x80, 0x80})));  // U+10000
    EXPECT_TRUE(isValidUtf8(bytes({0xF4, 0x8F, 0xBF, 0xBF})));  // U+10FFFF
    EXPECT_TRUE(isValidUtf8("caf\xC3\xA9 \xE2\x82\xAC \xF0\x9F\x98\x80"));
}

TEST(Utf8Test, RejectsOverlongsSurrogatesAndTooLarge) {
    EXPECT_FALSE(isValidUtf8(bytes({0xC0, 0x80})));
    EXPECT_FALSE(isValidUtf8(bytes({0xC1, 0xBF})));
    EXPECT_FALSE(isValidUtf8(bytes({0xE0, 0x80, 0x80})));
    EXPECT_FALSE(isValidUtf8(bytes({0xE0, 0x9F, 0xBF})));
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x80, 0x80, 0x80})));
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x8F, 0xBF, 0xBF})));
    EXPECT_FALSE(isValidUtf8(bytes({0xED, 0xA0, 0x80})));  // U+D800
    EXPECT_FALSE(isValidUtf8(bytes({0xED, 0xBF, 0xBF})));  // U+DFFF
    EXPECT_FALSE(isValidUtf8(bytes({0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80})));  // CESU-8 pair
    EXPECT_FALSE(isValidUtf8(bytes({0xF4, 0x90, 0x80, 0x80})));  // U+110000
    for (int lead = 0xF5; lead <= 0xFF; ++lead) {
        EXPECT_FALSE(isValidUtf8(bytes({lead, 0x80, 0x80, 0x80}))) << lead;
    }
}

TEST(Utf8Test, RejectsBrokenSequences) {
    EXPECT_FALSE(isValidUtf8(bytes({0x80})));
    EXPECT_FALSE(isValidUtf8(bytes({0xBF})));
    EXPECT_FALSE(isValidUtf8(bytes({0xC3})));
    EXPECT_FALSE(isValidUtf8(bytes({0xC3, 0x41})));
    EXPECT_FALSE(isValidUtf8(bytes({0xE2, 0x82})));
    EXPECT_FALSE(isValidUtf8(bytes({0xE2, 0x82, 0xC0})));
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x9F, 0x98})));
    EXPECT_FALSE(isValidUtf8(bytes({0xF0, 0x9F, 0x98, 0x7F})));
    EXPECT_FALSE(isValidUtf8(bytes({0xC3, 0xA9, 0xA9})));
}

TEST(Utf8Test, ErrorsAfterAsciiRunsAtEveryAlignment) {
    // The ASCII fast path moves 8 bytes at a time: put the bad or cut byte at each offset.
    for (size_t prefix = 0; prefix < 40; ++prefix) {
        const std::string ascii(prefix, 'a');
        EXPECT_TRUE(isValidUtf8(ascii + "\xC3\xA9" + ascii)) << prefix;
        EXPECT_FALSE(isValidUtf8(ascii + "\xC3")) << prefix;
        EXPECT_FALSE(isValidUtf8(ascii + "\x80" + ascii)) << prefix;
        EXPECT_FALSE(isValidUtf8(ascii + "\xE2\x82" + ascii)) << prefix;
    }
}

TEST(Utf8Test, ViewDoesNotReachBeyondItsEnd) {
    const std::string buffer = "ab\xE2\x82\xAC";
    EXPECT_TRUE(isValidUtf8(buffer));
    EXPECT_FALSE(isValidUtf8(std::string_view(buffer).substr(0, 4)));
    EXPECT_FALSE(utf8SequenceLength(std::string_view(buffer).substr(0, 4), 2));
}

TEST(Utf8Test, SequenceLength) {
    const std::string text = "a\xC3\xA9\xE2\x82\xAC\xF0\x9F\x98\x80\x80";
    EXPECT_EQ(utf8SequenceLength(text, 0), 0u);  // ASCII is not a multi-byte sequence
    EXPECT_EQ(utf8SequenceLength(text, 1), 2u);
    EXPECT_EQ(utf8SequenceLength(text, 3), 3u);
    EXPECT_EQ(utf8SequenceLength(text, 6), 4u);
    EXPECT_EQ(utf8SequenceLength(text, 10), 0u);
}

TEST(Utf8Test, AgreesWithTheDefinitionOnEveryShortSequence) {
    for (int a = 0; a < 256; ++a) {
        for (int b = 0; b < 256; ++b) {
            const std::string two = bytes({a, b});
            ASSERT_EQ(isValidUtf8(two), referenceValid(two)) << a << ' ' << b;
        }
    }
    for (int a = 0xE0; a < 0x100; ++a) {
        for (int b = 0; b < 256; ++b) {
            for (int c = 0x70; c < 0xD0; ++c) {
                const std::string three = bytes({a, b, c});
                ASSERT_EQ(isValidUtf8(three), referenceValid(three)) << a << ' ' << b << ' ' << c;
                const std::string four = bytes({a, b, c, 0x80});
                ASSERT_EQ(isValidUtf8(four), referenceValid(four)) << a << ' ' << b << ' ' << c;
            }
        }
    }
}

}  // namespace
}  // namespace rtmtap
