// JsonPath: parsing the dotted form, and where a path stands in a text (value, the member's
// removal span, where a missing key would be added), checked by splicing.
#include "protocol/JsonPath.h"
#include "protocol/JsonStrings.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

std::string valueAt(const std::string& text, const std::string& path) {
    JsonPathHit hit = locateJsonPath(text, JsonPath::parse(path));
    return hit.found ? text.substr(hit.valueOffset, hit.valueLength) : "<none>";
}

std::string removed(const std::string& text, const std::string& path) {
    JsonPathHit hit = locateJsonPath(text, JsonPath::parse(path));
    if (!hit.found) {
        return "<none>";
    }
    return spliceJson(text, {{hit.removeOffset, hit.removeLength, ""}});
}

std::string added(const std::string& text, const std::string& path, const std::string& member) {
    JsonPathHit hit = locateJsonPath(text, JsonPath::parse(path));
    if (!hit.canAdd) {
        return "<cannot>";
    }
    return spliceJson(text, {{hit.addOffset, 0, (hit.addNeedsComma ? "," : "") + member}});
}

TEST(JsonPath, ParsesDottedPaths) {
    EXPECT_EQ(JsonPath::parse("payload.message.id").sqlite(), R"($."payload"."message"."id")");
    EXPECT_EQ(JsonPath::parse("$.a[0][1].b").dotted(), "a[0][1].b");
    // A first key named "$" (fuzzing: "$.$.p") prints back with the root prefix, so it parses back.
    EXPECT_EQ(JsonPath::parse("$.$.p").dotted(), "$.$.p");
    EXPECT_EQ(JsonPath::parse(JsonPath::parse("$.$.p").dotted()).steps().size(), 2u);
    for (const char* bad : {"", "a..b", "a.", "[0]", "a[x]", "a[1", "a[0]x", "a\"b", "$."}) {
        EXPECT_THROW(JsonPath::parse(bad), std::invalid_argument) << bad;
    }
}

// A rule's set adds a missing key by writing it between quotes, so a key that cannot stand there
// as it is (fuzzing: a set path whose key held 0xFF bytes, or a "\u0001" in the rules file, made
// the engine send a frame that was no longer JSON) is not a key.
TEST(JsonPath, KeysWithControlCharactersOrBytesThatAreNotUtf8AreRefused) {
    for (const char* bad : {"a.b\x01", "\n", "a\xff.b", "\xc0\xaf"}) {
        EXPECT_THROW(JsonPath::parse(bad), std::invalid_argument) << bad;
    }
    EXPECT_EQ(JsonPath::parse("caf\xc3\xa9.\x7f").dotted(), "caf\xc3\xa9.\x7f");
}

TEST(JsonPath, FindsValuesWithTheirRawBytes) {
    const std::string text = R"( {"a": {"b" : [1, "x\"y", {"c": null}], "e\u0041": true}, "d": 1.50} )";
    EXPECT_EQ(valueAt(text, "a.b"), R"([1, "x\"y", {"c": null}])");
    EXPECT_EQ(valueAt(text, "a.b[1]"), R"("x\"y")");
    EXPECT_EQ(valueAt(text, "a.b[2].c"), "null");
    EXPECT_EQ(valueAt(text, "a.eA"), "true");  // keys compare decoded
    EXPECT_EQ(valueAt(text, "d"), "1.50");
    EXPECT_EQ(valueAt(text, "a.b[3]"), "<none>");
    EXPECT_EQ(valueAt(text, "a.b.c"), "<none>");
    EXPECT_EQ(valueAt(text, "d.x"), "<none>");
    EXPECT_EQ(valueAt(R"({"a":1,"a":2})", "a"), "1");  // the first of duplicates, as SQLite
    EXPECT_FALSE(locateJsonPath("{\"a\":1", JsonPath::parse("a")).valid);
    EXPECT_FALSE(locateJsonPath("{\"a\":1", JsonPath::parse("a")).found);
}

TEST(JsonPath, RemovalLeavesValidJsonAndTheRestAsItWas) {
    EXPECT_EQ(removed(R"({"a": 1, "b": 2, "c": 3})", "a"), R"({"b": 2, "c": 3})");
    EXPECT_EQ(removed(R"({"a": 1, "b": 2, "c": 3})", "b"), R"({"a": 1, "c": 3})");
    EXPECT_EQ(removed(R"({"a": 1, "b": 2, "c": 3})", "c"), R"({"a": 1, "b": 2})");
    EXPECT_EQ(removed(R"({ "a" : {"x":[1]} })", "a"), R"({  })");
    EXPECT_EQ(removed(R"({"p":{"m":{"r":[1,2],"k":0}}})", "p.m.r"), R"({"p":{"m":{"k":0}}})");
    EXPECT_EQ(removed(R"({"a":[10, [20, 30], 40]})", "a[1]"), R"({"a":[10, 40]})");
    EXPECT_EQ(removed(R"({"a":[10, [20, 30], 40]})", "a[1][0]"), R"({"a":[10, [30], 40]})");
    EXPECT_EQ(removed(R"({"a":[10, [20, 30], 40]})", "a[2]"), R"({"a":[10, [20, 30]]})");
}

TEST(JsonPath, WhereAMissingKeyGoes) {
    EXPECT_EQ(added(R"({"a": {"b": 1} })", "a.c", R"("c":2)"), R"({"a": {"b": 1,"c":2} })");
    EXPECT_EQ(added(R"({"a": { } })", "a.c", R"("c":2)"), R"({"a": {"c":2 } })");
    EXPECT_EQ(added(R"({})", "c", R"("c":2)"), R"({"c":2})");
    EXPECT_EQ(added(R"({"a": [1]})", "a[1]", "2"), "<cannot>");  // indexes are not added
    EXPECT_EQ(added(R"({"a": [1]})", "a.c", "2"), "<cannot>");    // the parent is no object
    EXPECT_EQ(added(R"({"a": 1})", "x.c", "2"), "<cannot>");      // no parent
    EXPECT_EQ(added(R"({"a": 1})", "a", "2"), "<cannot>");        // present: not added
}

}  // namespace
}  // namespace rtmtap
