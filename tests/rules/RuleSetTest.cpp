// Rule files: every key and action read into a Rule, and each kind of error as one line that
// names the file, the line and the field.
#include "rules/RuleSet.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rtmtap {
namespace {

RuleSet parse(const std::string& text) {
    std::istringstream in(text);
    return RuleSet::parse(in, "r.jsonl");
}

Rule one(const std::string& line) {
    RuleSet set = parse(line);
    EXPECT_EQ(set.rules.size(), 1u);
    return set.rules.empty() ? Rule{} : set.rules[0];
}

std::string error(const std::string& text) {
    try {
        parse(text);
    } catch (const RuleError& e) {
        EXPECT_EQ(std::string(e.what()).find('\n'), std::string::npos) << e.what();
        return e.what();
    }
    return "<accepted>";
}

TEST(RuleSet, SkipsBlankAndCommentLinesAndCountsThem) {
    RuleSet set = parse("# rules\n\n  \n{\"match\":{},\"drop\":true}\r\n# x\n{\"match\":{\"dir\":\"c2s\"},\"drop\":true}\n");
    ASSERT_EQ(set.rules.size(), 2u);
    EXPECT_EQ(set.rules[0].line, 4u);
    EXPECT_EQ(set.rules[0].text, "{\"match\":{},\"drop\":true}");
    EXPECT_EQ(set.rules[1].line, 6u);
    EXPECT_EQ(set.file, "r.jsonl");
}

TEST(RuleSet, MatchKeysAreTheQueryFilters) {
    Rule r = one(R"({"match": {"dir": "s2c", "op": ["text", "binary"], "kind": "event", "event": ["chat.*", "user.?nline"],)"
                 R"( "command": "ws_*", "channel": [1, "2"], "message": 3, "user": 4, "session": [5, 6],)"
                 R"( "where": ["payload.seq=3", "a.b=\"x\""], "text": "hello world", "malformed": true, "edited": false,)"
                 R"( "injected": true, "nth": 2}, "drop": true})");
    EXPECT_EQ(r.match.dirs, (std::vector<Direction>{Direction::ServerToClient}));
    EXPECT_EQ(r.match.ops, (std::vector<Opcode>{Opcode::Text, Opcode::Binary}));
    EXPECT_EQ(r.match.kinds, (std::vector<Kind>{Kind::Event}));
    EXPECT_EQ(r.match.events, (std::vector<std::string>{"chat.*", "user.?nline"}));
    EXPECT_EQ(r.match.commands, (std::vector<std::string>{"ws_*"}));
    EXPECT_EQ(r.match.channels, (std::vector<int64_t>{1, 2}));
    EXPECT_EQ(r.match.messages, (std::vector<int64_t>{3}));
    EXPECT_EQ(r.match.users, (std::vector<int64_t>{4}));
    EXPECT_EQ(r.match.sessions, (std::vector<int64_t>{5, 6}));
    ASSERT_EQ(r.match.wheres.size(), 2u);
    EXPECT_EQ(r.match.wheres[0].path.dotted(), "payload.seq");
    EXPECT_EQ(r.match.wheres[1].value, SqlValue(std::string("x")));
    EXPECT_EQ(r.match.words, (std::vector<std::string>{"hello", "world"}));
    EXPECT_TRUE(r.match.malformed);
    EXPECT_FALSE(r.match.edited);
    EXPECT_TRUE(r.match.injected);
    EXPECT_EQ(r.nth, 2);
    EXPECT_EQ(one(R"({"match": {"every": 3}, "drop": true})").every, 3);
}

TEST(RuleSet, Actions) {
    EXPECT_EQ(one(R"({"match": {}, "drop": true})").action, Rule::Action::Drop);
    Rule set = one(R"({"match": {}, "set": {"payload.message.content": "x", "a[0]": {"k": [1, 2]}}})");
    ASSERT_EQ(set.set.size(), 2u);
    EXPECT_EQ(set.set[0].first.dotted(), "payload.message.content");
    EXPECT_EQ(set.set[0].second, "\"x\"");
    EXPECT_EQ(set.set[1].second, R"({"k": [1, 2]})");  // the raw bytes, as written
    Rule del = one(R"({"match": {}, "delete": ["payload.message.reactions", "a[1]"]})");
    ASSERT_EQ(del.remove.size(), 2u);
    EXPECT_EQ(del.remove[1].dotted(), "a[1]");
    EXPECT_EQ(one(R"({"match": {}, "delay_ms": 20000})").delayMs, 20000);
    EXPECT_EQ(one(R"({"match": {}, "duplicate": 3})").duplicate, 3);
    Rule replace = one(R"({"match": {}, "replace": {"op": "text", "data": {"event":"x", "n": 1}}})");
    ASSERT_EQ(replace.frames.size(), 1u);
    EXPECT_EQ(replace.frames[0].payload, R"({"event":"x", "n": 1})");
    Rule binary = one(R"({"match": {}, "replace": {"op": "binary", "data": {"base64": "AAE="}}})");
    EXPECT_EQ(binary.frames[0].payload, std::string("\0\1", 2));
    Rule after = one(R"({"match": {}, "insert_after": [{"dir": "s2c", "after_ms": 50, "data": {"event": "e"}},)"
                     R"( {"t_us": 5, "op": "text", "flags": [], "data": "plain"}]})");
    EXPECT_EQ(after.action, Rule::Action::InsertAfter);
    ASSERT_EQ(after.frames.size(), 2u);
    EXPECT_EQ(after.frames[0].dir, Direction::ServerToClient);
    EXPECT_EQ(after.frames[0].afterMs, 50);
    EXPECT_FALSE(after.frames[1].dir.has_value());
    EXPECT_EQ(after.frames[1].payload, "plain");
    EXPECT_EQ(one(R"({"match": {}, "insert_before": [{"data": []}]})").action, Rule::Action::InsertBefore);
    Rule close = one(R"({"match": {}, "close": {"by": "client", "code": 4000, "reason": "bye"}})");
    EXPECT_EQ(close.close.by, Direction::ClientToServer);
    EXPECT_EQ(close.close.code, 4000);
    EXPECT_EQ(close.close.reason, "bye");
    EXPECT_EQ(one(R"({"close": {"code": 1006}, "match": {}})").close.by, Direction::ServerToClient);
}

TEST(RuleSet, ErrorsNameFileLineAndField) {
    const std::string ok = "{\"match\":{},\"drop\":true}\n";
    EXPECT_EQ(error(ok + "{\"match\": {}, \"drop\": true, \"bogus\": 1}"),
              "r.jsonl:2: bogus: unknown key (match, and one action: drop, set, delete, delay_ms, duplicate, replace, "
              "insert_before, insert_after, close)");
    EXPECT_EQ(error(ok + ok + "{\"match\": {}, \"drop\": true, \"delay_ms\": 5}"),
              "r.jsonl:3: delay_ms: a second action (drop is there already; one action a rule)");
    EXPECT_EQ(error("{\"match\": {\"event\": \"chat.[x\"}, \"drop\": true}"),
              "r.jsonl:1: match.event: glob 'chat.[x': '[' without its ']'");
    EXPECT_EQ(error("{\"match\": {\"channel\": \"abc\"}, \"drop\": true}"),
              "r.jsonl:1: match.channel: must be an integer, not \"abc\"");
    EXPECT_EQ(error("{\"match\": {\"dir\": 1}, \"drop\": true}"), "r.jsonl:1: match.dir: must be a string");
    EXPECT_EQ(error("# c\n{\"match\": {}, \"drop\": tru}"),
              "r.jsonl:2: not valid JSON (one rule a line: {\"match\": {...}, \"drop\": true})");
    EXPECT_EQ(error("[1]"), "r.jsonl:1: not a JSON object");
    EXPECT_EQ(error("{\"match\": {}}"),
              "r.jsonl:1: no action (drop, set, delete, delay_ms, duplicate, replace, insert_before, insert_after, close)");
    EXPECT_EQ(error("{\"drop\": true}"), "r.jsonl:1: match: is missing ({} matches every frame)");
    EXPECT_EQ(error("{\"match\": {\"colour\": 1}, \"drop\": true}").rfind("r.jsonl:1: match.colour: unknown key", 0), 0u);
    EXPECT_EQ(error("{\"match\": {\"where\": \"a..b=1\"}, \"drop\": true}").rfind("r.jsonl:1: match.where: invalid", 0), 0u);
    EXPECT_EQ(error("{\"match\": {}, \"set\": {\"a..b\": 1}}").rfind("r.jsonl:1: set.a..b: not a path", 0), 0u);
    EXPECT_EQ(error("{\"match\": {}, \"delete\": \"a\"}"), "r.jsonl:1: delete: must be an array");
    EXPECT_EQ(error("{\"match\": {}, \"delay_ms\": -1}"), "r.jsonl:1: delay_ms: must be from 0 to 3600000");
    EXPECT_EQ(error("{\"match\": {}, \"drop\": false}"), "r.jsonl:1: drop: must be true");
    EXPECT_EQ(error("{\"match\": {\"nth\": 1, \"every\": 2}, \"drop\": true}").rfind("r.jsonl:1: match.every:", 0), 0u);
    EXPECT_EQ(error("{\"match\": {}, \"insert_before\": [{\"after_ms\": 5, \"data\": 1}]}"),
              "r.jsonl:1: insert_before[0].after_ms: only insert_after frames wait");
    EXPECT_EQ(error("{\"match\": {}, \"insert_after\": [{\"op\": \"text\"}]}").rfind("r.jsonl:1: insert_after[0].data: is missing", 0), 0u);
    EXPECT_EQ(error("{\"match\": {}, \"replace\": {\"op\": \"ping\", \"data\": {\"base64\": \"!\"}}}")
                  .rfind("r.jsonl:1: replace.data: ", 0), 0u);
    EXPECT_EQ(error("{\"match\": {}, \"close\": {\"by\": \"me\", \"code\": 1000}}"),
              "r.jsonl:1: close.by: must be \"server\" or \"client\"");
    EXPECT_EQ(error("{\"match\": {}, \"close\": {\"by\": \"server\"}}").rfind("r.jsonl:1: close.code: is missing", 0), 0u);
    EXPECT_EQ(error("{\"match\": {}, \"close\": {\"code\": 1005}}").rfind("r.jsonl:1: close.code: not a code", 0), 0u);
}

// Keys are decoded, so "\n" in one is a newline: the error still is one line (fuzzing found a
// rules file whose unknown match key held one).
TEST(RuleSet, ErrorsStayOneLineWhateverTheKeysHold) {
    EXPECT_EQ(error("{\"match\": {\"a\\nb\\u0001\": 1}, \"drop\": true}").rfind("r.jsonl:1: match.a?b?: unknown key", 0), 0u);
}

TEST(RuleSet, LoadNamesAFileThatIsNotThere) {
    try {
        RuleSet::load("/nonexistent/rules.jsonl");
        FAIL();
    } catch (const RuleError& e) {
        EXPECT_EQ(std::string(e.what()).rfind("/nonexistent/rules.jsonl: cannot open", 0), 0u) << e.what();
    }
}

}  // namespace
}  // namespace rtmtap
