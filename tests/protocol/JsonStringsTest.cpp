#include "protocol/JsonStrings.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(JsonStrings, FindsMemberStringsWithPathsAndRawSpans) {
    const std::string text = "{\n  \"rtm\": {\"ws_endpoint\": \"ws:\\/\\/h:1\\/ws\", \"n\": [1, {\"k\": \"v\"}]},\n"
                             "  \"t\": \"\\u00e9\\ud83d\\ude00\", \"arr\": [\"not a member\"]\n}";
    JsonStringScan scan = scanJsonStrings(text);
    ASSERT_TRUE(scan.valid);
    ASSERT_EQ(scan.members.size(), 3u);
    EXPECT_EQ(scan.members[0].path, "rtm.ws_endpoint");
    EXPECT_EQ(scan.members[0].value, "ws://h:1/ws");
    EXPECT_EQ(text.substr(scan.members[0].offset, scan.members[0].length), "ws:\\/\\/h:1\\/ws");
    EXPECT_EQ(scan.members[1].path, "rtm.n.[].k");
    EXPECT_EQ(scan.members[1].key, "k");
    EXPECT_EQ(scan.members[2].path, "t");
    EXPECT_EQ(scan.members[2].value, "\xc3\xa9\xf0\x9f\x98\x80");
}

TEST(JsonStrings, InvalidTextIsReportedWithWhatCameBefore) {
    for (const std::string bad : {"", "{", "{\"a\":\"x\"", "{\"a\":\"x\"}}", "{\"a\" \"x\"}", "{\"a\":tru}", "[1,]",
                                  "{\"a\":01}", "{\"a\":\"\\q\"}", "{\"a\":\"x\"} extra", "{\"a\":\"\x01\"}"}) {
        EXPECT_FALSE(scanJsonStrings(bad).valid) << bad;
    }
    JsonStringScan partial = scanJsonStrings(R"({"password":"p", "x": })");
    EXPECT_FALSE(partial.valid);
    ASSERT_EQ(partial.members.size(), 1u);
    EXPECT_EQ(partial.members[0].value, "p");
    for (const std::string good : {"1", "[]", "{}", " {\"a\": [true, false, null, -1.5e3, 0]} ", "\"s\""}) {
        EXPECT_TRUE(scanJsonStrings(good).valid) << good;
    }
    EXPECT_FALSE(scanJsonStrings(std::string(100000, '[')).valid) << "deep nesting is refused, not a crash";
}

TEST(JsonStrings, SpliceReplacesOnlyTheValues) {
    const std::string text = "{ \"a\" : \"one\",\n \"b\":\"two\" }";
    JsonStringScan scan = scanJsonStrings(text);
    ASSERT_EQ(scan.members.size(), 2u);
    EXPECT_EQ(spliceJsonStrings(text, {{scan.members[1], "2\"\n"}, {scan.members[0], "1"}}),
              "{ \"a\" : \"1\",\n \"b\":\"2\\\"\\n\" }");
}

TEST(JsonStrings, SpliceKeepsBytesThatAreNotUtf8AndEscapesControls) {
    // An answer in Latin-1: scanned without checking UTF-8, and a replacement built from its own
    // value (a routed ws_endpoint keeps the path) goes back with the same bytes, not U+FFFD.
    const std::string text = "{\"rtm\":{\"ws_endpoint\":\"ws://h/caf\xe9\"},\"n\":\"\xff\"}";
    JsonStringScan scan = scanJsonStrings(text);
    ASSERT_TRUE(scan.valid);
    ASSERT_EQ(scan.members.size(), 2u);
    EXPECT_EQ(scan.members[0].value, "ws://h/caf\xe9");
    EXPECT_EQ(spliceJsonStrings(text, {{scan.members[0], "ws://127.0.0.1:9/caf\xe9\x7f\t\x01"}}),
              "{\"rtm\":{\"ws_endpoint\":\"ws://127.0.0.1:9/caf\xe9\\u007f\\t\\u0001\"},\"n\":\"\xff\"}");
    const std::string spliced = spliceJsonStrings(text, {{scan.members[1], "\xc3\xa9\xc3"}});
    EXPECT_EQ(spliced, "{\"rtm\":{\"ws_endpoint\":\"ws://h/caf\xe9\"},\"n\":\"\xc3\xa9\xc3\"}");
    JsonStringScan again = scanJsonStrings(spliced);
    ASSERT_TRUE(again.valid);
    EXPECT_EQ(again.members[1].value, "\xc3\xa9\xc3");
}

}  // namespace
}  // namespace rtmtap
