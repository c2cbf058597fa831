#include "proxy/FrameCodec.h"

#include "protocol/Utf8.h"

#include <gtest/gtest.h>

#include <string>

using namespace rtmtap;

namespace {

std::string encode(bool fin, uint8_t op, const std::string& payload, const uint8_t* mask) {
    std::string out;
    appendFrameHeader(out, fin, op, payload.size(), mask);
    std::string body = payload;
    if (mask) {
        applyMask(body.data(), body.size(), mask);
    }
    return out + body;
}

TEST(FrameCodec, ClosePayloadsFitAndStayValidUtf8) {
    EXPECT_EQ(closePayload(4001, "bye"), std::string("\x0f\xa1" "bye", 5));
    EXPECT_EQ(closePayload(1005, "ignored"), "") << "1005 is sent as no status code";
    const std::string ascii(200, 'a');
    EXPECT_EQ(closePayload(1000, ascii).size(), 125u);
    std::string euros;
    for (int i = 0; i < 50; ++i) {
        euros += "\xe2\x82\xac";  // three bytes each: 41 of them fill the 123 bytes exactly
    }
    EXPECT_EQ(closePayload(1000, euros).size(), 2u + 123u);
    const std::string shifted = "x" + euros;  // now the 123rd byte is inside a character
    const std::string cut = closePayload(1000, shifted);
    EXPECT_EQ(cut.size(), 2u + 1u + 40u * 3u) << "cut before the character that would not fit";
    EXPECT_TRUE(isValidUtf8(cut.substr(2)));
}

}  // namespace

TEST(FrameCodec, ParsesTheRfcExamples) {
    // RFC 6455 5.7: a single-frame unmasked text message "Hello".
    const std::string unmasked("\x81\x05\x48\x65\x6c\x6c\x6f", 7);
    FrameHeader h;
    ASSERT_EQ(parseFrameHeader(unmasked.data(), unmasked.size(), h), HeaderParse::Ok);
    EXPECT_TRUE(h.fin);
    EXPECT_EQ(h.opcode, 1);
    EXPECT_FALSE(h.masked);
    EXPECT_EQ(h.length, 5u);
    EXPECT_EQ(h.headerSize, 2u);
    // The masked "Hello" of the same section.
    std::string masked("\x81\x85\x37\xfa\x21\x3d\x7f\x9f\x4d\x51\x58", 11);
    ASSERT_EQ(parseFrameHeader(masked.data(), masked.size(), h), HeaderParse::Ok);
    EXPECT_TRUE(h.masked);
    EXPECT_EQ(h.headerSize, 6u);
    std::string payload = masked.substr(6);
    applyMask(payload.data(), payload.size(), h.mask);
    EXPECT_EQ(payload, "Hello");
}

TEST(FrameCodec, RoundTripsEveryLengthEncoding) {
    const uint8_t mask[4] = {1, 2, 3, 4};
    for (size_t len : {size_t(0), size_t(125), size_t(126), size_t(65535), size_t(65536), size_t(300000)}) {
        std::string payload(len, 'x');
        for (size_t i = 0; i < len; ++i) {
            payload[i] = static_cast<char>(i * 7);
        }
        for (const uint8_t* m : {static_cast<const uint8_t*>(nullptr), mask}) {
            std::string frame = encode(true, 2, payload, m);
            FrameHeader h;
            ASSERT_EQ(parseFrameHeader(frame.data(), frame.size(), h), HeaderParse::Ok) << len;
            EXPECT_EQ(h.length, len);
            EXPECT_EQ(h.headerSize + len, frame.size());
            std::string back = frame.substr(h.headerSize);
            if (h.masked) {
                applyMask(back.data(), back.size(), h.mask);
            }
            EXPECT_EQ(back, payload) << len;
        }
    }
}

TEST(FrameCodec, ReportsIncompleteHeadersAtEveryCut) {
    const uint8_t mask[4] = {9, 8, 7, 6};
    std::string frame = encode(false, 1, std::string(70000, 'a'), mask);  // 2 + 8 + 4 byte header
    FrameHeader h;
    for (size_t cut = 0; cut < 14; ++cut) {
        EXPECT_EQ(parseFrameHeader(frame.data(), cut, h), HeaderParse::Incomplete) << cut;
    }
    ASSERT_EQ(parseFrameHeader(frame.data(), 14, h), HeaderParse::Ok);
    EXPECT_FALSE(h.fin);
}

TEST(FrameCodec, RejectsA64BitLengthWithTheTopBitSet) {
    std::string frame("\x82\x7f\x80\x00\x00\x00\x00\x00\x00\x01", 10);
    FrameHeader h;
    EXPECT_EQ(parseFrameHeader(frame.data(), frame.size(), h), HeaderParse::Invalid);
}

TEST(FrameCodec, ExposesRsvBitsAndOpcode) {
    std::string frame("\xf3\x00", 2);  // FIN, RSV1-3, opcode 3
    FrameHeader h;
    ASSERT_EQ(parseFrameHeader(frame.data(), frame.size(), h), HeaderParse::Ok);
    EXPECT_EQ(h.rsv, 7);
    EXPECT_EQ(h.opcode, 3);
}

TEST(FrameCodec, MaskingFromAnOffsetMatchesBytewiseMasking) {
    const uint8_t mask[4] = {0xde, 0xad, 0xbe, 0xef};
    std::string data(1001, '\0');
    for (size_t i = 0; i < data.size(); ++i) {
        data[i] = static_cast<char>(i);
    }
    for (size_t offset = 0; offset < 4; ++offset) {
        std::string fast = data;
        applyMask(fast.data() + 3, fast.size() - 3, mask, offset);
        for (size_t i = 3; i < data.size(); ++i) {
            ASSERT_EQ(static_cast<uint8_t>(fast[i]), static_cast<uint8_t>(data[i] ^ mask[(offset + i - 3) % 4]));
        }
    }
}

TEST(FrameCodec, ACloseWithAOneBytePayloadIsAViolation) {
    FrameHeader h;
    h.fin = true;
    h.opcode = 0x8;
    h.masked = true;
    for (uint64_t length : {0u, 2u, 125u}) {
        h.length = length;
        EXPECT_EQ(frameViolation(h, true, false), "") << length << " bytes";
    }
    h.length = 1;
    EXPECT_EQ(frameViolation(h, true, false), "a close frame with a 1-byte payload");
    h.masked = false;
    EXPECT_EQ(frameViolation(h, false, true), "a close frame with a 1-byte payload") << "from the server, mid-message";
}
