// RuleEngine: each action's FilterResult, byte-identical payloads outside the edited values,
// missing paths counted and said once, nth/every per session, first matching rule wins, and
// RulesFilter moving to reloaded rules.
#include "rules/RuleBook.h"
#include "rules/RuleEngine.h"

#include <gtest/gtest.h>

#include <sstream>

namespace rtmtap {
namespace {

using Action = FilterResult::Action;

class RuleEngineTest : public ::testing::Test {
protected:
    void load(const std::string& rules) {
        std::istringstream in(rules);
        engine_ = std::make_shared<RuleEngine>(RuleSet::parse(in, "t.jsonl"), warnings_);
    }
    FilterResult run(RuleEngine::Session& session, const std::string& payload, int64_t id = 1,
                     Direction dir = Direction::ServerToClient) {
        info_.id = id;
        FilterContext context{info_, dir, 0};
        Message m;
        m.dir = dir;
        m.op = Opcode::Text;
        m.payload = payload;
        return session.apply(context, m);
    }
    FilterResult once(const std::string& payload) {
        RuleEngine::Session s = engine_->session();
        return run(s, payload);
    }
    std::string edited(const std::string& payload) {
        FilterResult r = once(payload);
        if (r.action == Action::Continue) {
            return "<unchanged>";
        }
        EXPECT_EQ(r.action, Action::Replace);
        EXPECT_EQ(r.replacements.size(), 1u);
        return r.replacements.empty() ? "" : r.replacements[0].payload;
    }

    std::ostringstream warnings_;
    SessionInfo info_;
    std::shared_ptr<RuleEngine> engine_;
};

const std::string kPost = "{ \"event\" : \"chat.postMessage\",\n  \"payload\": {\"message\": {\"id\": 7, "
                          "\"content\": \"h\\u00e9llo\", \"reactions\": [1, 2],\"x\":1.50}}, \"meta\":{} }";

TEST_F(RuleEngineTest, SetSplicesTheValueAndKeepsEveryOtherByte) {
    load(R"({"match": {"event": "chat.*"}, "set": {"payload.message.content": "x", "payload.message.id": {"n": [1]}}})");
    EXPECT_EQ(edited(kPost), "{ \"event\" : \"chat.postMessage\",\n  \"payload\": {\"message\": {\"id\": {\"n\": [1]}, "
                             "\"content\": \"x\", \"reactions\": [1, 2],\"x\":1.50}}, \"meta\":{} }");
    EXPECT_EQ(engine_->count(0).touched, 1u);
    EXPECT_EQ(engine_->count(0).missing, 0u);
}

TEST_F(RuleEngineTest, SetAddsAMissingKeyToAnExistingObject) {
    load(R"({"match": {}, "set": {"meta.added": true, "payload.message.new": 5}})");
    EXPECT_EQ(edited(kPost), "{ \"event\" : \"chat.postMessage\",\n  \"payload\": {\"message\": {\"id\": 7, "
                             "\"content\": \"h\\u00e9llo\", \"reactions\": [1, 2],\"x\":1.50,\"new\":5}}, "
                             "\"meta\":{\"added\":true} }");
}

TEST_F(RuleEngineTest, DeleteRemovesTheMemberAndKeepsTheRest) {
    load(R"({"match": {}, "delete": ["payload.message.reactions", "meta"]})");
    EXPECT_EQ(edited(kPost), "{ \"event\" : \"chat.postMessage\",\n  \"payload\": {\"message\": {\"id\": 7, "
                             "\"content\": \"h\\u00e9llo\", \"x\":1.50}} }");
}

TEST_F(RuleEngineTest, MissingPathsAreCountedAndSaidOnce) {
    load(R"({"match": {}, "delete": ["payload.nope"]})" "\n" R"({"match": {}, "set": {"a.b": 1, "meta.k": 2}})");
    EXPECT_EQ(edited(kPost), "<unchanged>");
    EXPECT_EQ(edited(kPost), "<unchanged>");
    EXPECT_EQ(engine_->count(0).missing, 2u);
    EXPECT_EQ(engine_->count(0).touched, 0u);
    EXPECT_EQ(engine_->count(0).matched, 2u);
    const std::string said = warnings_.str();
    EXPECT_EQ(said.rfind("rtmtap: rules t.jsonl:1 (delete): path payload.nope is not in a frame of session 1 (s2c)", 0), 0u)
        << said;
    EXPECT_EQ(said.find('\n'), said.size() - 1) << said;  // once
    // Not JSON at all: the first rule misses again, silently now.
    EXPECT_EQ(edited("plain text"), "<unchanged>");
    EXPECT_EQ(engine_->count(0).missing, 3u);
}

TEST_F(RuleEngineTest, APartlyMissingEditStillEdits) {
    load(R"({"match": {}, "set": {"a.b": 1, "meta.k": 2}})");
    EXPECT_EQ(edited(R"({"meta":{}})"), R"({"meta":{"k":2}})");
    EXPECT_EQ(engine_->count(0).missing, 1u);
    EXPECT_EQ(engine_->count(0).touched, 1u);
}

TEST_F(RuleEngineTest, DropDelayDuplicateReplaceClose) {
    load(R"({"match": {"event": "drop"}, "drop": true})" "\n"
         R"({"match": {"event": "delay"}, "delay_ms": 250})" "\n"
         R"({"match": {"event": "dup"}, "duplicate": 3})" "\n"
         R"({"match": {"event": "rep"}, "replace": {"op": "binary", "data": {"base64": "AQI="}}})" "\n"
         R"({"match": {"event": "close"}, "close": {"by": "client", "code": 4001, "reason": "r"}})");
    EXPECT_EQ(once(R"({"event":"drop"})").action, Action::Drop);
    FilterResult delay = once(R"({"event":"delay"})");
    EXPECT_EQ(delay.action, Action::Hold);
    EXPECT_EQ(delay.holdMs, 250);
    FilterResult dup = once(R"({"event":"dup"})");
    ASSERT_EQ(dup.action, Action::Continue) << "the frame itself goes on as it came";
    ASSERT_EQ(dup.inserts.size(), 2u);
    for (const FilterInsert& copy : dup.inserts) {
        EXPECT_EQ(copy.payload, R"({"event":"dup"})");
        EXPECT_EQ(copy.op, Opcode::Text);
        EXPECT_FALSE(copy.before);
        EXPECT_EQ(copy.afterMs, 0);
    }
    FilterResult rep = once(R"({"event":"rep"})");
    ASSERT_EQ(rep.replacements.size(), 1u);
    EXPECT_EQ(rep.replacements[0].op, Opcode::Binary);
    EXPECT_EQ(rep.replacements[0].payload, "\x01\x02");
    FilterResult close = once(R"({"event":"close"})");
    EXPECT_EQ(close.action, Action::Close);
    EXPECT_EQ(close.close.by, Direction::ClientToServer);
    EXPECT_EQ(close.close.code, 4001);
    EXPECT_EQ(close.close.reason, "r");
    EXPECT_EQ(once(R"({"event":"other"})").action, Action::Continue);
    for (size_t i = 0; i < 5; ++i) {
        EXPECT_EQ(engine_->count(i).touched, 1u) << i;
    }
}

TEST_F(RuleEngineTest, InsertsGoAroundTheFrame) {
    load(R"({"match": {"command": "ws_auth"}, "insert_after": [{"dir": "s2c", "after_ms": 50, "data": {"event": "e"}}, {"data": "x"}]})"
         "\n" R"({"match": {"event": "b"}, "insert_before": [{"op": "ping", "data": "p"}]})");
    RuleEngine::Session s = engine_->session();
    FilterResult after = run(s, R"({"command":"ws_auth"})", 1, Direction::ClientToServer);
    EXPECT_EQ(after.action, Action::Continue);
    ASSERT_EQ(after.inserts.size(), 2u);
    EXPECT_EQ(after.inserts[0].dir, Direction::ServerToClient);
    EXPECT_EQ(after.inserts[0].afterMs, 50);
    EXPECT_FALSE(after.inserts[0].before);
    EXPECT_EQ(after.inserts[0].payload, R"({"event": "e"})");
    EXPECT_EQ(after.inserts[1].dir, Direction::ClientToServer);  // the matched frame's way
    FilterResult before = run(s, R"({"event":"b"})");
    ASSERT_EQ(before.inserts.size(), 1u);
    EXPECT_TRUE(before.inserts[0].before);
    EXPECT_EQ(before.inserts[0].op, Opcode::Ping);
}

TEST_F(RuleEngineTest, NthAndEveryCountPerSession) {
    load(R"({"match": {"event": "t", "nth": 2}, "drop": true})" "\n" R"({"match": {"event": "u", "every": 2}, "drop": true})");
    RuleEngine::Session a = engine_->session();
    RuleEngine::Session b = engine_->session();
    std::string nth, every;
    for (int i = 0; i < 4; ++i) {
        nth += run(a, R"({"event":"t"})", 1).action == Action::Drop ? 'D' : '-';
        every += run(a, R"({"event":"u"})", 1).action == Action::Drop ? 'D' : '-';
    }
    EXPECT_EQ(nth, "-D--");
    EXPECT_EQ(every, "-D-D");
    EXPECT_EQ(run(b, R"({"event":"t"})", 2).action, Action::Continue);  // session b counts from 1
    EXPECT_EQ(run(b, R"({"event":"t"})", 2).action, Action::Drop);
    EXPECT_EQ(engine_->count(0).matched, 6u);
    EXPECT_EQ(engine_->count(0).touched, 2u);
}

TEST_F(RuleEngineTest, TheFirstRuleThatActsWins) {
    load(R"({"match": {"event": "t", "nth": 2}, "drop": true})" "\n" R"({"match": {"event": "t"}, "delay_ms": 5})");
    RuleEngine::Session s = engine_->session();
    EXPECT_EQ(run(s, R"({"event":"t"})").action, Action::Hold);  // rule 1 waits for its 2nd
    EXPECT_EQ(run(s, R"({"event":"t"})").action, Action::Drop);
    EXPECT_EQ(run(s, R"({"event":"t"})").action, Action::Hold);
    EXPECT_EQ(engine_->count(1).matched, 2u);  // it did not see the dropped one
}

TEST_F(RuleEngineTest, MatchUsesTheContextsSession) {
    load(R"({"match": {"session": 9}, "drop": true})");
    RuleEngine::Session s = engine_->session();
    EXPECT_EQ(run(s, "{}", 8).action, Action::Continue);
    EXPECT_EQ(run(s, "{}", 9).action, Action::Drop);
}

TEST_F(RuleEngineTest, RulesFilterMovesToReloadedRulesWithFreshCounts) {
    load(R"({"match": {"nth": 2}, "drop": true})");
    auto book = std::make_shared<RuleBook>(engine_);
    RulesFilter filter(book);
    info_.id = 1;
    FilterContext context{info_, Direction::ServerToClient, 0};
    Message m;
    m.payload = "{}";
    EXPECT_EQ(filter.onMessage(context, m).action, Action::Continue);
    std::istringstream in(R"({"match": {"nth": 1}, "delay_ms": 1})");
    std::shared_ptr<const RuleEngine> old = book->replace(std::make_shared<RuleEngine>(RuleSet::parse(in, "n"), warnings_));
    EXPECT_EQ(old, engine_);
    EXPECT_EQ(filter.onMessage(context, m).action, Action::Hold);  // the new rule's 1st
    EXPECT_EQ(filter.onMessage(context, m).action, Action::Continue);
    EXPECT_EQ(engine_->count(0).matched, 1u);  // the old rules saw one frame only
}

}  // namespace
}  // namespace rtmtap
