// The four client rules of `rtmtap lint`, each made to fire and kept quiet, through the engine
// (so the rules see frames exactly as `rtmtap lint` gives them).
#include "lint/ClientRules.h"
#include "lint/LintEngine.h"
#include "lint/LintFrame.h"
#include "protocol/Catalogue.h"
#include "tests/support/CraftedSession.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using Session = test::CraftedSession;

const std::string kAuth = R"({"command":"ws_auth","auth_token":"t"})";
const std::string kTyping = R"({"command":"ws_ephemeral_typing","channel_id":1})";

std::vector<Finding> lintOf(const Session& s) {
    LintEngine engine(clientRules());
    return s.lint(engine);
}

std::vector<Finding> findingsOf(const Session& s, const std::string& rule) {
    return test::findingsOf(lintOf(s), rule);
}

TEST(ClientRulesTest, CleanSessionHasNoFindings) {
    Session s;
    s.client(kAuth).server(R"({"event":"user.online","data":{}})").client(kTyping).client(R"({"command":"ws_ping"})")
        .client("", Opcode::Pong);
    EXPECT_TRUE(lintOf(s).empty());
}

TEST(ClientRulesTest, FirstNotAuthFiresOnAnotherCommandFirst) {
    Session s;
    s.client(kTyping).client(kAuth);
    auto found = findingsOf(s, "first-not-auth");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, Severity::Warn);
    EXPECT_EQ(found[0].session, 7);
    EXPECT_EQ(found[0].seq, 1);
    EXPECT_EQ(found[0].t_us, 0);
    EXPECT_NE(found[0].sentence.find("ws_ephemeral_typing"), std::string::npos);
}

TEST(ClientRulesTest, FirstNotAuthIsOnlyInfoForWsPing) {
    Session s;
    s.client(R"({"command":"ws_ping"})").client(kAuth);
    auto found = findingsOf(s, "first-not-auth");
    ASSERT_EQ(found.size(), 1u);
    EXPECT_EQ(found[0].severity, Severity::Info);
}

TEST(ClientRulesTest, FirstNotAuthQuietWhenAuthComesFirstAfterServerAndControlFrames) {
    Session s;
    s.server(R"({"event":"pong"})").client("", Opcode::Ping).client(kAuth).client(kTyping);
    EXPECT_TRUE(findingsOf(s, "first-not-auth").empty());
}

TEST(ClientRulesTest, CommandBeforeAuthFiresAndSaysTheServerIgnoresIt) {
    Session s;
    s.client(kTyping).client(R"({"command":"ws_read_notification","channel_id":1,"message_id":2})")
        .client(kAuth).client(kTyping);
    auto found = findingsOf(s, "command-before-auth");
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].seq, 1);
    EXPECT_EQ(found[1].seq, 2);
    EXPECT_NE(found[0].sentence.find("ignores it silently"), std::string::npos);
}

TEST(ClientRulesTest, CommandBeforeAuthQuietForWsPingAndAfterAuth) {
    Session s;
    s.client(R"({"command":"ws_ping"})").client(kAuth).client(kTyping);
    EXPECT_TRUE(findingsOf(s, "command-before-auth").empty());
}

TEST(ClientRulesTest, UnknownCommandFiresForUnknownInternalAndMissing) {
    Session s;
    s.client(kAuth).client(R"({"command":"ws_nonsense"})").client(R"({"command":"ws_stats"})")
        .client(R"({"data":{}})").client(R"({"command":"chat.postMessage"})");
    auto found = findingsOf(s, "unknown-command");
    ASSERT_EQ(found.size(), 4u);
    EXPECT_NE(found[0].sentence.find("ws_nonsense"), std::string::npos);
    EXPECT_NE(found[1].sentence.find("internal"), std::string::npos);
    EXPECT_NE(found[2].sentence.find("without"), std::string::npos);
    EXPECT_EQ(found[3].seq, 5);  // an event's name is not a command
    for (const Finding& f : found) {
        EXPECT_EQ(f.severity, Severity::Error);
    }
}

TEST(ClientRulesTest, UnknownCommandQuietForEveryClientCommandOfTheCatalogue) {
    Session s;
    for (const CatalogueEntry& e : catalogue()) {
        if (e.dir == Direction::ClientToServer && e.flavour != Flavour::Internal) {
            s.client(R"({"command":")" + std::string(e.name) + R"("})");
        }
    }
    s.server(R"({"event":"no.such.event"})");
    EXPECT_TRUE(findingsOf(s, "unknown-command").empty());
}

TEST(ClientRulesTest, InvalidJsonFiresForTextThatIsNotAnObject) {
    Session s;
    s.client(kAuth).client("{\"command\":").client("null").client("[1]");
    auto found = findingsOf(s, "invalid-json");
    ASSERT_EQ(found.size(), 3u);
    EXPECT_EQ(found[0].seq, 2);
    EXPECT_NE(found[0].sentence.find("not JSON"), std::string::npos);
    EXPECT_NE(found[1].sentence.find("not an object"), std::string::npos) << found[1].sentence;
    EXPECT_NE(found[2].sentence.find("not an object"), std::string::npos) << found[2].sentence;
}

TEST(ClientRulesTest, InvalidJsonQuietForServerFramesBinaryAndOversize) {
    Session s;
    s.client(kAuth).server("not json").client("\x01\x02", Opcode::Binary).client("", Opcode::Close);
    Message oversize = s.messages().back();
    EXPECT_TRUE(findingsOf(s, "invalid-json").empty());
    oversize.op = Opcode::Text;
    oversize.flags = MessageFlag::Oversize;
    oversize.seq = 9;
    std::vector<Message> messages = s.messages();
    messages.push_back(oversize);
    EXPECT_TRUE(LintEngine(clientRules()).lint(7, messages).empty());
}

TEST(ClientRulesTest, EngineResetsRuleStateBetweenSessions) {
    LintEngine engine(clientRules());
    Session authed;
    authed.client(kAuth).client(kTyping);
    EXPECT_TRUE(engine.lint(7, authed.messages()).empty());
    Session unauthed;
    unauthed.client(kTyping);
    auto found = engine.lint(8, unauthed.messages());
    ASSERT_EQ(found.size(), 2u);
    EXPECT_EQ(found[0].rule, "first-not-auth");
    EXPECT_EQ(found[1].rule, "command-before-auth");
}

TEST(ClientRulesTest, SeverityParsesAndOrders) {
    Severity s = Severity::Info;
    EXPECT_TRUE(parseSeverity("error", s));
    EXPECT_EQ(s, Severity::Error);
    EXPECT_FALSE(parseSeverity("fatal", s));
    EXPECT_LT(Severity::Info, Severity::Warn);
    EXPECT_STREQ(toString(Severity::Warn), "warn");
}

}  // namespace
}  // namespace rtmtap
