// JsonFields: the flat member list every lint rule reads, checked on the shapes RTM frames have.
#include "lint/JsonFields.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(JsonFieldsTest, ListsMembersByDottedPathWithTypes) {
    std::string text =
        R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":10004,"read_user_count":"0",)"
        R"("is_edited":false,"parent_message":null,"attachments":[1,{"x":2}],"score":1.5,"content":{"type":2}}}})";
    JsonFields fields;
    ASSERT_TRUE(fields.parse(text));
    EXPECT_EQ(fields.rootType(), JsonType::Object);
    EXPECT_EQ(fields.find("meta.api")->type, JsonType::String);
    EXPECT_EQ(fields.string("event").value(), "chat.postMessage");
    EXPECT_EQ(fields.find("payload.message.id")->type, JsonType::Integer);
    EXPECT_EQ(fields.id("payload.message.id").value(), 10004);
    EXPECT_EQ(fields.find("payload.message.read_user_count")->type, JsonType::String);
    EXPECT_EQ(fields.id("payload.message.read_user_count").value(), 0);
    EXPECT_EQ(fields.find("payload.message.is_edited")->type, JsonType::Bool);
    EXPECT_EQ(fields.find("payload.message.is_edited")->raw, "false");
    EXPECT_EQ(fields.find("payload.message.parent_message")->type, JsonType::Null);
    EXPECT_EQ(fields.find("payload.message.score")->type, JsonType::Number);
    const JsonField* attachments = fields.find("payload.message.attachments");
    ASSERT_NE(attachments, nullptr);
    EXPECT_EQ(attachments->type, JsonType::Array);
    EXPECT_EQ(attachments->count, 2u);
    EXPECT_EQ(attachments->raw, R"([1,{"x":2}])");
    EXPECT_EQ(fields.find("payload.message.attachments.x"), nullptr);  // inside an array: not listed
    EXPECT_EQ(fields.find("payload.message.content.type")->type, JsonType::Integer);  // depth 4
    EXPECT_EQ(fields.find("payload")->count, 1u);
    EXPECT_EQ(fields.find("payload.message")->count, 7u);
}

TEST(JsonFieldsTest, DepthLimitAndEscapes) {
    JsonFields fields;
    ASSERT_TRUE(fields.parse(R"({"a":{"b":{"c":1}},"s":"x\"y","n":"12a"})", 2));
    EXPECT_NE(fields.find("a.b"), nullptr);
    EXPECT_EQ(fields.find("a.b.c"), nullptr);
    EXPECT_EQ(fields.string("s").value(), "x\"y");
    EXPECT_FALSE(fields.id("n").has_value());
    EXPECT_FALSE(fields.id("missing").has_value());
}

TEST(JsonFieldsTest, RejectsWhatIsNotJsonAndKnowsOtherRoots) {
    JsonFields fields;
    EXPECT_FALSE(fields.parse("{\"command\":"));
    EXPECT_TRUE(fields.all().empty());
    EXPECT_FALSE(fields.parse(""));
    ASSERT_TRUE(fields.parse(" null "));
    EXPECT_EQ(fields.rootType(), JsonType::Null);
    ASSERT_TRUE(fields.parse("[{\"id\":1}]"));
    EXPECT_EQ(fields.rootType(), JsonType::Array);
    EXPECT_EQ(fields.all().size(), 1u);
    EXPECT_EQ(fields.all()[0].count, 1u);
}

}  // namespace
}  // namespace rtmtap
