// protocol/TimeSpan: differences of untrusted recorded times saturate instead of overflowing
// (the lint rules met both ends of int64 in an imported file; UBSan caught the overflow).
#include "protocol/TimeSpan.h"

#include <gtest/gtest.h>

#include <limits>

namespace rtmtap {
namespace {

constexpr int64_t kMax = std::numeric_limits<int64_t>::max();
constexpr int64_t kMin = std::numeric_limits<int64_t>::min();

TEST(TimeSpanTest, ADifferenceInRangeIsExactAndOnePastItSaturates) {
    EXPECT_EQ(spanUs(1'000, 26'000), 25'000);
    EXPECT_EQ(spanUs(26'000, 1'000), -25'000);
    EXPECT_EQ(spanUs(0, kMax), kMax);
    EXPECT_EQ(spanUs(-1, kMax), kMax) << "one past the top";
    EXPECT_EQ(spanUs(kMin, kMax), kMax);
    EXPECT_EQ(spanUs(kMax, kMin), kMin);
    EXPECT_EQ(spanUs(1, kMin), kMin) << "one past the bottom";
    EXPECT_EQ(spanUs(kMin, 0), kMax);
    EXPECT_EQ(spanUs(kMin + 1, 0), kMax);
}

}  // namespace
}  // namespace rtmtap
