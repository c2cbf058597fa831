// rule_counts (schema version 8): rows written per span and read back by the spans that overlap
// a range, in span then file order.
#include "store/Database.h"
#include "store/RuleCounts.h"
#include "store/Schema.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

RuleCountRow row(int64_t from, int64_t to, int64_t line, int64_t touched) {
    return RuleCountRow{from, to, "r.jsonl", line, "{\"match\":{},\"drop\":true}", touched + 1, touched, 0};
}

TEST(RuleCounts, SpansThatOverlapTheRangeInOrder) {
    test::TempDir dir;
    const std::string path = dir.file("t.db");
    {
        Database db(path, Database::Mode::ReadWriteCreate);
        Schema::prepareForWriting(db);
    }
    RuleCounts::write(path, {row(100, 200, 1, 5), row(100, 200, 3, 0)});
    RuleCounts::write(path, {row(200, 300, 1, 7)});
    RuleCounts::write(path, {});
    std::vector<RuleCountRow> all = RuleCounts::read(path, 0, 1000);
    ASSERT_EQ(all.size(), 3u);
    EXPECT_EQ(all[0].line, 1);
    EXPECT_EQ(all[0].touched, 5);
    EXPECT_EQ(all[0].matched, 6);
    EXPECT_EQ(all[1].line, 3);
    EXPECT_EQ(all[2].started_us, 200);
    EXPECT_EQ(all[2].rule, "{\"match\":{},\"drop\":true}");
    EXPECT_EQ(RuleCounts::read(path, 250, 260).size(), 1u);
    EXPECT_EQ(RuleCounts::read(path, 150, 150).size(), 2u);
    EXPECT_TRUE(RuleCounts::read(path, 301, 400).empty());
}

}  // namespace
}  // namespace rtmtap
