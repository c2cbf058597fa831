// The output helpers the read commands and the file formats share (store/JsonOut.h).
#include "store/JsonOut.h"

#include "protocol/Message.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(JsonOutTest, Base64AndTimes) {
    EXPECT_EQ(base64(""), "");
    EXPECT_EQ(base64("f"), "Zg==");
    EXPECT_EQ(base64("fo"), "Zm8=");
    EXPECT_EQ(base64("foo"), "Zm9v");
    EXPECT_EQ(base64(std::string("\0\xff\xfe", 3)), "AP/+");
    EXPECT_EQ(isoUtc(0), "1970-01-01T00:00:00.000000Z");
    EXPECT_EQ(isoUtc(1'764'000'000'123'456), "2025-11-24T16:00:00.123456Z");
    EXPECT_EQ(isoUtc(-1), "1969-12-31T23:59:59.999999Z");
    EXPECT_EQ(flagNames(MessageFlag::Fragmented | MessageFlag::Redacted),
              (std::vector<std::string>{"fragmented", "redacted"}));
    EXPECT_EQ(flagNames(1u << 20), (std::vector<std::string>{"bit20"}));
}

}  // namespace
}  // namespace rtmtap
