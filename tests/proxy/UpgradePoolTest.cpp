// proxy/UpgradePool: at most maxThreads run, the rest wait in order, join runs what is queued.
#include "proxy/UpgradePool.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <thread>
#include <vector>

namespace rtmtap {
namespace {

// Jobs that block until opened, so a test sees how many run at once.
class Gate {
public:
    void pass() {
        std::unique_lock<std::mutex> lock(mutex_);
        ++waiting_;
        changed_.notify_all();
        changed_.wait(lock, [this] { return open_; });
        --waiting_;
    }
    bool waitForWaiting(int n) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(20), [&] { return waiting_ >= n; });
    }
    int waiting() {
        std::lock_guard<std::mutex> lock(mutex_);
        return waiting_;
    }
    void open() {
        std::lock_guard<std::mutex> lock(mutex_);
        open_ = true;
        changed_.notify_all();
    }

private:
    std::mutex mutex_;
    std::condition_variable changed_;
    int waiting_ = 0;
    bool open_ = false;
};

TEST(UpgradePool, AtMostMaxThreadsRun) {
    UpgradePool pool(3);
    Gate gate;
    std::atomic<int> ran{0};
    for (int i = 0; i < 10; ++i) {
        pool.post([&] {
            gate.pass();
            ++ran;
        });
    }
    ASSERT_TRUE(gate.waitForWaiting(3));
    std::this_thread::sleep_for(std::chrono::milliseconds(50));  // a fourth would show up now
    EXPECT_EQ(gate.waiting(), 3);
    EXPECT_EQ(pool.threads(), 3u);
    gate.open();
    pool.join();
    EXPECT_EQ(ran.load(), 10);
}

TEST(UpgradePool, QueuedJobsRunInOrder) {
    UpgradePool pool(1);
    Gate gate;
    std::vector<int> order;  // one thread: no lock needed
    pool.post([&] { gate.pass(); });
    for (int i = 0; i < 5; ++i) {
        pool.post([&, i] { order.push_back(i); });
    }
    ASSERT_TRUE(gate.waitForWaiting(1));
    gate.open();
    pool.join();
    EXPECT_EQ(order, (std::vector<int>{0, 1, 2, 3, 4}));
}

TEST(UpgradePool, ThreadsAreStartedOnlyForWork) {
    UpgradePool pool(8);
    EXPECT_EQ(pool.threads(), 0u);
    std::atomic<int> ran{0};
    for (int i = 0; i < 20; ++i) {
        pool.post([&] { ++ran; });
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    pool.join();
    EXPECT_EQ(ran.load(), 20);
    EXPECT_EQ(pool.threads(), 0u) << "join ends them";
}

TEST(UpgradePool, AfterJoinAJobRunsOnTheCaller) {
    UpgradePool pool(2);
    pool.join();
    std::thread::id ranOn;
    pool.post([&] { ranOn = std::this_thread::get_id(); });
    EXPECT_EQ(ranOn, std::this_thread::get_id());
}

}  // namespace
}  // namespace rtmtap
