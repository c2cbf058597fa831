// FrameMatcher: each query filter key on hand-made messages, and the globs and --where
// comparisons checked against SQLite itself (the SQL that `rtmtap query` runs).
#include "rules/FrameMatcher.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <memory>
#include <string>
#include <vector>

namespace rtmtap {
namespace {

Message text(const std::string& payload, Direction dir = Direction::ServerToClient, int64_t session = 1) {
    Message m;
    m.session = session;
    m.dir = dir;
    m.op = Opcode::Text;
    m.payload = payload;
    m.size = payload.size();
    return m;
}

const std::string kPost =
    R"({"event":"chat.postMessage","payload":{"message":{"id":7,"channel_id":42,"user_id":91010003,)"
    R"("message_type":5,"content":"meeting tomorrow","flags":[1,2.5,null,true,false,"x"]}}})";
const std::string kCommand = R"({"command":"ws_add_reaction","channel_id":"11010000","message_id":8})";

bool matches(const FrameFilter& filter, const Message& m) {
    return FrameMatcher(filter).matches(m);
}

TEST(FrameMatcher, AnEmptyFilterMatchesEverything) {
    Message ping;
    ping.op = Opcode::Ping;
    EXPECT_TRUE(matches({}, ping));
    EXPECT_TRUE(matches({}, text("not json")));
}

TEST(FrameMatcher, SessionDirOp) {
    FrameFilter f;
    f.sessions = {2, 3};
    EXPECT_FALSE(matches(f, text(kPost, Direction::ServerToClient, 1)));
    EXPECT_TRUE(matches(f, text(kPost, Direction::ServerToClient, 3)));
    // The subject's session wins over the message's (a filter's messages carry none yet).
    EXPECT_TRUE(FrameMatcher(f).matches(MatchSubject(text(kPost), 2)));
    FrameFilter dir;
    dir.dirs = {Direction::ClientToServer};
    EXPECT_FALSE(matches(dir, text(kPost)));
    EXPECT_TRUE(matches(dir, text(kPost, Direction::ClientToServer)));
    FrameFilter op;
    op.ops = {Opcode::Ping, Opcode::Pong};
    Message pong;
    pong.op = Opcode::Pong;
    EXPECT_TRUE(matches(op, pong));
    EXPECT_FALSE(matches(op, text(kPost)));
}

TEST(FrameMatcher, Kind) {
    FrameFilter f;
    f.kinds = {Kind::Command};
    EXPECT_TRUE(matches(f, text(kCommand)));
    EXPECT_FALSE(matches(f, text(kPost)));
    f.kinds = {Kind::Control};
    Message close;
    close.op = Opcode::Close;
    EXPECT_TRUE(matches(f, close));
    f.kinds = {Kind::Other};
    EXPECT_TRUE(matches(f, text("[1,2]")));
    EXPECT_TRUE(matches(f, text("not json")));
    Message binary = text(kPost);
    binary.op = Opcode::Binary;
    f.kinds = {Kind::Event};
    EXPECT_TRUE(matches(f, binary));  // JSON in a binary frame is classified, as the store does
    binary.payload = "\x01\x02";
    EXPECT_FALSE(matches(f, binary));
}

TEST(FrameMatcher, EventAndCommandGlobs) {
    FrameFilter f;
    f.events = {"chat.*"};
    EXPECT_TRUE(matches(f, text(kPost)));
    EXPECT_FALSE(matches(f, text(kCommand)));
    f.events = {"Chat.*"};
    EXPECT_FALSE(matches(f, text(kPost)));  // case-sensitive
    f.events = {"user.*"};
    f.commands = {"ws_*"};
    EXPECT_TRUE(matches(f, text(kCommand)));  // event or command: one name filter
    EXPECT_FALSE(matches(f, text(kPost)));
    FrameFilter command;
    command.commands = {"chat.postMessage"};
    EXPECT_FALSE(matches(command, text(kPost)));  // an event, not a command
    FrameFilter bad;
    bad.events = {"chat.[post"};
    EXPECT_THROW(FrameMatcher{bad}, std::invalid_argument);
}

TEST(FrameMatcher, ChannelMessageUser) {
    FrameFilter f;
    f.channels = {42};
    EXPECT_TRUE(matches(f, text(kPost)));
    f.channels = {11010000};
    EXPECT_TRUE(matches(f, text(kCommand)));  // a digit string, as commands send ids
    EXPECT_FALSE(matches(f, text(kPost)));
    FrameFilter message;
    message.messages = {7};
    EXPECT_TRUE(matches(message, text(kPost)));
    EXPECT_FALSE(matches(message, text(kCommand)));
    FrameFilter user;
    user.users = {91010003};
    EXPECT_TRUE(matches(user, text(kPost)));
    EXPECT_FALSE(matches(user, text(kCommand)));  // no user id at all
}

TEST(FrameMatcher, Flags) {
    FrameFilter malformed;
    malformed.malformed = true;
    EXPECT_TRUE(matches(malformed, text("{oops")));
    EXPECT_FALSE(matches(malformed, text(kPost)));
    FrameFilter edited;
    edited.edited = true;
    Message m = text(kPost);
    EXPECT_FALSE(matches(edited, m));
    m.flags = MessageFlag::Edited;
    EXPECT_TRUE(matches(edited, m));
    FrameFilter injected;
    injected.injected = true;
    EXPECT_FALSE(matches(injected, m));
    m.flags |= MessageFlag::Injected;
    EXPECT_TRUE(matches(injected, m));
}

TEST(FrameMatcher, SinceUntilOnWallClock) {
    FrameFilter f;
    f.sinceUs = 100;
    f.untilUs = 200;
    Message m = text(kPost);
    for (auto [wall, in] : {std::pair{99, false}, {100, true}, {200, true}, {201, false}}) {
        m.wall_us = wall;
        EXPECT_EQ(matches(f, m), in) << wall;
    }
}

TEST(FrameMatcher, WordsAsTheTextIndexSeesThem) {
    FrameFilter f;
    f.words = {"MEETING", "tomorrow"};
    EXPECT_TRUE(matches(f, text(kPost)));
    f.words = {"meet"};
    EXPECT_FALSE(matches(f, text(kPost)));  // whole words only
    f.words = {"chat.postMessage"};
    EXPECT_TRUE(matches(f, text(kPost)));
    f.words = {"post"};
    EXPECT_FALSE(matches(f, text(kPost)));
    f.words = {"plain"};
    EXPECT_TRUE(matches(f, text("plain")));  // the payload's ends bound a word
    Message binary = text("plain");
    binary.op = Opcode::Binary;
    EXPECT_FALSE(matches(f, binary));  // binary that is not JSON is not indexed
}

TEST(FrameMatcher, WhereByType) {
    auto where = [](const std::string& condition) {
        FrameFilter f;
        f.wheres = {parseWhere(condition)};
        return f;
    };
    const Message post = text(kPost);
    EXPECT_TRUE(matches(where("payload.message.message_type=5"), post));
    EXPECT_TRUE(matches(where("payload.message.message_type=5.0"), post));
    EXPECT_FALSE(matches(where("payload.message.message_type=\"5\""), post));
    EXPECT_TRUE(matches(where("payload.message.content=meeting tomorrow"), post));
    EXPECT_TRUE(matches(where("payload.message.flags[1]=2.5"), post));
    EXPECT_TRUE(matches(where("payload.message.flags[2]=null"), post));
    EXPECT_TRUE(matches(where("payload.message.flags[3]=true"), post));
    EXPECT_TRUE(matches(where("payload.message.flags[4]=false"), post));
    EXPECT_TRUE(matches(where("payload.message.flags[5]=x"), post));
    EXPECT_FALSE(matches(where("payload.message.flags[6]=null"), post));
    EXPECT_FALSE(matches(where("payload.nope=null"), post));  // missing is not null
    EXPECT_FALSE(matches(where("a=1"), text("{oops")));
    FrameFilter both = where("payload.message.id=7");
    both.wheres.push_back(parseWhere("event=chat.postMessage"));
    EXPECT_TRUE(matches(both, post));
    both.wheres.push_back(parseWhere("event=other"));
    EXPECT_FALSE(matches(both, post));
}

// SQLite's own answer for one expression with two text parameters.
class Sqlite {
public:
    Sqlite() { sqlite3_open(":memory:", &db_); }
    ~Sqlite() { sqlite3_close(db_); }
    bool truth(const std::string& sql, const std::string& a, const std::string& b) {
        sqlite3_stmt* s = nullptr;
        EXPECT_EQ(sqlite3_prepare_v2(db_, ("SELECT coalesce(" + sql + ", 0)").c_str(), -1, &s, nullptr), SQLITE_OK);
        sqlite3_bind_text(s, 1, a.c_str(), -1, SQLITE_TRANSIENT);
        sqlite3_bind_text(s, 2, b.c_str(), -1, SQLITE_TRANSIENT);
        EXPECT_EQ(sqlite3_step(s), SQLITE_ROW);
        const bool result = sqlite3_column_int(s, 0) != 0;
        sqlite3_finalize(s);
        return result;
    }

private:
    sqlite3* db_ = nullptr;
};

TEST(FrameMatcher, GlobsAnswerAsSqliteGlob) {
    Sqlite sql;
    const std::vector<std::string> patterns = {"chat.*", "*", "?", "chat.?ostMessage", "[a-c]hat.*", "[^c]*",
                                               "[]x]*", "*Message", "*.*.*", "chat.post[M]essage", "[!c]*",
                                               "\\*", "*[-]*", "c*t*e", "é?"};
    const std::vector<std::string> names = {"chat.postMessage", "chat.", "x", "", "bhat.x", "]x", "!c", "\\x",
                                            "a-b", "user.online", "éa", "éé", "Chat.postMessage"};
    for (const std::string& p : patterns) {
        const Glob glob(p);
        for (const std::string& n : names) {
            EXPECT_EQ(glob.matches(n), sql.truth("?2 GLOB ?1", p, n)) << p << " on " << n;
        }
    }
}

TEST(FrameMatcher, WhereAnswersAsSqliteJsonExtract) {
    Sqlite sql;
    const std::vector<std::string> payloads = {kPost, kCommand, R"({"a":[{"b":1},{"b":"1"}],"a":2})",
                                               R"({"n":1e2,"m":-0,"big":12345678901234567890})", R"([1,{"a":null}])"};
    const std::vector<std::string> conditions = {"payload.message.id=7", "payload.message.flags[0]=1.0",
                                                 "channel_id=11010000", "channel_id=\"11010000\"", "a[0].b=1",
                                                 "a[1].b=1", "a[1].b=\"1\"", "a=2", "n=100", "m=0",
                                                 "big=12345678901234567890", "a=null", "message_id=8"};
    for (const std::string& payload : payloads) {
        for (const std::string& text : conditions) {
            const JsonCondition c = parseWhere(text);
            FrameFilter f;
            f.wheres = {c};
            std::string expr;
            std::string value = std::holds_alternative<std::string>(c.value) ? std::get<std::string>(c.value) : "";
            switch (c.type) {
            case JsonCondition::Type::Null: expr = "json_type(?1, ?2) = 'null'"; break;
            case JsonCondition::Type::Text:
                expr = "json_type(?1, ?2) = 'text' AND json_extract(?1, ?2) = '" + value + "'";
                break;
            case JsonCondition::Type::Integer:
                expr = "json_type(?1, ?2) IN ('integer','real') AND json_extract(?1, ?2) = " +
                       std::to_string(std::get<int64_t>(c.value));
                break;
            case JsonCondition::Type::Real:
                expr = "json_type(?1, ?2) IN ('integer','real') AND json_extract(?1, ?2) = " +
                       std::to_string(std::get<double>(c.value));
                break;
            default: FAIL() << text;
            }
            EXPECT_EQ(matches(f, rtmtap::text(payload)), sql.truth(expr, payload, c.path.sqlite()))
                << text << " on " << payload;
        }
    }
}

}  // namespace
}  // namespace rtmtap
