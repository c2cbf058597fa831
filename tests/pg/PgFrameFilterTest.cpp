// pg/PgFrameFilter: a FrameFilter as SQL over rtmtap.frames. The globs are matched as SQLite's
// GLOB matches them, the words become one tsquery with the words it cannot decide left for the
// recheck, and every --where condition becomes a containment the GIN index serves where jsonb
// and SQLite agree on the value, else the frames with something at its path (the exact answer
// comes from pg/FrameRecheck, tested in FrameRecheckTest).
#include "pg/PgConnection.h"
#include "pg/PgFrameFilter.h"

#include <gtest/gtest.h>

namespace rtmtap::pg {
namespace {

using Names = std::vector<std::pair<int64_t, std::string>>;
using Strings = std::vector<std::string>;

TEST(PgFrameFilterTest, NamesAreMatchedAsSqliteGlobMatchesThem) {
    Names names{{1, "chat.postMessage"}, {2, "chat.userTyping"}, {3, "Chat.x"}, {4, "user.online"}, {5, "a[b]"}};
    EXPECT_EQ(PgFrameFilter::matchingNames({"chat.*"}, names), (std::vector<int64_t>{1, 2}));  // case-sensitive
    EXPECT_EQ(PgFrameFilter::matchingNames({"[Cc]hat.?"}, names), (std::vector<int64_t>{3}));
    EXPECT_EQ(PgFrameFilter::matchingNames({"*.online", "chat.user*"}, names), (std::vector<int64_t>{2, 4}));
    EXPECT_EQ(PgFrameFilter::matchingNames({"[^c]*"}, names), (std::vector<int64_t>{3, 4, 5}));
    EXPECT_EQ(PgFrameFilter::matchingNames({"a[[]b]"}, names), (std::vector<int64_t>{5}));  // '[' literal in a set
    EXPECT_TRUE(PgFrameFilter::matchingNames({"chat.[x"}, names).empty());  // an unclosed set matches nothing
    EXPECT_TRUE(PgFrameFilter::matchingNames({"nothing"}, names).empty());
}

TEST(PgFrameFilterTest, RulesAreMatchedByGlobAndSentAsAnEscapedTextArray) {
    Strings rules{"order.seq", "auth.first", "we\"ird\\rule"};
    EXPECT_EQ(PgFrameFilter::matchingRules({"*"}, rules), rules);
    EXPECT_EQ(PgFrameFilter::matchingRules({"auth.*"}, rules), Strings{"auth.first"});
    EXPECT_EQ(PgConnection::textArray(rules), R"({"order.seq","auth.first","we\"ird\\rule"})");
    EXPECT_EQ(PgConnection::textArray({}), "{}");

    FrameFilter filter;
    filter.findings = {"auth.*"};
    PgFilterLookups lookups;
    lookups.rules = rules;
    PgFrameFilterSql sql = PgFrameFilter::toSql(filter, lookups, 3);
    EXPECT_NE(sql.condition.find("g.rule = ANY($3::text[])"), std::string::npos) << sql.condition;
    EXPECT_EQ(sql.params, Strings{R"({"auth.first"})"});
    EXPECT_FALSE(sql.needsRecheck());
}

TEST(PgFrameFilterTest, EventAndCommandPatternsBecomeIdArraysOfTheirKind) {
    FrameFilter filter;
    filter.events = {"chat.*"};
    filter.commands = {"ws_*"};
    PgFilterLookups lookups;
    lookups.names = {{1, "chat.postMessage"}, {7, "ws_auth"}, {9, "chat.userTyping"}};
    PgFrameFilterSql sql = PgFrameFilter::toSql(filter, lookups, 1);
    EXPECT_EQ(sql.condition,
              "((f.kind = 2 AND f.name_id = ANY($1::integer[])) OR (f.kind = 1 AND f.name_id = ANY($2::integer[])))");
    EXPECT_EQ(sql.params, (Strings{"{1,9}", "{7}"}));

    filter.commands.clear();
    filter.events = {"none.*"};
    sql = PgFrameFilter::toSql(filter, lookups, 1);
    EXPECT_EQ(sql.params, Strings{"{}"});  // = ANY('{}'): nothing passes
}

TEST(PgFrameFilterTest, TypedFieldsAreWrittenIntoTheSql) {
    FrameFilter filter;
    EXPECT_EQ(PgFrameFilter::toSql(filter, {}, 1).condition, "true");
    filter.sessions = {4, 5};
    filter.dirs = {Direction::ServerToClient};
    filter.ops = {Opcode::Ping, Opcode::Pong};
    filter.channels = {77};
    filter.sinceUs = 10;
    filter.untilUs = 20;
    filter.malformed = true;
    PgFrameFilterSql sql = PgFrameFilter::toSql(filter, {}, 1);
    EXPECT_EQ(sql.condition,
              "f.session IN (4,5) AND f.dir IN (1) AND f.op IN (9,10) AND f.channel_id IN (77) AND f.wall_us >= 10 AND "
              "f.wall_us <= 20 AND (f.flags & 4) <> 0");
    EXPECT_TRUE(sql.params.empty());
}

TEST(PgFrameFilterTest, WordsBecomeOneTsqueryAndThoseOfSeveralTokensAreRechecked) {
    Strings recheck;
    EXPECT_EQ(PgFrameFilter::tsQuery({"Post", "chat.postMessage"}, recheck), "'post' & 'chat' & 'postmessage'");
    EXPECT_EQ(recheck, Strings{"chat.postMessage"});  // its tokens in that order, with that separator

    recheck.clear();
    EXPECT_EQ(PgFrameFilter::tsQuery({"...", ""}, recheck), "");  // no token: only a scan can tell
    EXPECT_EQ(recheck, Strings{"..."});

    recheck.clear();
    std::string longToken(3000, 'a');
    std::string invalid = "caf\xc3";  // not UTF-8: PostgreSQL takes no such lexeme
    EXPECT_EQ(PgFrameFilter::tsQuery({longToken, invalid, "ok"}, recheck), "'ok'");
    EXPECT_EQ(recheck, (Strings{longToken, invalid}));

    FrameFilter filter;
    filter.words = {"..."};
    PgFrameFilterSql sql = PgFrameFilter::toSql(filter, {}, 1);
    // The frames the text index covers, each checked again.
    EXPECT_NE(sql.condition.find("(f.flags & 128) = 0"), std::string::npos) << sql.condition;
    EXPECT_EQ(sql.recheckWords, Strings{"..."});

    filter.words = {"hello"};
    sql = PgFrameFilter::toSql(filter, {}, 2);
    EXPECT_EQ(sql.condition, "f.words @@ $2::tsquery");
    EXPECT_EQ(sql.params, Strings{"'hello'"});
    EXPECT_FALSE(sql.needsRecheck());
}

TEST(PgFrameFilterTest, WhereTakesTheFramesWithSomethingAtThePathForTheRecheck) {
    EXPECT_EQ(PgFrameFilter::pathArray(parseWhere("payload.message.message_type=5").path),
              R"({"payload","message","message_type"})");
    EXPECT_EQ(PgFrameFilter::pathArray(parseWhere("a[0].b=null").path), R"({"a","0","b"})");
    EXPECT_EQ(PgFrameFilter::pathArray(parseWhere("$.a=true").path), R"({"a"})");
    EXPECT_EQ(PgFrameFilter::pathArray(parseWhere("k\xc3\xa9y.x y=1").path), "{\"k\xc3\xa9y\",\"x y\"}");

    FrameFilter filter;
    filter.wheres = {parseWhere("a=0.5"), parseWhere("b.c=99999999999999999")};
    PgFrameFilterSql sql = PgFrameFilter::toSql(filter, {}, 1);
    // Payloads without doc stay candidates: SQLite may read them.
    EXPECT_EQ(sql.condition,
              "(f.doc #> $1::text[] IS NOT NULL OR (f.doc IS NULL AND f.op IN (1, 2))) AND "
              "(f.doc #> $2::text[] IS NOT NULL OR (f.doc IS NULL AND f.op IN (1, 2)))");
    EXPECT_EQ(sql.params, (Strings{R"({"a"})", R"({"b","c"})"}));
    ASSERT_EQ(sql.recheckWheres.size(), 2u);
    EXPECT_TRUE(sql.needsRecheck());
}

TEST(PgFrameFilterTest, WhereValuesJsonbHoldsAsSqliteDoesBecomeAContainment) {
    auto containment = [](const std::string& where) {
        return PgFrameFilter::containment(parseWhere(where)).value_or("(none)");
    };
    EXPECT_EQ(containment("payload.message.message_type=5"), R"({"payload":{"message":{"message_type":5}}})");
    EXPECT_EQ(containment("a[0].b=null"), R"({"a":[{"b":null}]})");
    EXPECT_EQ(containment("$.a=true"), R"({"a":true})");
    EXPECT_EQ(containment("a=false"), R"({"a":false})");
    EXPECT_EQ(containment("a=5.0"), R"({"a":5})");
    EXPECT_EQ(containment("a=-9007199254740992"), R"({"a":-9007199254740992})");
    EXPECT_EQ(containment("a=\"5\""), R"({"a":"5"})");
    EXPECT_EQ(containment("k\xc3\xa9y.x y=say \"hi\""), "{\"k\xc3\xa9y\":{\"x y\":\"say \\\"hi\\\"\"}}");
    // Values and keys containment cannot be trusted with: the path test and the recheck.
    for (const char* where : {"a=0.1", "a=9007199254740993", "a=1e300", "a=-9007199254740993.0", "a=\xff",
                              "a=line\nbreak"}) {
        EXPECT_EQ(containment(where), "(none)") << where;
    }

    FrameFilter filter;
    filter.wheres = {parseWhere("a=1"), parseWhere("b.c=\"x\"")};
    PgFrameFilterSql sql = PgFrameFilter::toSql(filter, {}, 1);
    EXPECT_EQ(sql.condition,
              "(f.doc @> $1::jsonb OR (f.doc IS NULL AND f.op IN (1, 2))) AND "
              "(f.doc @> $2::jsonb OR (f.doc IS NULL AND f.op IN (1, 2)))");
    EXPECT_EQ(sql.params, (Strings{R"({"a":1})", R"({"b":{"c":"x"}})"}));
    EXPECT_EQ(sql.recheckWheres.size(), 2u);
}

}  // namespace
}  // namespace rtmtap::pg
