// SimLoginGuard: the real API's back-off (free, free, 10 s, 20 s, 40 s...), its end, and its
// message in seconds or minutes.
#include "replay/SimLoginGuard.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(SimLoginGuard, BlocksForDoublingTimesFromTheThirdFailure) {
    SimLoginGuard guard;
    int64_t now = 1000;
    const int64_t expected[] = {0, 0, 10, 20, 40, 80};
    for (int64_t wait : expected) {
        ASSERT_EQ(guard.blockedFor("a@x", now), 0);
        guard.failed("a@x", now);
        EXPECT_EQ(guard.blockedFor("a@x", now), wait);
        EXPECT_EQ(guard.blockedFor("b@x", now), 0);
        now += wait;
    }
    guard.succeeded("a@x");
    guard.failed("a@x", now);
    EXPECT_EQ(guard.blockedFor("a@x", now), 0);
}

TEST(SimLoginGuard, ManyFailuresDoNotOverflow) {
    SimLoginGuard guard;
    for (int i = 0; i < 100; ++i) {
        guard.failed("a@x", 0);
    }
    EXPECT_GT(guard.blockedFor("a@x", 0), 0);
}

TEST(SimLoginGuard, MessageSaysSecondsOrMinutes) {
    EXPECT_EQ(SimLoginGuard::blockedMessage(1), "Your access is blocked. Try again in 1 second.");
    EXPECT_EQ(SimLoginGuard::blockedMessage(40), "Your access is blocked. Try again in 40 seconds.");
    EXPECT_EQ(SimLoginGuard::blockedMessage(80), "Your access is blocked. Try again in 1:20 minutes.");
    EXPECT_EQ(SimLoginGuard::blockedMessage(605), "Your access is blocked. Try again in 10:05 minutes.");
}

}  // namespace
}  // namespace rtmtap
