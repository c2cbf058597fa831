// JsonScanner's own contract: the tokens and their spans, the options, and the helpers. Validity
// in all its corners is tested through its users (ClassifierTest is the big one).
#include "protocol/JsonScanner.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rtmtap {
namespace {

// Every hook as one line: what it was, and the bytes its span covers in the text.
class Recorder : public JsonHandler {
public:
    explicit Recorder(std::string_view text) : text_(text) {}

    void beginObject(size_t at, size_t depth) { add("{" + std::to_string(depth), at, 1); }
    void endObject(size_t end, size_t depth) { add("}" + std::to_string(depth), end - 1, 1); }
    void beginArray(size_t at, size_t depth) { add("[" + std::to_string(depth), at, 1); }
    void endArray(size_t end, size_t depth) { add("]" + std::to_string(depth), end - 1, 1); }
    void key(const JsonString& s) { add(s.escaped ? "key\\" : "key", s.offset, s.length); }
    void stringValue(const JsonString& s) { add(s.escaped ? "str\\" : "str", s.offset, s.length); }
    void numberValue(const JsonNumber& n) { add(n.integer ? "int" : "num", n.offset, n.length); }
    void literalValue(JsonLiteral value, size_t at) {
        const size_t length = value == JsonLiteral::False ? 5 : 4;
        add(value == JsonLiteral::Null ? "null" : "bool", at, length);
    }

    std::vector<std::string> events;

private:
    void add(const std::string& what, size_t offset, size_t length) {
        events.push_back(what + " " + std::string(text_.substr(offset, length)));
    }
    std::string_view text_;
};

std::vector<std::string> tokens(std::string_view text, bool* valid = nullptr, JsonScanOptions options = {}) {
    Recorder recorder(text);
    const bool ok = JsonScanner(text, options).scan(recorder);
    if (valid) {
        *valid = ok;
    }
    return recorder.events;
}

using Events = std::vector<std::string>;

TEST(JsonScannerTest, TokensCarryTheirExactBytes) {
    const std::string text = R"( {"a" : [1, -2.5e3, "x\"y", true, false, null, {}], "b\u0062":"plain"} )";
    bool valid = false;
    EXPECT_EQ(tokens(text, &valid),
              (Events{"{1 {", "key a", "[2 [", "int 1", "num -2.5e3", "str\\ x\\\"y", "bool true", "bool false",
                      "null null", "{3 {", "}3 }", "]2 ]", "key\\ b\\u0062", "str plain", "}1 }"}));
    EXPECT_TRUE(valid);
}

TEST(JsonScannerTest, ContainerSpansCoverTheirWholeText) {
    struct Spans : JsonHandler {
        std::vector<size_t> begins;
        std::vector<size_t> ends;
        void beginArray(size_t at, size_t) { begins.push_back(at); }
        void endArray(size_t end, size_t) { ends.push_back(end); }
    } spans;
    const std::string text = "[ [ ] ,[1,[2]] ]";
    ASSERT_TRUE(JsonScanner(text).scan(spans));
    EXPECT_EQ(spans.begins, (std::vector<size_t>{0, 2, 7, 10}));
    EXPECT_EQ(spans.ends, (std::vector<size_t>{5, 13, 14, 16}));
    EXPECT_EQ(text.substr(7, 14 - 7), "[1,[2]]");
}

TEST(JsonScannerTest, ScalarsAtTheTop) {
    EXPECT_EQ(tokens("12345678901234567890"), Events{"int 12345678901234567890"});
    EXPECT_EQ(tokens(" \"\" "), Events{"str "});
    EXPECT_EQ(tokens("null"), Events{"null null"});
    EXPECT_EQ(tokens("-0.0"), Events{"num -0.0"});
}

TEST(JsonScannerTest, HooksBeforeAnErrorHaveRun) {
    bool valid = true;
    EXPECT_EQ(tokens(R"({"a":"x","b":tru})", &valid), (Events{"{1 {", "key a", "str x", "key b"}));
    EXPECT_FALSE(valid);
}

TEST(JsonScannerTest, PositionSaysWhereTheTextWentWrong) {
    for (const auto& [text, at] : std::vector<std::pair<std::string, size_t>>{
             {R"({"a":1,})", 7}, {"[1 2]", 3}, {"[] x", 3}, {R"({"a" 1})", 5}, {"[1,]", 3}, {"[", 1}}) {
        JsonHandler none;
        JsonScanner scanner(text);
        EXPECT_FALSE(scanner.scan(none)) << text;
        EXPECT_EQ(scanner.position(), at) << text;
    }
    JsonHandler none;
    JsonScanner ok("[1] ");
    EXPECT_TRUE(ok.scan(none));
    EXPECT_EQ(ok.position(), 4u);
}

std::string nested(size_t depth) {
    return std::string(depth, '[') + std::string(depth, ']');
}

bool valid(const std::string& text, JsonScanOptions options = {}) {
    JsonHandler none;
    return JsonScanner(text, options).scan(none);
}

TEST(JsonScannerTest, DepthLimit) {
    EXPECT_TRUE(valid(nested(512)));  // the default
    EXPECT_FALSE(valid(nested(513)));
    EXPECT_FALSE(valid(std::string(1'000'000, '[')));
    JsonScanOptions three;
    three.maxDepth = 3;
    EXPECT_TRUE(valid(R"({"a":[{}]})", three));
    EXPECT_FALSE(valid(R"({"a":[{"b":[]}]})", three));
    JsonScanOptions unlimited;
    unlimited.maxDepth = JsonScanOptions::kUnlimited;
    EXPECT_TRUE(valid(nested(100'000), unlimited));  // one bit a level, no recursion
    std::string mismatched = nested(100'000);
    mismatched[150'000] = '}';  // deep in the levels kept on the heap
    EXPECT_FALSE(valid(mismatched, unlimited));
}

TEST(JsonScannerTest, Utf8CheckCanBeTurnedOff) {
    JsonScanOptions lax;
    lax.checkUtf8 = false;
    for (const std::string text : {"[\"\xff\"]", "[\"caf\xe9\"]", "[\"\xed\xa0\x80\"]", "{\"\xc0\xaf\":1}"}) {
        EXPECT_FALSE(valid(text)) << text;
        EXPECT_TRUE(valid(text, lax)) << text;
    }
    // Only the UTF-8 check is off: structure, escapes and control characters still count.
    for (const std::string text : {"[\"\x01\"]", "[\"\\x\"]", "\xff", "[\"\xff]"}) {
        EXPECT_FALSE(valid(text, lax)) << text;
    }
    EXPECT_TRUE(valid("[\"\xe2\x82\xac\"]"));
}

TEST(JsonScannerTest, Unescape) {
    EXPECT_EQ(unescapeJson(R"(a\"b\\c\/d\b\f\n\r\t)"), "a\"b\\c/d\b\f\n\r\t");
    EXPECT_EQ(unescapeJson(R"(\u0041\u00e9\u20AC)"), "A\xc3\xa9\xe2\x82\xac");
    EXPECT_EQ(unescapeJson(R"(\ud83d\ude00)"), "\xf0\x9f\x98\x80");  // a pair is one code point
    EXPECT_EQ(unescapeJson(R"(\ud83dx\ude00)"), "\xef\xbf\xbdx\xef\xbf\xbd");  // lone halves: U+FFFD
    EXPECT_EQ(unescapeJson(R"(\ud83d\u0041)"), "\xef\xbf\xbd" "A");
    EXPECT_EQ(unescapeJson(R"(\u0000)"), std::string(1, '\0'));
    EXPECT_EQ(unescapeJson("caf\xc3\xa9 \xff"), "caf\xc3\xa9 \xff");  // other bytes as they are
    // Text no scan would pass is copied, never read past.
    EXPECT_EQ(unescapeJson("a\\"), "a\\");
    EXPECT_EQ(unescapeJson("\\u12"), "\\u12");
    EXPECT_EQ(unescapeJson("\\u12G4"), "\\u12G4");
    EXPECT_EQ(unescapeJson("\\ud83d\\u"), "\xef\xbf\xbd\\u");

    std::string appended = "x";
    appendUnescapedJson(R"(\n)", appended);
    EXPECT_EQ(appended, "x\n");
}

TEST(JsonScannerTest, ParseInt64) {
    int64_t value = 7;
    EXPECT_TRUE(parseJsonInt64("0", value));
    EXPECT_EQ(value, 0);
    EXPECT_TRUE(parseJsonInt64("-91010006", value));
    EXPECT_EQ(value, -91010006);
    EXPECT_TRUE(parseJsonInt64("9223372036854775807", value));
    EXPECT_EQ(value, INT64_MAX);
    EXPECT_TRUE(parseJsonInt64("-9223372036854775808", value));
    EXPECT_EQ(value, INT64_MIN);
    EXPECT_TRUE(parseJsonInt64("007", value));
    EXPECT_EQ(value, 7);
    value = 7;
    for (const char* bad : {"", "-", "+1", " 1", "1 ", "1.0", "1e3", "0x10", "9223372036854775808",
                            "-9223372036854775809", "99999999999999999999", "--1", "1-"}) {
        EXPECT_FALSE(parseJsonInt64(bad, value)) << bad;
        EXPECT_EQ(value, 7) << "unchanged on failure: " << bad;
    }
}

std::vector<std::string> memberTexts(std::string_view text, const JsonMembers& found) {
    std::vector<std::string> out;
    for (const JsonMember& m : found.members) {
        out.push_back(std::string(text.substr(m.key.offset, m.key.length)) + "=" +
                      std::string(text.substr(m.valueOffset, m.valueLength)));
    }
    return out;
}

TEST(JsonScannerTest, MembersOfTheTopLevelObject) {
    const std::string text =
        R"( { "t_us" : 12, "data":{"a":[1,{"t_us":2}]} ,"s":"x\"y", "n":null, "f": false, "e":[] , "t_us":-1.5 } )";
    const JsonMembers found = jsonMembers(text);
    EXPECT_TRUE(found.valid);
    EXPECT_TRUE(found.object);
    EXPECT_EQ(memberTexts(text, found),
              (std::vector<std::string>{"t_us=12", R"(data={"a":[1,{"t_us":2}]})", R"(s="x\"y")", "n=null",
                                        "f=false", "e=[]", "t_us=-1.5"}));
    const std::string escapedKey = R"({"d\u0061ta":1})";
    const JsonMembers escaped = jsonMembers(escapedKey);
    ASSERT_EQ(escaped.members.size(), 1u);
    EXPECT_TRUE(escaped.members[0].key.escaped);
    EXPECT_EQ(unescapeJson(std::string_view(escapedKey).substr(escaped.members[0].key.offset,
                                                                escaped.members[0].key.length)),
              "data");
}

TEST(JsonScannerTest, ElementsOfTheTopLevelArray) {
    const std::string text = R"([ "fragmented" ,{"a":[1]}, 2,[[]],null ])";
    const JsonMembers found = jsonMembers(text);
    EXPECT_TRUE(found.valid);
    EXPECT_TRUE(found.array);
    EXPECT_FALSE(found.object);
    EXPECT_EQ(memberTexts(text, found),
              (std::vector<std::string>{R"(="fragmented")", R"(={"a":[1]})", "=2", "=[[]]", "=null"}));
    EXPECT_TRUE(jsonMembers("[]").array);
    EXPECT_TRUE(jsonMembers("[]").members.empty());
}

TEST(JsonScannerTest, MembersOfSomethingElse) {
    for (const std::string text : {"\"a\"", "1", "null"}) {
        const JsonMembers found = jsonMembers(text);
        EXPECT_TRUE(found.valid) << text;
        EXPECT_FALSE(found.object) << text;
        EXPECT_FALSE(found.array) << text;
        EXPECT_TRUE(found.members.empty()) << text;
    }
    for (const std::string text : {"{\"a\":1,}", "{\"a\":1", "{\"a\":1} {}", "[1,2", ""}) {
        const JsonMembers found = jsonMembers(text);
        EXPECT_FALSE(found.valid) << text;
        EXPECT_FALSE(found.object) << text;
        EXPECT_FALSE(found.array) << text;
        EXPECT_TRUE(found.members.empty()) << "nothing half-read: " << text;
    }
    EXPECT_TRUE(jsonMembers("{}").object);
    EXPECT_TRUE(jsonMembers("{}").members.empty());
    JsonScanOptions unlimited;
    unlimited.maxDepth = JsonScanOptions::kUnlimited;
    const std::string deep = "{\"a\":" + std::string(1000, '[') + std::string(1000, ']') + "}";
    EXPECT_FALSE(jsonMembers(deep).valid);
    EXPECT_EQ(jsonMembers(deep, unlimited).members.size(), 1u);
}

}  // namespace
}  // namespace rtmtap
