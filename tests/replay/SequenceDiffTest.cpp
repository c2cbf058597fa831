#include "replay/SequenceDiff.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

using Op = DiffStep::Op;

std::string render(const std::vector<std::string>& a, const std::vector<std::string>& b) {
    std::string out;
    for (const DiffStep& s : diffSequences(a, b)) {
        switch (s.op) {
        case Op::Same: out += " " + a[s.recorded]; break;
        case Op::Missing: out += " -" + a[s.recorded]; break;
        case Op::Extra: out += " +" + b[s.replayed]; break;
        }
    }
    return out;
}

TEST(SequenceDiffTest, EqualSequencesHaveNoDifferences) {
    std::vector<std::string> a = {"x", "y", "z"};
    auto steps = diffSequences(a, a);
    EXPECT_FALSE(hasDifferences(steps));
    EXPECT_EQ(steps.size(), 3u);
}

TEST(SequenceDiffTest, ShowsMissingAndExtraItemsInPlace) {
    EXPECT_EQ(render({"a", "b", "c", "d"}, {"a", "c", "x", "d"}), " a -b c +x d");
    EXPECT_EQ(render({}, {"a"}), " +a");
    EXPECT_EQ(render({"a"}, {}), " -a");
    EXPECT_EQ(render({"a", "b"}, {"b", "a"}), " +b a -b");
}

TEST(SequenceDiffTest, LongDifferentSequencesFallBackToPositions) {
    std::vector<std::string> a(5000, "a"), b(5000, "b");
    a.push_back("end");
    b.push_back("end");
    auto steps = diffSequences(a, b);
    EXPECT_TRUE(hasDifferences(steps));
    EXPECT_EQ(steps.back().op, Op::Same);
    size_t missing = 0, extra = 0;
    for (const auto& s : steps) {
        missing += s.op == Op::Missing;
        extra += s.op == Op::Extra;
    }
    EXPECT_EQ(missing, 5000u);
    EXPECT_EQ(extra, 5000u);
}

}  // namespace
}  // namespace rtmtap
