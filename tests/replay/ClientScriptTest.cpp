#include "replay/ClientScript.h"

#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <vector>

namespace rtmtap {
namespace {

std::string errorOf(const std::string& text, const std::string& name = "s.jsonl") {
    try {
        ClientScript::parse(text, name);
    } catch (const ClientScriptError& e) {
        return e.what();
    }
    return "(no ClientScriptError)";
}

TEST(ClientScriptTest, AfterMsIsCutOutAndTheRestSentAsWritten) {
    auto script = ClientScript::parse(
        "{\"after_ms\":500,\"command\":\"ws_ephemeral_typing\",\"channel_id\":11010000}\n"
        "{\"command\":\"ws_read_notification\", \"channel_id\" : \"11010000\",\"message_id\":1.0,\"after_ms\": 20}\n"
        "{\"command\":\"x\",\"after_ms\":0,\"y\":\"a,}{\\\"after_ms\\\"\"}\n",
        "s.jsonl");
    const auto& steps = script.steps();
    ASSERT_EQ(steps.size(), 3u);
    EXPECT_EQ(steps[0].afterMs, 500);
    EXPECT_EQ(steps[0].text, R"({"command":"ws_ephemeral_typing","channel_id":11010000})");
    EXPECT_EQ(steps[0].line, 1);
    EXPECT_EQ(steps[1].afterMs, 20);
    // Member text (spacing inside a member, the string id, 1.0) goes out untouched.
    EXPECT_EQ(steps[1].text, R"({"command":"ws_read_notification","channel_id" : "11010000","message_id":1.0})");
    EXPECT_EQ(steps[2].afterMs, 0);
    EXPECT_EQ(steps[2].text, R"({"command":"x","y":"a,}{\"after_ms\""})");
}

TEST(ClientScriptTest, DelayDefaultsToZeroAndNestedAfterMsStays) {
    auto script = ClientScript::parse(R"({"command":"c","payload":{"after_ms":5}})", "s");
    ASSERT_EQ(script.steps().size(), 1u);
    EXPECT_EQ(script.steps()[0].afterMs, 0);
    EXPECT_EQ(script.steps()[0].text, R"({"command":"c","payload":{"after_ms":5}})");
}

TEST(ClientScriptTest, OnlyAfterMsLeavesAnEmptyObject) {
    auto script = ClientScript::parse(R"(  {"after_ms":7}  )", "s");
    ASSERT_EQ(script.steps().size(), 1u);
    EXPECT_EQ(script.steps()[0].text, "{}");
    EXPECT_EQ(script.steps()[0].afterMs, 7);
}

TEST(ClientScriptTest, BlankLinesAndCommentsAreSkippedAndLinesCounted) {
    auto script = ClientScript::parse("# a comment\n\n   \n  # indented comment\r\n{\"command\":\"a\"}\r\n\n{\"command\":\"b\"}",
                                      "s");
    ASSERT_EQ(script.steps().size(), 2u);
    EXPECT_EQ(script.steps()[0].line, 5);
    EXPECT_EQ(script.steps()[0].text, R"({"command":"a"})");
    EXPECT_EQ(script.steps()[1].line, 7);
}

TEST(ClientScriptTest, ALineThatIsNotAJsonObjectNamesFileAndLine) {
    EXPECT_EQ(errorOf("{\"command\":\"a\"}\n\n{\"command\":", "qa.jsonl"),
              "script 'qa.jsonl' line 3: not a JSON object: {\"command\":");
    for (std::string bad : std::vector<std::string>{"[1,2]", "\"text\"", "42", "null", "{\"a\":1} {\"b\":2}", "{\"a\":1,}", "{'a':1}",
                            "ws_ping", std::string("{\"a\":\"\xff\"}")}) {
        EXPECT_EQ(errorOf(bad).rfind("script 's.jsonl' line 1: not a JSON object", 0), 0u) << bad;
    }
}

TEST(ClientScriptTest, BadAfterMsIsAnError) {
    for (std::string value : std::vector<std::string>{"-1", "1.5", "\"500\"", "1e3", "86400001", "99999999999999999999", "null", "true"}) {
        std::string what = errorOf("{\"after_ms\":" + value + ",\"command\":\"a\"}");
        EXPECT_EQ(what.rfind("script 's.jsonl' line 1: after_ms must be", 0), 0u) << value << ": " << what;
    }
    EXPECT_EQ(errorOf(R"({"after_ms":1,"after_ms":2})"), "script 's.jsonl' line 1: after_ms given twice");
    EXPECT_EQ(ClientScript::parse(R"({"after_ms":86400000})", "s").steps()[0].afterMs, 86400000);
}

TEST(ClientScriptTest, LoadReadsTheFileAndReportsMissingOnes) {
    test::TempDir dir;
    {
        std::ofstream out(dir.file("s.jsonl"));
        out << "{\"after_ms\":10,\"command\":\"ws_ping\"}\nnot json\n";
    }
    std::string what;
    try {
        ClientScript::load(dir.file("s.jsonl"));
    } catch (const ClientScriptError& e) {
        what = e.what();
    }
    EXPECT_EQ(what, "script '" + dir.file("s.jsonl") + "' line 2: not a JSON object: not json");
    try {
        ClientScript::load(dir.file("missing.jsonl"));
        ADD_FAILURE() << "no error for a missing file";
    } catch (const ClientScriptError& e) {
        EXPECT_EQ(std::string(e.what()), "cannot read script '" + dir.file("missing.jsonl") + "': No such file or directory");
    }
    EXPECT_THROW(ClientScript::load(dir.path()), ClientScriptError);
}

}  // namespace
}  // namespace rtmtap
