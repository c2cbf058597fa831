// pg/FrameRecheck: the candidates PostgreSQL finds are checked with SQLite's own --text and
// --where expressions, so the answers are SQLite's, edge cases included.
#include "pg/FrameRecheck.h"

#include <gtest/gtest.h>

namespace rtmtap::pg {
namespace {

constexpr int kText = 1, kBinary = 2, kPing = 9;
constexpr int kOther = 0, kEvent = 2;

bool textPasses(const std::string& word, const std::string& payload, int op = kText, int kind = kEvent,
                uint32_t flags = 0) {
    FrameRecheck check({word}, {});
    return check.passes(op, kind, flags, payload);
}

bool wherePasses(const std::string& where, const std::string& payload, int op = kText) {
    FrameRecheck check({}, {parseWhere(where)});
    return check.passes(op, kEvent, 0, payload);
}

TEST(FrameRecheckTest, NothingToCheckPassesEverything) {
    FrameRecheck check({}, {});
    EXPECT_TRUE(check.passes(kPing, kOther, 0, ""));
}

TEST(FrameRecheckTest, AWordOfSeveralTokensMatchesThemInOrderWithItsSeparators) {
    EXPECT_TRUE(textPasses("chat.postMessage", R"({"event":"chat.postmessage"})"));
    EXPECT_TRUE(textPasses("chat.postMessage", R"({"event":"CHAT.POSTMESSAGE"})"));
    EXPECT_FALSE(textPasses("chat.postMessage", R"({"event":"chat-postMessage"})"));
    EXPECT_FALSE(textPasses("chat.post", R"({"event":"chat.postMessage"})"));  // a token ends at a boundary
    EXPECT_FALSE(textPasses("chat.postMessage", R"({"event":"xchat.postMessage"})"));
    EXPECT_TRUE(textPasses("a*b", R"("a*b")"));  // GLOB's specials are literal
    EXPECT_FALSE(textPasses("a*b", R"("axxb")"));
}

TEST(FrameRecheckTest, OnlyTheFramesTheTextIndexCoversCanMatch) {
    const std::string payload = R"({"event":"chat.postMessage"})";
    EXPECT_TRUE(textPasses("chat.postMessage", payload, kBinary, kEvent));
    EXPECT_FALSE(textPasses("chat.postMessage", payload, kBinary, kOther));  // binary that is not JSON
    EXPECT_FALSE(textPasses("chat.postMessage", payload, kPing, kOther));
    EXPECT_FALSE(textPasses("chat.postMessage", payload, kText, kEvent, 128));  // not UTF-8
}

TEST(FrameRecheckTest, WhereComparesAsSqliteJsonExtractDoes) {
    EXPECT_TRUE(wherePasses("a=5", R"({"a":5})"));
    EXPECT_TRUE(wherePasses("a=5", R"({"a":5.0})"));  // a number compares as a number
    EXPECT_FALSE(wherePasses("a=5", R"({"a":"5"})"));
    EXPECT_TRUE(wherePasses(R"(a="5")", R"({"a":"5"})"));
    EXPECT_TRUE(wherePasses("a=null", R"({"a":null})"));
    EXPECT_FALSE(wherePasses("a=null", R"({"b":null})"));
    EXPECT_TRUE(wherePasses("a[1]=true", R"({"a":[false,true]})"));
    EXPECT_FALSE(wherePasses("a[0]=true", R"({"a":[false,true]})"));  // where PostgreSQL's containment passes
    EXPECT_TRUE(wherePasses("a=5", R"({"a":5,"a":6})"));  // the first of duplicate keys, not jsonb's last
    EXPECT_TRUE(wherePasses("a=0.1", R"({"a":0.10000000000000001})"));  // the same double
    EXPECT_TRUE(wherePasses("a=5", std::string("{\"a\":5}\0tail", 10)));  // SQLite reads up to a NUL
    EXPECT_FALSE(wherePasses("a=5", R"({"a":5)"));  // not JSON
    EXPECT_FALSE(wherePasses("a=5", R"({"a":5})", kPing));
    EXPECT_FALSE(wherePasses("a=5", ""));
}

TEST(FrameRecheckTest, WordsAndConditionsMustAllHold) {
    FrameRecheck check({"x.y"}, {parseWhere("a=1")});
    EXPECT_TRUE(check.passes(kText, kEvent, 0, R"({"a":1,"b":"x.y"})"));
    EXPECT_FALSE(check.passes(kText, kEvent, 0, R"({"a":2,"b":"x.y"})"));
    EXPECT_FALSE(check.passes(kText, kEvent, 0, R"({"a":1,"b":"x-y"})"));
}

}  // namespace
}  // namespace rtmtap::pg
