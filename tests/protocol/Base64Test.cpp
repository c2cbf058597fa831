#include "protocol/Base64.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmtap {
namespace {

constexpr Base64Alphabet kStandard = Base64Alphabet::Standard;
constexpr Base64Alphabet kUrl = Base64Alphabet::Url;

std::string allBytes() {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
    }
    return bytes;
}

TEST(Base64, Rfc4648TestVectors) {
    const std::pair<const char*, const char*> vectors[] = {
        {"", ""},         {"f", "Zg=="},         {"fo", "Zm8="},         {"foo", "Zm9v"},
        {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"},
    };
    for (const auto& [plain, encoded] : vectors) {
        EXPECT_EQ(encodeBase64(plain, kStandard), encoded);
        EXPECT_EQ(decodeBase64(encoded, kStandard), std::optional<std::string>(plain)) << encoded;
    }
}

TEST(Base64, TheAlphabetsDifferInTheLastTwoDigitsAndInPadding) {
    EXPECT_EQ(encodeBase64("\xfb\xff\xbf", kStandard), "+/+/");
    EXPECT_EQ(encodeBase64("\xfb\xff\xbf", kUrl), "-_-_");
    EXPECT_EQ(encodeBase64("\xff\xfe", kStandard), "//4=");
    EXPECT_EQ(encodeBase64("\xff\xfe", kUrl), "__4");  // unpadded, as JWTs are
    EXPECT_EQ(encodeBase64("f", kUrl), "Zg");
    EXPECT_FALSE(decodeBase64("-_-_", kStandard));
    EXPECT_FALSE(decodeBase64("+/+/", kUrl));
}

TEST(Base64, EveryLengthAndByteRoundTripsInBothAlphabets) {
    const std::string bytes = allBytes() + allBytes();
    for (size_t length = 0; length <= 40; ++length) {
        for (size_t start = 0; start + length <= bytes.size(); start += 37) {
            const std::string piece = bytes.substr(start, length);
            for (Base64Alphabet alphabet : {kStandard, kUrl}) {
                const std::string encoded = encodeBase64(piece, alphabet);
                EXPECT_EQ(decodeBase64(encoded, alphabet), piece) << encoded;
            }
        }
    }
}

TEST(Base64, EmptyTextIsNoBytes) {
    EXPECT_EQ(decodeBase64("", kStandard), std::string());
    EXPECT_EQ(decodeBase64("", kUrl), std::string());
    EXPECT_EQ(encodeBase64("", kUrl), "");
}

TEST(Base64, StandardRejectsCharactersOutsideItsAlphabet) {
    for (const char* bad : {"Zm9v Yg==", "Zm9v\nYg==", "Zm9-Yg==", "Zm9_", "Zm*v", "ÿÿÿÿ"}) {
        EXPECT_FALSE(decodeBase64(bad, kStandard)) << bad;
    }
    EXPECT_FALSE(decodeBase64(std::string("Zm9\0", 4), kStandard));
}

TEST(Base64, StandardNeedsExactPadding) {
    for (const char* bad : {"Zg", "Zg=", "Zm8", "Zg===", "Z===", "====", "=Zm8", "Zg==Zm8=", "Zm=8", "Zm9vY"}) {
        EXPECT_FALSE(decodeBase64(bad, kStandard)) << bad;
    }
}

TEST(Base64, StandardRejectsBitsSetPastTheData) {
    EXPECT_EQ(decodeBase64("Zg==", kStandard), std::string("f"));
    EXPECT_FALSE(decodeBase64("Zh==", kStandard));  // same byte, a stray low bit
    EXPECT_EQ(decodeBase64("Zm8=", kStandard), std::string("fo"));
    EXPECT_FALSE(decodeBase64("Zm9=", kStandard));
}

TEST(Base64, UrlTakesPaddingOrNone) {
    EXPECT_EQ(decodeBase64("Zg", kUrl), std::string("f"));
    EXPECT_EQ(decodeBase64("Zg==", kUrl), std::string("f"));
    EXPECT_EQ(decodeBase64("Zm8", kUrl), std::string("fo"));
    EXPECT_EQ(decodeBase64("Zm8=", kUrl), std::string("fo"));
    EXPECT_EQ(decodeBase64("__4", kUrl), std::string("\xff\xfe"));
}

TEST(Base64, UrlRejectsBadPaddingAndCharacters) {
    for (const char* bad : {"Zg=", "Zg===", "Z===", "====", "Z", "Zm9vY", "Zm9vY===", "Zm=8", "Zg==Zg==", "Zm9v Yg",
                            "Zm9v+g", "Zm9v/g", "Zm.v"}) {
        EXPECT_FALSE(decodeBase64(bad, kUrl)) << bad;
    }
}

TEST(Base64, UrlIgnoresBitsPastTheDataAsJwtDecodingAlwaysHas) {
    EXPECT_EQ(decodeBase64("Zh", kUrl), std::string("f"));
}

TEST(Base64, DigitsExcludePaddingAndTheOtherAlphabet) {
    EXPECT_TRUE(isBase64Digit('A', kUrl));
    EXPECT_TRUE(isBase64Digit('9', kStandard));
    EXPECT_TRUE(isBase64Digit('-', kUrl));
    EXPECT_TRUE(isBase64Digit('+', kStandard));
    EXPECT_FALSE(isBase64Digit('+', kUrl));
    EXPECT_FALSE(isBase64Digit('_', kStandard));
    EXPECT_FALSE(isBase64Digit('=', kUrl));
    EXPECT_FALSE(isBase64Digit('=', kStandard));
}

}  // namespace
}  // namespace rtmtap
