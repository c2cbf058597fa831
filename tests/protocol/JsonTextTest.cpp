// JSON string escaping must give valid JSON for any bytes.
#include "protocol/JsonText.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(JsonTextTest, EscapesQuotesBackslashesAndControls) {
    EXPECT_EQ(jsonString(""), "\"\"");
    EXPECT_EQ(jsonString("a\"b\\c"), "\"a\\\"b\\\\c\"");
    EXPECT_EQ(jsonString(std::string("\n\r\t\b\f\x01\x1f\x7f\0", 9)),
              "\"\\n\\r\\t\\b\\f\\u0001\\u001f\\u007f\\u0000\"");
}

TEST(JsonTextTest, KeepsValidUtf8AndReplacesInvalidBytes) {
    EXPECT_EQ(jsonString("h\xc3\xa9 \xf0\x9f\x98\x80"), "\"h\xc3\xa9 \xf0\x9f\x98\x80\"");
    EXPECT_EQ(jsonString("a\xff" "b"), "\"a\\ufffdb\"");
    EXPECT_EQ(jsonString("\xc3"), "\"\\ufffd\"");                 // truncated sequence
    EXPECT_EQ(jsonString("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");  // a surrogate
    EXPECT_EQ(jsonString("\xc0\xaf"), "\"\\ufffd\\ufffd\"");          // overlong
}

TEST(JsonTextTest, ContentHasNoQuotesAndKeepsOrReplacesInvalidBytesAsAsked) {
    const std::string text = std::string("a\"\n\x7f\0", 5) + "\xc3\xa9\xff\xc3";
    std::string kept = "[";
    appendJsonContent(kept, text, InvalidUtf8::Keep);
    EXPECT_EQ(kept, "[a\\\"\\n\\u007f\\u0000\xc3\xa9\xff\xc3");
    std::string replaced;
    appendJsonContent(replaced, text, InvalidUtf8::Replace);
    EXPECT_EQ(replaced, "a\\\"\\n\\u007f\\u0000\xc3\xa9\\ufffd\\ufffd");
    EXPECT_EQ("\"" + replaced + "\"", jsonString(text)) << "jsonString is the content, replaced, in quotes";
}

}  // namespace
}  // namespace rtmtap
