// The scheduler on a FakeClock (runDue, the test moves time) and, once, on the real clock.
#include "replay/Scheduler.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <mutex>
#include <stdexcept>
#include <string>
#include <sys/prctl.h>
#include <thread>
#include <vector>

namespace rtmtap {
namespace {

// What ran, in order; thread-safe, since run() calls actions on its own thread.
class Log {
public:
    std::function<void(const Firing&)> item(std::string name) {
        return [this, name](const Firing& f) {
            std::lock_guard<std::mutex> lock(mutex_);
            names_.push_back(name);
            firings_.push_back(f);
        };
    }
    std::vector<std::string> names() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return names_;
    }
    std::vector<Firing> firings() const {
        std::lock_guard<std::mutex> lock(mutex_);
        return firings_;
    }

private:
    mutable std::mutex mutex_;
    std::vector<std::string> names_;
    std::vector<Firing> firings_;
};

using Names = std::vector<std::string>;

TEST(SchedulerTest, ItemsAddedOutOfOrderRunInOffsetOrderWhenDue) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(300, log.item("c"));
    s.add(100, log.item("a"));
    s.add(200, log.item("b"));
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(150);
    EXPECT_EQ(s.runDue(), 1u);
    EXPECT_EQ(log.names(), Names{"a"});
    clock.advance(1000);
    EXPECT_EQ(s.runDue(), 2u);
    EXPECT_EQ(log.names(), (Names{"a", "b", "c"}));
    EXPECT_EQ(s.pending(), 0u);
}

TEST(SchedulerTest, EqualOffsetsKeepInsertionOrder) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(500, log.item("x1"));
    s.add(0, log.item("first"));
    s.add(500, log.item("x2"));
    s.add(500, log.item("x3"));
    clock.advance(500);
    EXPECT_EQ(s.runDue(), 4u);
    EXPECT_EQ(log.names(), (Names{"first", "x1", "x2", "x3"}));
}

TEST(SchedulerTest, FiringTellsDueTimeAndLatenessAndStatsCollectIt) {
    FakeClock clock;
    const int64_t origin = clock.monotonicUs();
    Scheduler s(clock);
    Log log;
    s.add(100, log.item("a"));
    s.add(200, log.item("b"));
    int plainRuns = 0;
    s.add(250, [&] { ++plainRuns; });  // an action that takes no Firing
    clock.advance(130);
    s.runDue();
    clock.advance(170);  // now origin + 300
    s.runDue();
    auto f = log.firings();
    ASSERT_EQ(f.size(), 2u);
    EXPECT_EQ(f[0].offsetUs, 100);
    EXPECT_EQ(f[0].dueUs, origin + 100);
    EXPECT_EQ(f[0].ranUs, origin + 130);
    EXPECT_EQ(f[0].latenessUs(), 30);
    EXPECT_EQ(f[1].latenessUs(), 100);
    EXPECT_EQ(plainRuns, 1);
    EXPECT_EQ(s.lateness(), (std::vector<int64_t>{30, 100, 50}));
    SchedulerStats stats = s.stats();
    EXPECT_EQ(stats.ran, 3u);
    EXPECT_EQ(stats.p50Us, 50);
    EXPECT_EQ(stats.p99Us, 100);
    EXPECT_EQ(stats.maxUs, 100);
}

TEST(SchedulerTest, SpeedScalesOffsets) {
    FakeClock clock;
    Scheduler s(clock);
    s.setSpeed(2.0);
    Log log;
    s.add(1000, log.item("a"));  // due at origin + 500
    s.add(3000, log.item("b"));  // due at origin + 1500
    clock.advance(499);
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);
    clock.advance(999);
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);

    Scheduler slow(clock);
    slow.setSpeed(0.5);
    slow.add(100, log.item("slow"));  // due at origin + 200
    clock.advance(199);
    EXPECT_EQ(slow.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(slow.runDue(), 1u);
}

TEST(SchedulerTest, SpeedChangeKeepsThePosition) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(1000, log.item("due"));
    s.add(3000, log.item("later"));
    clock.advance(2000);  // position 2000: "due" is due, "later" is 1000 µs away
    s.setSpeed(4.0);
    EXPECT_EQ(s.positionUs(), 2000);
    EXPECT_EQ(s.runDue(), 1u) << "what was due stays due";
    clock.advance(249);  // 1000 offset µs at speed 4 are 250 µs
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);
    EXPECT_EQ(log.names(), (Names{"due", "later"}));
    EXPECT_THROW(s.setSpeed(0.05), std::invalid_argument);
    EXPECT_THROW(s.setSpeed(101), std::invalid_argument);
    EXPECT_EQ(s.speed(), 4.0);
}

TEST(SchedulerTest, RebaseMovesWhatIsDue) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(1000, log.item("a"));
    s.add(2000, log.item("b"));
    clock.advance(5000);  // everything is overdue, e.g. after a long pause at a step
    // Continue on time from "a": it is due now, "b" 1000 µs later.
    s.rebase(clock.monotonicUs() - 1000);
    EXPECT_EQ(s.originUs(), clock.monotonicUs() - 1000);
    EXPECT_EQ(s.runDue(), 1u);
    EXPECT_EQ(log.firings()[0].latenessUs(), 0);
    clock.advance(999);
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);
    // An origin ahead of now: nothing is due until it comes.
    s.add(1500, log.item("c"));
    s.rebase(clock.monotonicUs() + 10'000);
    clock.advance(11'499);
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);
}

TEST(SchedulerTest, PauseHoldsItemsAndResumeContinuesOnTime) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(100, log.item("a"));
    s.add(300, log.item("b"));
    clock.advance(200);
    s.pause();
    EXPECT_EQ(s.runDue(), 0u) << "nothing runs while paused";
    clock.advance(10'000);
    EXPECT_EQ(s.positionUs(), 200);
    s.resume();
    EXPECT_EQ(s.runDue(), 1u);
    EXPECT_EQ(log.firings()[0].latenessUs(), 100) << "it was already 100 µs late when paused";
    clock.advance(99);
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);
    EXPECT_EQ(log.firings()[1].latenessUs(), 0);
}

TEST(SchedulerTest, ShiftPolicyKeepsSpacingAfterALateItem) {
    FakeClock clock;
    Scheduler s(clock, Scheduler::LatePolicy::Shift);
    Log log;
    s.add(100, log.item("a"));
    s.add(400, log.item("b"));
    clock.advance(250);  // "a" runs 150 µs late
    EXPECT_EQ(s.runDue(), 1u);
    clock.advance(299);  // "b" keeps its 300 µs from "a" as it ran
    EXPECT_EQ(s.runDue(), 0u);
    clock.advance(1);
    EXPECT_EQ(s.runDue(), 1u);
    EXPECT_EQ(log.firings()[1].ranUs - log.firings()[0].ranUs, 300);

    Scheduler catchUp(clock);
    catchUp.add(100, log.item("c"));
    catchUp.add(400, log.item("d"));
    clock.advance(250);
    EXPECT_EQ(catchUp.runDue(), 1u);
    clock.advance(150);  // "d" keeps its own due time
    EXPECT_EQ(catchUp.runDue(), 1u);
}

TEST(SchedulerTest, ActionsMayAddItems) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(0, [&] {
        s.add(0, log.item("added-now"));
        s.add(1000, log.item("added-later"));
    });
    EXPECT_EQ(s.runDue(), 2u);
    EXPECT_EQ(log.names(), Names{"added-now"});
    clock.advance(1000);
    EXPECT_EQ(s.runDue(), 1u);
}

TEST(SchedulerTest, RunWaitsForItemsAddedFromAnotherThreadUntilNoMoreMayCome) {
    FakeClock clock;
    Scheduler s(clock);
    s.setMoreMayCome(true);
    Log log;
    std::promise<void> firstRan;
    s.add(0, [&] { firstRan.set_value(); });
    auto runner = std::async(std::launch::async, [&] { return s.run(); });
    ASSERT_EQ(firstRan.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    // run() has nothing left and waits: items added from another thread wake it.
    std::thread adder([&] {
        s.add(0, log.item("b"));
        s.add(-10, log.item("a"));
    });
    adder.join();
    s.setMoreMayCome(false);
    ASSERT_EQ(runner.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(runner.get(), Scheduler::End::Done);
    // Both were added before "no more" and are due: run() ran them before it returned.
    auto names = log.names();
    ASSERT_EQ(names.size(), 2u);
    EXPECT_EQ(s.pending(), 0u);
}

TEST(SchedulerTest, StopEndsAWaitingRunPromptly) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(3'600'000'000, log.item("in an hour"));  // the fake clock never gets there
    auto runner = std::async(std::launch::async, [&] { return s.run(); });
    std::this_thread::sleep_for(std::chrono::milliseconds(20));  // let it wait (not a timing assertion)
    s.stop();
    ASSERT_EQ(runner.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    EXPECT_EQ(runner.get(), Scheduler::End::Stopped);
    EXPECT_TRUE(log.names().empty());
    EXPECT_TRUE(s.stopped());
    clock.advance(3'600'000'000);
    EXPECT_EQ(s.runDue(), 0u) << "a stopped scheduler runs nothing";
    EXPECT_EQ(s.run(), Scheduler::End::Stopped);
}

TEST(SchedulerTest, AnActionThatThrowsEndsRun) {
    FakeClock clock;
    Scheduler s(clock);
    Log log;
    s.add(0, [] { throw std::runtime_error("send failed"); });
    s.add(1, log.item("after"));
    clock.advance(1);
    EXPECT_THROW(s.run(), std::runtime_error);
    EXPECT_EQ(s.pending(), 1u) << "the failed item is consumed, the rest stays";
    EXPECT_EQ(s.runDue(), 1u);
}

TEST(SchedulerTest, EmptyRunIsDoneAtOnce) {
    FakeClock clock;
    Scheduler s(clock);
    EXPECT_EQ(s.run(), Scheduler::End::Done);
    EXPECT_EQ(s.stats().ran, 0u);
    EXPECT_EQ(s.stats().p99Us, 0);
}

// run() sleeps until each item is due rather than spinning; the sleep is only precise with the
// thread's timer slack lowered (Linux adds the slack, 50 µs by default, to every timed wait).
TEST(SchedulerTest, RunLowersTheTimerSlackWhileItRunsAndPutsItBack) {
    ASSERT_EQ(::prctl(PR_SET_TIMERSLACK, 70'000UL, 0, 0, 0), 0);
    Scheduler s(Clock::system());
    int during = -1;
    s.add(1000, [&] { during = ::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0); });
    EXPECT_EQ(s.run(), Scheduler::End::Done);
    EXPECT_EQ(during, static_cast<int>(Scheduler::kTimerSlackNs));
    EXPECT_EQ(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 70'000) << "the caller's slack is back";
    s.add(0, [] { throw std::runtime_error("send failed"); });
    EXPECT_THROW(s.run(), std::runtime_error);
    EXPECT_EQ(::prctl(PR_GET_TIMERSLACK, 0, 0, 0, 0), 70'000) << "also when an action throws";
    ::prctl(PR_SET_TIMERSLACK, 0UL, 0, 0, 0);  // the default again
}

TEST(SchedulerTest, RealClockRunsEverythingInOrder) {
    Scheduler s(Clock::system());
    Log log;
    for (int i = 9; i >= 0; --i) {
        s.add(i * 2000, log.item(std::to_string(i)));  // 0 to 18 ms, added backwards
    }
    s.add(8000, log.item("4b"));  // the offset of "4", added after it
    EXPECT_EQ(s.run(), Scheduler::End::Done);
    EXPECT_EQ(log.names(), (Names{"0", "1", "2", "3", "4", "4b", "5", "6", "7", "8", "9"}));
    for (const Firing& f : log.firings()) {
        EXPECT_GE(f.latenessUs(), 0) << "never before its time";
    }
    EXPECT_EQ(s.stats().ran, 11u);
}

}  // namespace
}  // namespace rtmtap
