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
constexpr size_t kBig = 4096;  // a session that holds this much is not "small" (limit / 512, at least 4 KiB)
constexpr size_t kBulk = kLimit - kLimit / 8;         // what such sessions may fill

// One session's charge, as a relay keeps it.
struct Session {
    explicit Session(BufferBudget& b) : budget(b) {}
    BufferBudget& budget;
    BudgetCharge charge;
    int side = 0;  // its identity as an owner
    void hold(size_t bytes) { budget.settle(charge, bytes, budget.holds(&side)); }
    size_t allowance(bool finishing = false) { return budget.allowance(&side, charge.total(), finishing); }
    bool mayRead(bool finishing = false) { return allowance(finishing) > 0; }
};

TEST(BufferBudget, ReadingStopsOnceTheLimitIsReachedAndResumesWhenBytesDrain) {
    BufferBudget budget(kLimit, kMessage);
    int wakes = 0;
    budget.onFreed([&] { ++wakes; });
    EXPECT_EQ(budget.smallSession(), kBig);
    Session a{budget}, b{budget};
    b.hold(kBig);
    a.hold(kBulk - kBig - 1);
    EXPECT_EQ(a.allowance(), 1u) << "one byte left: a read is cut to it";
    a.hold(kBulk - kBig);
    EXPECT_FALSE(a.mayRead());
    EXPECT_FALSE(b.mayRead());
    a.hold(kBulk - kBig - 1000);
    EXPECT_EQ(wakes, 0) << "a few bytes free: waiters sleep on, not woken at every byte";
    a.hold(kBig);
    EXPECT_EQ(wakes, 1) << "most of it free: the waiters are woken, once";
    a.hold(kBig - 10);
    EXPECT_EQ(wakes, 1);
    EXPECT_TRUE(a.mayRead());
    EXPECT_EQ(budget.peak(), kBulk);
    EXPECT_EQ(budget.used(), 2 * kBig - 10);
    a.hold(0);
    b.hold(0);
    EXPECT_EQ(budget.used(), 0u);
}

TEST(BufferBudget, SessionsThatHoldLittleKeepTheLastEighth) {
    BufferBudget budget(kLimit, kMessage);
    int wakes = 0;
    budget.onFreed([&] { ++wakes; });
    Session slow{budget}, healthy{budget}, other{budget};
    slow.hold(kBulk);
    EXPECT_FALSE(slow.mayRead()) << "a session holding a lot waits";
    EXPECT_TRUE(healthy.mayRead()) << "one holding a message for a moment goes on";
    healthy.hold(300);
    EXPECT_EQ(healthy.allowance(), kBig - 300) << "a small session may grow to the size of a small session";
    other.hold(kLimit - kBulk - 300);
    EXPECT_FALSE(healthy.mayRead()) << "all spent: everyone waits";
    other.hold(0);
    EXPECT_EQ(wakes, 1) << "the small sessions' share is free again";
    EXPECT_TRUE(healthy.mayRead());
    EXPECT_FALSE(slow.mayRead());
}

TEST(BufferBudget, OneSessionMayFinishAMessageInTheOverdraft) {
    BufferBudget budget(kLimit, kMessage);
    int wakes = 0;
    budget.onFreed([&] { ++wakes; });
    Session filler{budget}, a{budget}, b{budget}, c{budget};
    filler.hold(kLimit);
    a.hold(kBig);  // part of a message
    b.hold(kBig);
    EXPECT_FALSE(c.mayRead(false)) << "not finishing a message: no overdraft";
    EXPECT_EQ(a.allowance(true), kMessage) << "a takes the overdraft";
    EXPECT_FALSE(b.mayRead(true)) << "only one session at a time";
    a.hold(kBig + kMessage - 1);
    EXPECT_TRUE(a.mayRead(true));
    a.hold(kBig + kMessage);
    EXPECT_FALSE(a.mayRead(true)) << "the overdraft is one message, no more";
    EXPECT_EQ(budget.peak(), kLimit + 2 * kBig + kMessage);
    const int before = wakes;
    EXPECT_FALSE(a.mayRead(false)) << "a's message is complete (its reader has it): the overdraft goes back";
    EXPECT_GT(wakes, before) << "b, refused while a held the overdraft, is told to ask again";
    EXPECT_FALSE(b.mayRead(true)) << "b takes the overdraft, but a's message still fills it";
    const int beforeDrain = wakes;
    a.hold(kBig);
    EXPECT_GT(wakes, beforeDrain) << "a's message went out: b is told to ask again";
    EXPECT_TRUE(b.mayRead(true)) << "now b may finish its message";
    EXPECT_FALSE(c.mayRead(true)) << "b holds the overdraft";
    budget.release(&b.side);
    budget.release(&b.side);  // harmless twice
    EXPECT_TRUE(c.mayRead(true));
}

TEST(BufferBudget, WhatTheOverdraftHeldDoesNotEatTheSmallSessionsShare) {
    BufferBudget budget(kLimit, kMessage);
    Session slow{budget}, stalled{budget}, healthy{budget};
    slow.hold(kBulk);
    stalled.hold(kBig);
    EXPECT_TRUE(stalled.mayRead(true));
    stalled.hold(kBig + kMessage);  // finished a message for a reader that then stopped reading
    EXPECT_FALSE(stalled.mayRead(false));
    EXPECT_EQ(budget.used(), kBulk + kBig + kMessage);
    EXPECT_TRUE(healthy.mayRead()) << "the budget's last eighth is still there for small sessions";
    stalled.hold(kBig);
    EXPECT_EQ(stalled.charge.extra, 0u) << "draining pays the overdraft back first";
}

TEST(BufferBudget, AReaderRefusedWhileAnotherThreadFreesIsWokenOrAllowed) {
    // Many rounds of: one thread frees the budget while another asks; whenever the asker is
    // refused, the bytes it waits for must either still be there or have woken it.
    for (int round = 0; round < 2000; ++round) {
        BufferBudget budget(64 * 1024, 1);
        std::atomic<int> wakes{0};
        budget.onFreed([&] { ++wakes; });
        Session full{budget}, asker{budget};
        full.hold(64 * 1024);
        std::thread freer([&] { full.hold(0); });
        const bool refused = !asker.mayRead();
        freer.join();
        if (refused) {
            EXPECT_EQ(wakes.load(), 1) << "round " << round << ": refused, and nobody will wake it";
        }
    }
}

}  // namespace
}  // namespace rtmtap
