// The field spec language of the catalogue: items, optional fields, type unions, the document's
// quirk types, records and their expansion, a later item replacing an earlier one, and errors.
#include "protocol/FieldSpec.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

std::vector<FieldSpec> parsed(std::string_view spec, const std::vector<FieldRecord>& records = {}) {
    std::vector<FieldSpec> out;
    std::string error;
    EXPECT_TRUE(parseFieldSpec(spec, records, out, error)) << spec << ": " << error;
    return out;
}

std::string errorOf(std::string_view spec, const std::vector<FieldRecord>& records = {}) {
    std::vector<FieldSpec> out;
    std::string error;
    EXPECT_FALSE(parseFieldSpec(spec, records, out, error)) << spec;
    EXPECT_TRUE(out.empty());
    return error;
}

TEST(FieldSpec, ItemsTypesAndOptionalFields) {
    auto specs = parsed("channel_id:id  message_id?:integer|string payload.x:any");
    ASSERT_EQ(specs.size(), 3u);
    EXPECT_EQ(specs[0].path, "channel_id");
    EXPECT_EQ(specs[0].types, FieldType::kId);
    EXPECT_TRUE(specs[0].required);
    EXPECT_EQ(specs[1].path, "message_id");
    EXPECT_EQ(specs[1].types, FieldType::kInteger | FieldType::kString);
    EXPECT_FALSE(specs[1].required);
    EXPECT_EQ(specs[2].types, FieldType::kAny);
    EXPECT_TRUE(parsed("").empty());
}

TEST(FieldSpec, QuirkTypesComeAfterATilde) {
    auto specs = parsed("read_user_count?:integer~string");
    ASSERT_EQ(specs.size(), 1u);
    EXPECT_EQ(specs[0].types, FieldType::kInteger);
    EXPECT_EQ(specs[0].quirkTypes, FieldType::kString);
}

TEST(FieldSpec, RecordsExpandUnderTheFieldsPathAndNest) {
    const std::vector<FieldRecord> records = {{"user", "id:integer email?:string"},
                                              {"message", "id:integer author:user|null"}};
    auto specs = parsed("payload:object payload.message:message", records);
    ASSERT_EQ(specs.size(), 6u);
    EXPECT_EQ(specs[1].path, "payload.message");
    EXPECT_EQ(specs[1].types, FieldType::kObject);
    EXPECT_EQ(specs[2].path, "payload.message.id");
    EXPECT_EQ(specs[3].path, "payload.message.author");
    EXPECT_EQ(specs[3].types, FieldType::kObject | FieldType::kNull);
    EXPECT_EQ(specs[4].path, "payload.message.author.id");
    EXPECT_EQ(specs[5].path, "payload.message.author.email");
    EXPECT_FALSE(specs[5].required);
}

TEST(FieldSpec, ALaterItemReplacesTheEarlierOneInPlace) {
    const std::vector<FieldRecord> records = {{"message", "id:integer content?:string"}};
    auto specs = parsed("m:message m.content:string|object", records);
    ASSERT_EQ(specs.size(), 3u);
    EXPECT_EQ(specs[2].path, "m.content");
    EXPECT_TRUE(specs[2].required);
    EXPECT_EQ(specs[2].types, FieldType::kString | FieldType::kObject);
}

TEST(FieldSpec, MalformedSpecsSayWhy) {
    EXPECT_NE(errorOf("channel_id").find("no ':type'"), std::string::npos);
    EXPECT_NE(errorOf("channel_id:float").find("float"), std::string::npos);
    EXPECT_NE(errorOf("a..b:id").find("path"), std::string::npos);
    EXPECT_NE(errorOf(":id").find("path"), std::string::npos);
    EXPECT_NE(errorOf("a:integer~string~bool").find("'~'"), std::string::npos);
    EXPECT_NE(errorOf("a:string~user", {{"user", "id:integer"}}).find("user"), std::string::npos);
    EXPECT_NE(errorOf("a:user|user", {{"user", "id:integer"}}).find("second record"), std::string::npos);
    EXPECT_NE(errorOf("a:loop", {{"loop", "next:loop"}}).find("too deep"), std::string::npos);
}

TEST(FieldSpec, DescribesTypesForSentences) {
    EXPECT_EQ(describeFieldTypes(FieldType::kInteger), "an integer");
    EXPECT_EQ(describeFieldTypes(FieldType::kId), "an id (an integer or a string of digits)");
    EXPECT_EQ(describeFieldTypes(FieldType::kString | FieldType::kObject), "a string or an object");
    EXPECT_EQ(describeFieldTypes(FieldType::kAny), "anything");
}

}  // namespace
}  // namespace rtmtap
