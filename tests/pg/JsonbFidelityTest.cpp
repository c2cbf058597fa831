// pg/JsonbFidelity: which payloads jsonb reads as SQLite's json_extract does, so that the shipper
// may store them as doc and a --where containment finds every frame SQLite finds. The agreement
// itself is checked end to end against a real server in PgReaderTest.WhereConditions...
#include "pg/JsonbFidelity.h"

#include <gtest/gtest.h>

namespace rtmtap::pg {
namespace {

TEST(JsonbFidelityTest, NumbersADoubleHoldsAreFaithfulAndTheOthersNot) {
    for (const char* number : {"0", "-0", "5", "-9223372036854775808", "9223372036854775807", "5.0", "0.1", "-0.25",
                               "1e3", "1E+3", "2.5e-3", "123456789012345", "1.23456789012345", "0.000000000000000000001",
                               "1e22", "0e999999", "100000000000000000000000000000.0e-10"}) {
        EXPECT_TRUE(faithfulNumber(number)) << number;
    }
    for (const char* number : {"9223372036854775808", "-9223372036854775809", "12345678901234567890",
                               "0.10000000000000001", "5.0000000000000001", "1234567890123456.5", "1e-400", "1e23",
                               "1e-23", "1e9999999", "1.5e300", "x", ""}) {
        EXPECT_FALSE(faithfulNumber(number)) << number;
    }
}

TEST(JsonbFidelityTest, RepeatedOrEscapedKeysAndUnfaithfulNumbersMakeAPayloadUnfaithful) {
    for (const char* json : {R"({"a":5})", R"([1,2,{"a":1,"b":[{"a":2},{"a":3}]}])", R"({"a":{"a":{"a":1}},"b":{"a":2}})",
                             R"("just text")", R"({"s":"escaped \" \u00e9 value"})", "null", R"({"a":0.5,"b":[1e3]})"}) {
        EXPECT_TRUE(jsonbReadsLikeSqlite(json)) << json;
    }
    for (const char* json : {R"({"a":5,"a":6})", R"({"x":{"a":1,"b":2,"a":3}})", R"([{"a":1},{"k":[{"b":1,"b":1}]}])",
                             R"({"\u0061":5})", R"({"a\"b":1})", R"({"a":0.10000000000000001})",
                             R"([12345678901234567890])", R"({"a":5,})", "{", "not json", ""}) {
        EXPECT_FALSE(jsonbReadsLikeSqlite(json)) << json;
    }
}

TEST(JsonbFidelityTest, AnObjectOfManyKeysIsCheckedInOnePass) {
    std::string json = "{";
    for (int i = 0; i < 200000; ++i) {
        json += (i ? ",\"k" : "\"k") + std::to_string(i) + "\":" + std::to_string(i);
    }
    EXPECT_TRUE(jsonbReadsLikeSqlite(json + "}"));
    EXPECT_FALSE(jsonbReadsLikeSqlite(json + ",\"k199999\":0}"));
}

}  // namespace
}  // namespace rtmtap::pg
