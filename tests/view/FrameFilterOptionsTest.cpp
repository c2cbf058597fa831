// The filter flags of query, show and tail (view/FrameFilterOptions): command lines parsed through
// a CLI::App, checked field by field in the FrameFilter they fill; and parseWhere's paths and
// values, the SQLite JSON paths and typed values they become.
#include "view/FrameFilterOptions.h"
#include "view/TimeArg.h"

#include <gtest/gtest.h>

#include <chrono>
#include <cstdint>
#include <initializer_list>
#include <string>
#include <vector>

namespace rtmtap {
namespace {

using Type = JsonCondition::Type;

// Parses args as the options of a fresh app that has the filter flags; throws CLI::ParseError.
FrameFilter parse(std::initializer_list<const char*> args, bool withSession = true) {
    FrameFilter filter;
    CLI::App app("test");
    view::addFrameFilterOptions(app, filter, withSession);
    std::vector<const char*> argv = {"rtmtap"};
    argv.insert(argv.end(), args.begin(), args.end());
    app.parse(static_cast<int>(argv.size()), argv.data());
    return filter;
}

int64_t nowUs() {
    using namespace std::chrono;
    return duration_cast<microseconds>(system_clock::now().time_since_epoch()).count();
}

TEST(FrameFilterOptionsTest, NoFlagsIsAnEmptyFilter) {
    EXPECT_TRUE(parse({}).empty());
}

TEST(FrameFilterOptionsTest, IdFlagsTakeRepeatsAndCommaLists) {
    FrameFilter f = parse({"--session", "1,3", "--session", "7", "--channel", "10", "--channel", "20,30",
                           "--message", "501,502", "--user", "100", "--user", "200"});
    EXPECT_EQ(f.sessions, (std::vector<int64_t>{1, 3, 7}));
    EXPECT_EQ(f.channels, (std::vector<int64_t>{10, 20, 30}));
    EXPECT_EQ(f.messages, (std::vector<int64_t>{501, 502}));
    EXPECT_EQ(f.users, (std::vector<int64_t>{100, 200}));
    EXPECT_FALSE(f.empty());
}

TEST(FrameFilterOptionsTest, EnumFlagsTakeRepeatsAndCommaLists) {
    FrameFilter f = parse({"--dir", "s2c", "--dir", "c2s", "--op", "ping,pong", "--op", "close", "--op", "binary",
                           "--op", "text", "--kind", "command,event", "--kind", "control", "--kind", "other"});
    EXPECT_EQ(f.dirs, (std::vector<Direction>{Direction::ServerToClient, Direction::ClientToServer}));
    EXPECT_EQ(f.ops, (std::vector<Opcode>{Opcode::Ping, Opcode::Pong, Opcode::Close, Opcode::Binary, Opcode::Text}));
    EXPECT_EQ(f.kinds, (std::vector<Kind>{Kind::Command, Kind::Event, Kind::Control, Kind::Other}));
}

TEST(FrameFilterOptionsTest, EventAndCommandAreRepeatableGlobs) {
    FrameFilter f = parse({"--event", "chat.*", "--event", "user.online", "--command", "ws_*"});
    EXPECT_EQ(f.events, (std::vector<std::string>{"chat.*", "user.online"}));
    EXPECT_EQ(f.commands, (std::vector<std::string>{"ws_*"}));
}

TEST(FrameFilterOptionsTest, MalformedIsAFlag) {
    EXPECT_FALSE(parse({"--user", "1"}).malformed);
    FrameFilter f = parse({"--malformed"});
    EXPECT_TRUE(f.malformed);
    EXPECT_FALSE(f.empty());
}

TEST(FrameFilterOptionsTest, TextSplitsIntoWordsAcrossRepeats) {
    FrameFilter f = parse({"--text", "meeting  tomorrow", "--text", "chat.postMessage", "--text", " Hello\tworld "});
    EXPECT_EQ(f.words, (std::vector<std::string>{"meeting", "tomorrow", "chat.postMessage", "Hello", "world"}));
}

TEST(FrameFilterOptionsTest, IsoTimesAreParsedLikeParseTimeArg) {
    FrameFilter f = parse({"--since", "2026-01-01T00:01:00Z", "--until", "2026-01-01T02:01:00+02:00"});
    ASSERT_TRUE(f.sinceUs && f.untilUs);
    EXPECT_EQ(*f.sinceUs, view::parseTimeArg("2026-01-01T00:01:00Z", 0));
    EXPECT_EQ(*f.sinceUs, 1'767'225'660'000'000);
    EXPECT_EQ(*f.untilUs, 1'767'225'660'000'000);
    EXPECT_EQ(*parse({"--since", "@1767225600.5"}).sinceUs, 1'767'225'600'500'000);
}

TEST(FrameFilterOptionsTest, RelativeTimesCountBackFromWhenTheFlagIsParsed) {
    int64_t before = nowUs();
    FrameFilter f = parse({"--since", "10m", "--until", "1h30m"});
    int64_t after = nowUs();
    ASSERT_TRUE(f.sinceUs && f.untilUs);
    EXPECT_GE(*f.sinceUs, view::parseTimeArg("10m", before));
    EXPECT_LE(*f.sinceUs, view::parseTimeArg("10m", after));
    EXPECT_GE(*f.untilUs, before - 5'400'000'000);
    EXPECT_LE(*f.untilUs, after - 5'400'000'000);
}

TEST(FrameFilterOptionsTest, WhereFlagsAreParsedAndRepeatable) {
    FrameFilter f = parse({"--where", "payload.message.message_type=5", "--where", "$.event=chat.postMessage"});
    ASSERT_EQ(f.wheres.size(), 2u);
    EXPECT_EQ(f.wheres[0].path.sqlite(), R"($."payload"."message"."message_type")");
    EXPECT_EQ(f.wheres[0].type, Type::Integer);
    EXPECT_EQ(f.wheres[1].path.sqlite(), R"($."event")");
    EXPECT_EQ(f.wheres[1].value, SqlValue(std::string("chat.postMessage")));
}

TEST(FrameFilterOptionsTest, BadValuesAreParseErrors) {
    const std::vector<std::vector<const char*>> bad = {
        {"--dir", "up"},         {"--dir", "c2s,up"},     {"--op", "foo"},         {"--kind", "frame"},
        {"--since", "10x"},      {"--until", "2026-13-01"}, {"--since", ""},       {"--channel", "ten"},
        {"--session", "1,x"},    {"--where", "novalue"},  {"--where", "=5"},       {"--where", "a..b=1"},
        {"--where", "a[x]=1"},   {"--where", "a.=1"},     {"--where", "$.=1"},     {"--where", "a[0]x=1"},
        {"--where", "a[1=1"},    {"--where", "[0]=1"},    {"--where", "a\"b=1"},   {"--user"},
    };
    for (const auto& args : bad) {
        FrameFilter filter;
        CLI::App app("test");
        view::addFrameFilterOptions(app, filter);
        std::vector<const char*> argv = {"rtmtap"};
        argv.insert(argv.end(), args.begin(), args.end());
        std::string shown = args[0] + std::string(" ") + (args.size() > 1 ? args[1] : "");
        EXPECT_THROW(app.parse(static_cast<int>(argv.size()), argv.data()), CLI::ParseError) << shown;
    }
}

TEST(FrameFilterOptionsTest, BadWhereNamesTheFlagInItsError) {
    try {
        parse({"--where", "a..b=1"});
        FAIL() << "no error";
    } catch (const CLI::ParseError& e) {
        EXPECT_NE(std::string(e.what()).find("--where"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("a..b=1"), std::string::npos) << e.what();
    }
}

TEST(FrameFilterOptionsTest, WithoutSessionThereIsNoSessionFlag) {
    EXPECT_THROW(parse({"--session", "1"}, false), CLI::ParseError);
    EXPECT_EQ(parse({"--channel", "1"}, false).channels, (std::vector<int64_t>{1}));
}

TEST(FrameFilterOptionsTest, WherePathFormsBecomeSqlitePaths) {
    EXPECT_EQ(parseWhere("payload.message.message_type=5").path.sqlite(), R"($."payload"."message"."message_type")");
    EXPECT_EQ(parseWhere("$.a.b=1").path.sqlite(), R"($."a"."b")");
    EXPECT_EQ(parseWhere("a[0].b=1").path.sqlite(), R"($."a"[0]."b")");
    EXPECT_EQ(parseWhere("a.b[2][3]=1").path.sqlite(), R"($."a"."b"[2][3])");
    EXPECT_EQ(parseWhere("event=x").path.sqlite(), R"($."event")");
    EXPECT_EQ(parseWhere("some key.x-y=1").path.sqlite(), R"($."some key"."x-y")");
}

TEST(FrameFilterOptionsTest, WhereRejectsBadPathsWithOneLine) {
    for (const char* text : {"novalue", "=1", "a..b=1", "a[x]=1", "a.=1", "$.=1", "a[]=1", "a[1=1", "a[0]x=1",
                             "[0]=1", ".a=1", "a\\b=1", "a]=1"}) {
        try {
            parseWhere(text);
            ADD_FAILURE() << text << " was accepted";
        } catch (const std::invalid_argument& e) {
            EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << text;
            EXPECT_NE(std::string(e.what()).find(text), std::string::npos) << e.what();
        }
    }
}

TEST(FrameFilterOptionsTest, WhereLiteralValues) {
    EXPECT_EQ(parseWhere("a=null").type, Type::Null);
    EXPECT_EQ(parseWhere("a=true").type, Type::True);
    EXPECT_EQ(parseWhere("a=false").type, Type::False);
    // Only the exact lower-case words are literals; anything else is text.
    JsonCondition upper = parseWhere("a=NULL");
    EXPECT_EQ(upper.type, Type::Text);
    EXPECT_EQ(upper.value, SqlValue(std::string("NULL")));
}

TEST(FrameFilterOptionsTest, WhereNumbers) {
    JsonCondition five = parseWhere("a=5");
    EXPECT_EQ(five.type, Type::Integer);
    EXPECT_EQ(five.value, SqlValue(int64_t{5}));
    JsonCondition negative = parseWhere("a=-3");
    EXPECT_EQ(negative.type, Type::Integer);
    EXPECT_EQ(negative.value, SqlValue(int64_t{-3}));
    JsonCondition real = parseWhere("a=2.5");
    EXPECT_EQ(real.type, Type::Real);
    EXPECT_EQ(real.value, SqlValue(2.5));
    JsonCondition exponent = parseWhere("a=1e3");
    EXPECT_EQ(exponent.type, Type::Real);
    EXPECT_EQ(exponent.value, SqlValue(1000.0));
    JsonCondition min = parseWhere("a=-9223372036854775808");
    EXPECT_EQ(min.type, Type::Integer);
    EXPECT_EQ(min.value, SqlValue(int64_t{INT64_MIN}));
}

// Beyond int64_t: a Real, as SQLite's own JSON functions read such a number (json_extract of
// 99999999999999999999 is the real 1e20), so the comparison can still match.
TEST(FrameFilterOptionsTest, WhereHugeIntegerBecomesReal) {
    JsonCondition huge = parseWhere("a=99999999999999999999");
    EXPECT_EQ(huge.type, Type::Real);
    EXPECT_EQ(huge.value, SqlValue(1e20));
    // Out of a double's range too: compared as text, never as inf.
    JsonCondition overflow = parseWhere("a=1e999");
    EXPECT_EQ(overflow.type, Type::Text);
    EXPECT_EQ(overflow.value, SqlValue(std::string("1e999")));
}

TEST(FrameFilterOptionsTest, WhereTextValues) {
    JsonCondition quoted = parseWhere("a=\"5\"");
    EXPECT_EQ(quoted.type, Type::Text);
    EXPECT_EQ(quoted.value, SqlValue(std::string("5")));
    JsonCondition spaced = parseWhere("payload.message.content=\"a b\"");
    EXPECT_EQ(spaced.value, SqlValue(std::string("a b")));
    JsonCondition plain = parseWhere("a=hello world");
    EXPECT_EQ(plain.type, Type::Text);
    EXPECT_EQ(plain.value, SqlValue(std::string("hello world")));
    JsonCondition equals = parseWhere("a=b=c");
    EXPECT_EQ(equals.path.sqlite(), R"($."a")");
    EXPECT_EQ(equals.value, SqlValue(std::string("b=c")));
    for (const char* notNumber : {"0x10", "-", ".", "e5", "5e", "1.2.3", "+-1", "nan", "inf"}) {
        JsonCondition c = parseWhere(std::string("a=") + notNumber);
        EXPECT_EQ(c.type, Type::Text) << notNumber;
        EXPECT_EQ(c.value, SqlValue(std::string(notNumber))) << notNumber;
    }
    JsonCondition empty = parseWhere("a=");
    EXPECT_EQ(empty.type, Type::Text);
    EXPECT_EQ(empty.value, SqlValue(std::string()));
}

}  // namespace
}  // namespace rtmtap
