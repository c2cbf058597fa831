// StopSignals in this process: raise() sends the signal to the calling thread, where it stays
// pending (blocked) until waitFor()/wait() takes it. Were it not blocked, the test would die.
#include "cli/StopSignals.h"

#include <gtest/gtest.h>

#include <csignal>
#include <pthread.h>

namespace rtmtap::cli {
namespace {

bool blocked(int sig) {
    sigset_t mask;
    pthread_sigmask(SIG_SETMASK, nullptr, &mask);
    return sigismember(&mask, sig) == 1;
}

TEST(StopSignals, BlocksBothWhileAliveAndRestoresTheMask) {
    ASSERT_FALSE(blocked(SIGINT));
    ASSERT_FALSE(blocked(SIGTERM));
    {
        StopSignals signals;
        EXPECT_TRUE(blocked(SIGINT));
        EXPECT_TRUE(blocked(SIGTERM));
    }
    EXPECT_FALSE(blocked(SIGINT));
    EXPECT_FALSE(blocked(SIGTERM));
}

TEST(StopSignals, WaitForReportsASignalAndRemembersIt) {
    StopSignals signals;
    EXPECT_FALSE(signals.waitFor(0));
    EXPECT_FALSE(signals.waitFor(10));
    EXPECT_FALSE(signals.stopped());
    ASSERT_EQ(raise(SIGTERM), 0);
    EXPECT_TRUE(signals.waitFor(1000));
    EXPECT_TRUE(signals.stopped());
    EXPECT_TRUE(signals.waitFor(0));
    signals.wait();  // returns at once: already stopped
}

TEST(StopSignals, WaitReturnsOnSigint) {
    StopSignals signals;
    ASSERT_EQ(raise(SIGINT), 0);
    signals.wait();
    EXPECT_TRUE(signals.stopped());
}

TEST(StopSignals, ASecondSignalPendingAtTheEndIsTakenNotDelivered) {
    {
        StopSignals signals;
        ASSERT_EQ(raise(SIGINT), 0);
        EXPECT_TRUE(signals.waitFor(0));
        ASSERT_EQ(raise(SIGINT), 0);  // pending when the mask is restored
        ASSERT_EQ(raise(SIGTERM), 0);
    }
    sigset_t pending;
    sigpending(&pending);
    EXPECT_FALSE(sigismember(&pending, SIGINT));
    EXPECT_FALSE(sigismember(&pending, SIGTERM));
}

}  // namespace
}  // namespace rtmtap::cli
