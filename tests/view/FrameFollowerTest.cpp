// probeDatabase: what a follower (rtmtap tail, the viewer's tail) makes of --db before reading it.
#include "view/FrameFollower.h"

#include <gtest/gtest.h>

namespace rtmtap::view {
namespace {

TEST(FrameFollowerTest, AProbeOfAPostgresUrlLooksAtNoFile) {
    // No such file exists: a path would be Missing.
    EXPECT_EQ(probeDatabase("postgresql://localhost/none"), DatabaseState::Ready);
    EXPECT_EQ(probeDatabase("postgresql-not-a-url"), DatabaseState::Missing);
}

}  // namespace
}  // namespace rtmtap::view
