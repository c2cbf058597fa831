// The process-wide budget on bytes buffered by the relays, without sockets.
#include "proxy/BufferBudget.h"

#include <gtest/gtest.h>

#include <atomic>
#include <thread>
#include <vector>

namespace rtmtap {
namespace {

constexpr size_t kLimit = 1 << 20;
constexpr size_t kMessage = 256 << 10;

TEST(BufferBudget, ReadingStopsOnceTheLimitIsReachedAndResumesWhenBytesDrain) {
    BufferBudget budget(kLimit, kMessage);
    int wakes = 0;
    budget.onFreed([&] { ++wakes; });
    int a = 0, b = 0;
    EXPECT_TRUE(budget.mayRead(&a, false));
    budget.adjust(kLimit - 1);
    EXPECT_TRUE(budget.mayRead(&a, false)) << "one byte left";
    budget.adjust(1);
    EXPECT_FALSE(budget.mayRead(&a, false));
    EXPECT_FALSE(budget.mayRead(&b, false));
    budget.adjust(-1000);
    EXPECT_EQ(wakes, 0) << "a few bytes free: waiters sleep on, not woken at every byte";
    budget.adjust(-int64_t(kLimit / 2));
    EXPECT_EQ(wakes, 1) << "half free: the waiters are woken, once";
    budget.adjust(-10);
    EXPECT_EQ(wakes, 1);
    EXPECT_TRUE(budget.mayRead(&a, false));
    EXPECT_EQ(budget.peak(), kLimit);
    EXPECT_EQ(budget.used(), kLimit - 1000 - kLimit / 2 - 10);
}

TEST(BufferBudget, OneSessionMayFinishAMessageBeyondTheLimit) {
    BufferBudget budget(kLimit, kMessage);
    int wakes = 0;
    budget.onFreed([&] { ++wakes; });
    int a = 0, b = 0, c = 0;
    budget.adjust(kLimit);
    EXPECT_FALSE(budget.mayRead(&c, false)) << "not in a message: no overdraft";
    EXPECT_TRUE(budget.mayRead(&a, true)) << "a takes the overdraft";
    EXPECT_FALSE(budget.mayRead(&b, true)) << "only one session at a time";
    budget.adjust(kMessage - 1);
    EXPECT_TRUE(budget.mayRead(&a, true));
    budget.adjust(1);
    EXPECT_FALSE(budget.mayRead(&a, true)) << "the overdraft is one message, no more";
    EXPECT_EQ(budget.peak(), kLimit + kMessage);
    const int before = wakes;
    EXPECT_FALSE(budget.mayRead(&a, false)) << "a's message is complete: overdraft returned, and the budget is spent";
    EXPECT_GT(wakes, before) << "b, refused while a held the overdraft, is told to ask again";
    EXPECT_FALSE(budget.mayRead(&b, true)) << "b takes the overdraft, but a's message still fills it";
    const int beforeDrain = wakes;
    budget.adjust(-int64_t(kMessage));
    EXPECT_GT(wakes, beforeDrain) << "a's message went out: b is told to ask again";
    EXPECT_TRUE(budget.mayRead(&b, true)) << "now b may finish its message";
    EXPECT_FALSE(budget.mayRead(&c, true)) << "b holds the overdraft";
    budget.release(&b);
    budget.release(&b);  // harmless twice
    EXPECT_TRUE(budget.mayRead(&c, true));
    EXPECT_EQ(budget.peak(), kLimit + kMessage);
}

TEST(BufferBudget, AReaderRefusedWhileAnotherThreadFreesIsWokenOrAllowed) {
    // Many rounds of: one thread fills the budget and frees it, another asks; whenever the asker is
    // refused, the bytes it waits for must either still be there or have woken it.
    for (int round = 0; round < 2000; ++round) {
        BufferBudget budget(64 * 1024, 0);
        std::atomic<int> wakes{0};
        budget.onFreed([&] { ++wakes; });
        int owner = 0;
        budget.adjust(64 * 1024);
        bool refused = false;
        std::thread freer([&] { budget.adjust(-64 * 1024); });
        refused = !budget.mayRead(&owner, false);
        freer.join();
        if (refused) {
            EXPECT_EQ(wakes.load(), 1) << "round " << round << ": refused, and nobody will wake it";
        }
    }
}

}  // namespace
}  // namespace rtmtap
