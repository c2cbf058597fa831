// A frame's fields against a field spec: ids as integers or digit strings, type unions, quirk
// types, members of a missing or non-object parent left alone, and the words sentences use.
#include "lint/FieldProblem.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

std::vector<FieldSpec> specOf(std::string_view text, const std::vector<FieldRecord>& records = {}) {
    std::vector<FieldSpec> specs;
    std::string error;
    EXPECT_TRUE(parseFieldSpec(text, records, specs, error)) << error;
    return specs;
}

std::string problemsOf(const std::string& json, std::string_view spec, const std::vector<FieldRecord>& records = {}) {
    JsonFields fields;
    EXPECT_TRUE(fields.parse(json)) << json;
    const std::vector<FieldSpec> specs = specOf(spec, records);
    std::string text;
    for (const FieldProblem& p : findFieldProblems(fields, specs)) {
        const char* kind = p.kind == FieldProblem::Kind::Missing ? "missing" : p.kind == FieldProblem::Kind::Quirk ? "quirk" : "wrong";
        text += std::string(kind) + ": " + p.describe() + "\n";
    }
    return text;
}

TEST(FieldProblemTest, IdsAreIntegersOrStringsOfDigits) {
    EXPECT_EQ(problemsOf(R"({"a":1,"b":"11010000","c":"-5"})", "a:id b:id c:id"), "");
    EXPECT_EQ(problemsOf(R"({"a":"1x","b":1.5,"c":"\u0031"})", "a:id b:id c:id"),
              "wrong: 'a' as a string (\"1x\"), not an id (an integer or a string of digits)\n"
              "wrong: 'b' as a number (1.5), not an id (an integer or a string of digits)\n"
              "wrong: 'c' as a string (\"\\u0031\"), not an id (an integer or a string of digits)\n");
}

TEST(FieldProblemTest, UnionsNumbersAndAny) {
    EXPECT_EQ(problemsOf(R"({"a":null,"b":{},"c":3,"d":[1]})", "a:object|null b:object|null c:number d:any"), "");
    EXPECT_EQ(problemsOf(R"({"a":false})", "a:object|null"), "wrong: 'a' as a bool (false), not an object or null\n");
    EXPECT_EQ(problemsOf(R"({"c":3.5})", "c:integer"), "wrong: 'c' as a number (3.5), not an integer\n");
}

TEST(FieldProblemTest, MissingOnlyWhenRequiredAndQuirksApart) {
    EXPECT_EQ(problemsOf(R"({})", "a:string b?:string"), "missing: no 'a' (a string)\n");
    EXPECT_EQ(problemsOf(R"({"n":"0"})", "n:integer~string"), "quirk: 'n' as a string (\"0\")\n");
    EXPECT_EQ(problemsOf(R"({"n":true})", "n:integer~string"), "wrong: 'n' as a bool (true), not an integer\n");
}

TEST(FieldProblemTest, MembersOfAMissingOrWrongParentAreNotListed) {
    const std::vector<FieldRecord> records = {{"user", "id:integer name:string"}};
    EXPECT_EQ(problemsOf(R"({"payload":{}})", "payload:object payload.user?:user", records), "");
    EXPECT_EQ(problemsOf(R"({"payload":{"user":null}})", "payload:object payload.user:user|null", records), "");
    EXPECT_EQ(problemsOf(R"({"payload":{"user":[{"id":1}]}})", "payload:object payload.user:user", records),
              "wrong: 'payload.user' as an array, not an object\n");
    EXPECT_EQ(problemsOf(R"({"payload":{"user":{"id":"x"}}})", "payload:object payload.user:user", records),
              "wrong: 'payload.user.id' as a string (\"x\"), not an integer\nmissing: no 'payload.user.name' (a string)\n");
}

TEST(FieldProblemTest, LongValuesAreCutInSentences) {
    JsonFields fields;
    ASSERT_TRUE(fields.parse(R"({"s":"abcdefghijklmnopqrstuvwxyz0123456789"})"));
    EXPECT_EQ(describeValue(*fields.find("s")), "a string (\"abcdefghijklmnopqrstuvwx...\")");
}

}  // namespace
}  // namespace rtmtap
