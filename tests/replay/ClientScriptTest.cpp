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

TEST(ClientScriptTest, OnlyThePlainKeySpellingIsTheDelay) {
    // An escaped spelling of the key is another member, sent on as written; so are keys that
    // merely contain after_ms, and a string value "after_ms".
    auto script = ClientScript::parse(
        R"({"after\u005fms":5,"after_ms":3,"x":"after_ms","after_ms2":1,"\"after_ms\"":2})", "s");
    ASSERT_EQ(script.steps().size(), 1u);
    EXPECT_EQ(script.steps()[0].afterMs, 3);
    EXPECT_EQ(script.steps()[0].text, R"({"after\u005fms":5,"x":"after_ms","after_ms2":1,"\"after_ms\"":2})");
}

TEST(ClientScriptTest, ContainersAndOddSpacingGoOutByteForByte) {
    const std::string line = "\t{ \"a\" :\t[1, {\"after_ms\": 9}, \"]}\"] , \"after_ms\" : 4 ,\"b\":{ } ,\"c\":-0.5E+3 }  ";
    auto script = ClientScript::parse(line, "s");
    ASSERT_EQ(script.steps().size(), 1u);
    EXPECT_EQ(script.steps()[0].afterMs, 4);
    EXPECT_EQ(script.steps()[0].text, "{\"a\" :\t[1, {\"after_ms\": 9}, \"]}\"],\"b\":{ },\"c\":-0.5E+3}");
}

TEST(ClientScriptTest, AfterMsMustBeAPlainIntegerTokenOnce) {
    for (std::string value : std::vector<std::string>{"-5", "5e0", "5E+1", "0.0", "-0.0", "[5]", "{}", "\"5\""}) {
        std::string what = errorOf("{\"command\":\"a\",\"after_ms\":" + value + "}");
        EXPECT_EQ(what.rfind("script 's.jsonl' line 1: after_ms must be", 0), 0u) << value << ": " << what;
    }
    for (std::string value : std::vector<std::string>{"5.", "+5", "05", "0x5", ""}) {  // not JSON at all
        std::string what = errorOf("{\"command\":\"a\",\"after_ms\":" + value + "}");
        EXPECT_EQ(what.rfind("script 's.jsonl' line 1: not a JSON object", 0), 0u) << value << ": " << what;
    }
    EXPECT_EQ(errorOf("{\"after_ms\":-5}"), "script 's.jsonl' line 1: after_ms must be a whole number of milliseconds "
                                            "from 0 to 86400000, not -5");
    EXPECT_EQ(errorOf("{\"after_ms\":1e2}"), "script 's.jsonl' line 1: after_ms must be a whole number of milliseconds "
                                             "from 0 to 86400000, not 1e2");
    EXPECT_EQ(ClientScript::parse(R"({"after_ms":-0})", "s").steps()[0].afterMs, 0) << "JSON's -0 is the integer zero";
    // A duplicate is an error even when the first one is fine and the second one is bad, or equal.
    EXPECT_EQ(errorOf("{\"after_ms\":1,\"command\":\"a\",\"after_ms\" : 1}"), "script 's.jsonl' line 1: after_ms given twice");
    EXPECT_EQ(errorOf("{\"after_ms\":1,\"after_ms\":\"x\"}"), "script 's.jsonl' line 1: after_ms given twice");
    // A nested after_ms next to a top-level one is not a duplicate.
    EXPECT_EQ(ClientScript::parse(R"({"p":{"after_ms":1},"after_ms":2})", "s").steps()[0].text, R"({"p":{"after_ms":1}})");
}

TEST(ClientScriptTest, DeepNestingIsSentNotRefused) {
    const std::string deep = std::string(2000, '[') + std::string(2000, ']');
    auto script = ClientScript::parse("{\"after_ms\":1,\"d\":" + deep + "}", "s");
    ASSERT_EQ(script.steps().size(), 1u);
    EXPECT_EQ(script.steps()[0].text, "{\"d\":" + deep + "}");
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
