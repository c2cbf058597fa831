// LintEngine: frames parsed once for every rule, the session's user and token learnt from its
// ws_auth (also from a stored, redacted token), the history the cross-session rules read, --rules.
#include "lint/LintEngine.h"
#include "tests/support/TestData.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

// Records what the engine hands it, to check what rules see.
class Probe : public LintRule {
public:
    struct Seen {
        int64_t seq;
        LintFrame::Shape shape;
        std::string name;
        std::optional<int64_t> user;
        std::string tokenKey;
        size_t history;
    };
    explicit Probe(std::vector<Seen>& seen, std::vector<LintSessionEnd>& ends) : seen_(seen), ends_(ends) {}
    const RuleInfo& info() const override {
        static const RuleInfo kInfo{"probe", Severity::Info, "test", "test", "test", "test"};
        return kInfo;
    }
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override {
        seen_.push_back({frame.message.seq, frame.shape, frame.name, session.user_id, session.token_key,
                         session.history->size()});
        if (frame.name == "boom") {
            out.push_back(Finding::at(frame.message, info(), Severity::Warn, "boom"));
        }
    }
    void onSessionEnd(const LintSessionEnd& end, const LintSession&, std::vector<Finding>& out) override {
        ends_.push_back(end);
        if (end.close_code == 4999) {  // a late judgement about frame 1, and one about the session
            out.push_back(Finding::aboutSession(1, 0, info(), Severity::Info, "whole"));
            Message first;
            first.seq = 1;
            out.push_back(Finding::at(first, info(), Severity::Info, "late"));
        }
    }

private:
    std::vector<Seen>& seen_;
    std::vector<LintSessionEnd>& ends_;
};

Message frame(int64_t session, int64_t seq, Direction dir, Opcode op, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = seq * 1000;
    m.wall_us = 1'764'000'000'000'000 + session * 60'000'000 + m.t_us;
    m.payload = std::move(payload);
    m.size = m.payload.size();
    return m;
}

std::vector<std::unique_ptr<LintRule>> probe(std::vector<Probe::Seen>& seen, std::vector<LintSessionEnd>& ends) {
    std::vector<std::unique_ptr<LintRule>> rules;
    rules.push_back(std::make_unique<Probe>(seen, ends));
    return rules;
}

TEST(LintEngineTest, LearnsUserAndTokenFromWsAuthEvenWhenTheStoreRedactedTheSignature) {
    std::string token = test::makeJwt(R"({"user_id":91010006,"expiry":"2026-11-30 12:00:00","finger_print":"abc"})");
    std::string stored = token.substr(0, token.rfind('.') + 1);  // what the store keeps: "h.p."
    std::vector<Probe::Seen> seen;
    std::vector<LintSessionEnd> ends;
    LintEngine engine(probe(seen, ends));
    engine.startSession(1, 0);
    engine.onMessage(frame(1, 1, Direction::ServerToClient, Opcode::Text, R"({"event":"pong"})"));
    engine.onMessage(frame(1, 2, Direction::ClientToServer, Opcode::Text,
                           R"({"command":"ws_auth","auth_token":")" + stored + "\"}"));
    engine.onMessage(frame(1, 3, Direction::ClientToServer, Opcode::Ping, ""));
    LintSessionEnd end;
    end.ended = true;
    end.close_code = 1006;
    EXPECT_TRUE(engine.endSession(end).empty());
    ASSERT_EQ(seen.size(), 3u);
    EXPECT_EQ(seen[0].name, "pong");
    EXPECT_FALSE(seen[0].user.has_value());
    EXPECT_EQ(seen[1].name, "ws_auth");
    EXPECT_EQ(seen[1].user.value(), 91010006);  // set before the rules see the ws_auth frame
    EXPECT_EQ(seen[1].tokenKey, stored);
    EXPECT_EQ(seen[2].shape, LintFrame::Shape::NotChecked);
    ASSERT_EQ(ends.size(), 1u);
    EXPECT_EQ(ends[0].close_code.value(), 1006);
}

TEST(LintEngineTest, HistoryKeepsEndedSessionsWithUserTokenAndDrop) {
    std::string token = test::makeJwt(R"({"user_id":7})");
    std::vector<Probe::Seen> seen;
    std::vector<LintSessionEnd> ends;
    LintEngine engine(probe(seen, ends));
    LintSessionEnd end;
    end.ended = true;
    end.ended_wall_us = 5;
    engine.lint(1, {frame(1, 1, Direction::ClientToServer, Opcode::Text,
                          R"({"command":"ws_auth","auth_token":")" + token + "\"}")},
                end);
    engine.lint(2, {frame(2, 1, Direction::ClientToServer, Opcode::Text, R"({"command":"ws_ping"})"),
                    frame(2, 2, Direction::ClientToServer, Opcode::Close, std::string("\x03\xe8", 2))},
                end);
    engine.startSession(3, 99);
    engine.onMessage(frame(3, 1, Direction::ServerToClient, Opcode::Text, "{}"));
    ASSERT_EQ(seen.back().history, 3u);  // the open session itself is listed too
    (void)engine.endSession();
    // The history is shared through the engine's pointer: read it through a fresh session.
    std::shared_ptr<SessionHistory> history = std::make_shared<SessionHistory>();
    LintEngine shared(probe(seen, ends), history);
    shared.lint(1, {frame(1, 1, Direction::ClientToServer, Opcode::Text,
                          R"({"command":"ws_auth","auth_token":")" + token + "\"}")},
                end);
    ASSERT_EQ(history->size(), 1u);
    EXPECT_EQ((*history)[0].user_id.value(), 7);
    EXPECT_TRUE((*history)[0].dropped);
    EXPECT_EQ((*history)[0].ended_wall_us.value(), 5);
    shared.lint(2, {frame(2, 1, Direction::ClientToServer, Opcode::Close, std::string("\x03\xe8", 2))}, end);
    EXPECT_FALSE((*history)[1].dropped);
    EXPECT_FALSE((*history)[1].user_id.has_value());
}

TEST(LintEngineTest, FramesAreParsedForBothDirectionsAndBinaryJson) {
    std::vector<Probe::Seen> seen;
    std::vector<LintSessionEnd> ends;
    LintEngine engine(probe(seen, ends));
    auto findings = engine.lint(4, {frame(4, 1, Direction::ServerToClient, Opcode::Text, R"({"event":"boom"})"),
                                    frame(4, 2, Direction::ClientToServer, Opcode::Binary, R"({"command":"boom"})"),
                                    frame(4, 3, Direction::ClientToServer, Opcode::Binary, "\x01\x02"),
                                    frame(4, 4, Direction::ServerToClient, Opcode::Text, "[1]"),
                                    frame(4, 5, Direction::ServerToClient, Opcode::Text, "nope")});
    ASSERT_EQ(seen.size(), 5u);
    EXPECT_EQ(seen[0].shape, LintFrame::Shape::Object);
    EXPECT_EQ(seen[1].shape, LintFrame::Shape::Object);
    EXPECT_EQ(seen[2].shape, LintFrame::Shape::NotChecked);
    EXPECT_EQ(seen[3].shape, LintFrame::Shape::NotObject);
    EXPECT_EQ(seen[4].shape, LintFrame::Shape::NotJson);
    ASSERT_EQ(findings.size(), 2u);
    EXPECT_EQ(findings[0].seq, 1);
    EXPECT_EQ(findings[0].section, "test");
    EXPECT_EQ(findings[1].seq, 2);
}

TEST(LintEngineTest, EndSessionSortsLateFindingsIntoFrameOrderSessionFindingsLast) {
    std::vector<Probe::Seen> seen;
    std::vector<LintSessionEnd> ends;
    LintEngine engine(probe(seen, ends));
    LintSessionEnd end;
    end.ended = true;
    end.close_code = 4999;
    auto findings = engine.lint(1, {frame(1, 1, Direction::ServerToClient, Opcode::Text, "{}"),
                                    frame(1, 2, Direction::ServerToClient, Opcode::Text, R"({"event":"boom"})")},
                                end);
    ASSERT_EQ(findings.size(), 3u);
    EXPECT_EQ(findings[0].sentence, "late");
    EXPECT_EQ(findings[1].sentence, "boom");
    EXPECT_EQ(findings[2].sentence, "whole");
}

TEST(LintEngineTest, WithRulesPicksByIdAndRejectsUnknownIds) {
    LintEngine engine = LintEngine::withRules({"invalid-json"});
    ASSERT_EQ(engine.rules().size(), 1u);
    EXPECT_STREQ(engine.rules()[0]->id(), "invalid-json");
    EXPECT_THROW(LintEngine::withRules({"invalid-json", "no-such-rule"}), std::invalid_argument);
}

TEST(LintEngineTest, EveryRuleHasItsExplanation) {
    std::vector<std::string> ids;
    for (const auto& rule : LintEngine::allRules()) {
        const RuleInfo& info = rule->info();
        EXPECT_FALSE(std::string(info.summary).empty()) << info.id;
        EXPECT_GT(std::string(info.rationale).size(), 40u) << info.id;
        EXPECT_FALSE(std::string(info.example).empty()) << info.id;
        EXPECT_TRUE(std::string(info.section).find(".md: ") != std::string::npos) << info.id;
        for (const std::string& id : ids) {
            EXPECT_NE(id, info.id);
        }
        ids.push_back(info.id);
    }
    EXPECT_GE(ids.size(), 4u);
}

}  // namespace
}  // namespace rtmtap
