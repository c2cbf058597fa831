// proxy/BurstLog: one stderr line when a burst starts, none while it lasts.
#include "proxy/BurstLog.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

TEST(BurstLog, OneLineABurstAndTheCountOfTheLastOneWithTheNext) {
    BurstLog log(10'000'000);
    testing::internal::CaptureStderr();
    EXPECT_TRUE(log.note(1'000'000, "rtmtap: trouble"));
    EXPECT_FALSE(log.note(2'000'000, "rtmtap: trouble"));
    EXPECT_FALSE(log.note(11'000'000, "rtmtap: trouble")) << "9 s after the last one: the same burst";
    EXPECT_TRUE(log.note(21'000'000, "rtmtap: trouble again"));
    const std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(err, "rtmtap: trouble\nrtmtap: trouble again (3 in the previous burst)\n");
}

}  // namespace
}  // namespace rtmtap
