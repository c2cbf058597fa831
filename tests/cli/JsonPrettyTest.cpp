#include "cli/JsonPretty.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmtap::cli {
namespace {

TEST(JsonPretty, OneMemberALineNestedByIndent) {
    const char* text = R"({"event":"chat.postMessage","payload":{"ids":[1,2],"ok":true,"x":null}})";
    EXPECT_EQ(prettyJson(text),
              "{\n"
              "  \"event\": \"chat.postMessage\",\n"
              "  \"payload\": {\n"
              "    \"ids\": [\n"
              "      1,\n"
              "      2\n"
              "    ],\n"
              "    \"ok\": true,\n"
              "    \"x\": null\n"
              "  }\n"
              "}");
}

TEST(JsonPretty, IndentWidthIsTheCallers) {
    EXPECT_EQ(prettyJson(R"([{"a":1}])", 4), "[\n    {\n        \"a\": 1\n    }\n]");
    EXPECT_EQ(prettyJson(R"([{"a":1}])", 0), "[\n{\n\"a\": 1\n}\n]");
    EXPECT_EQ(prettyJson(R"([1])", -3), "[\n1\n]");
}

TEST(JsonPretty, EmptyContainersStayOnOneLine) {
    EXPECT_EQ(prettyJson("{}"), "{}");
    EXPECT_EQ(prettyJson("[ \n\t ]"), "[]");
    EXPECT_EQ(prettyJson(R"({"a":{ },"b":[  ],"c":[[]]})"),
              "{\n  \"a\": {},\n  \"b\": [],\n  \"c\": [\n    []\n  ]\n}");
}

TEST(JsonPretty, NumbersKeepTheirExactBytes) {
    EXPECT_EQ(prettyJson("[12345678901234567890,1.0e5,-0,0.10,1E-300,1e400]"),
              "[\n  12345678901234567890,\n  1.0e5,\n  -0,\n  0.10,\n  1E-300,\n  1e400\n]");
    EXPECT_EQ(prettyJson("12345678901234567890"), "12345678901234567890");
}

TEST(JsonPretty, StringsKeepTheirEscapesAndBytes) {
    const std::string text = R"({"k\"ey":"\u00e9 \/ \\ \" \n","é":"{[,:]}","lone":"\ud800"})";
    EXPECT_EQ(prettyJson(text),
              "{\n  \"k\\\"ey\": \"\\u00e9 \\/ \\\\ \\\" \\n\",\n  \"é\": \"{[,:]}\",\n  \"lone\": \"\\ud800\"\n}");
    EXPECT_EQ(prettyJson(R"("a \" b")"), R"("a \" b")");
    EXPECT_EQ(prettyJson(R"(["ends in backslash\\",1])"), "[\n  \"ends in backslash\\\\\",\n  1\n]");
}

TEST(JsonPretty, AnyWhitespaceBetweenTokensIsReplaced) {
    const std::string expected = "{\n  \"a\": [\n    1,\n    true\n  ]\n}";
    EXPECT_EQ(prettyJson(R"({"a":[1,true]})"), expected);
    EXPECT_EQ(prettyJson(" \r\n\t{ \"a\" :\n[ 1 ,\ttrue ] }\n "), expected);
    EXPECT_EQ(prettyJson(prettyJson(expected).value()), expected);  // idempotent
}

TEST(JsonPretty, ScalarsAtTheTop) {
    EXPECT_EQ(prettyJson(" true "), "true");
    EXPECT_EQ(prettyJson("null"), "null");
    EXPECT_EQ(prettyJson(R"("x")"), R"("x")");
}

TEST(JsonPretty, InvalidTextIsNullopt) {
    for (const char* bad : {"", "   ", "{", "[1,2", R"({"a":1} x)", "{} {}", "[1,]", R"({"a" 1})", R"({a:1})",
                            "hello", "True", "nul", "01", "1.", ".5", "+1", "0x10", R"(["a)", R"(["\x"])",
                            "[\"\x01\"]", "{\"a\":1,}", "'a'", "[1 2]", "\xef\xbb\xbf{}"}) {
        EXPECT_EQ(prettyJson(bad), std::nullopt) << bad;
    }
}

TEST(JsonPretty, InvalidUtf8InAStringIsNullopt) {
    EXPECT_EQ(prettyJson("[\"\xff\"]"), std::nullopt);
    EXPECT_EQ(prettyJson("[\"\xc0\xaf\"]"), std::nullopt);      // overlong '/'
    EXPECT_EQ(prettyJson("[\"\xed\xa0\x80\"]"), std::nullopt);  // a raw surrogate
    EXPECT_EQ(prettyJson("[\"\xe2\x82\xac\"]"), "[\n  \"\xe2\x82\xac\"\n]");
}

TEST(JsonPretty, DeepNestingIsSafe) {
    const std::string deep = std::string(10'000, '[') + std::string(10'000, ']');
    EXPECT_EQ(prettyJson(deep), std::nullopt);  // too deep to be worth indenting; no crash
    const std::string unclosed(10'000, '{');
    EXPECT_EQ(prettyJson(unclosed), std::nullopt);
}

TEST(JsonPretty, NestingUpTo512LevelsIsIndented) {
    const std::string ok = std::string(512, '[') + "1" + std::string(512, ']');
    const std::optional<std::string> pretty = prettyJson(ok, 1);
    ASSERT_TRUE(pretty);
    EXPECT_NE(pretty->find("\n" + std::string(512, ' ') + "1\n"), std::string::npos);
    EXPECT_EQ(prettyJson("[" + ok + "]"), std::nullopt);
}

}  // namespace
}  // namespace rtmtap::cli
