// BurstWindow: the sliding one-second window behind the burst rule, when a burst starts, what it
// counts, and that it ends only once the window is down to half the limit.
#include "lint/BurstWindow.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

Message command(int64_t seq, int64_t t_us, const std::string& name) {
    Message m;
    m.seq = seq;
    m.t_us = t_us;
    m.payload = R"({"command":")" + name + "\"}";
    return m;
}

// Adds a command at t_us, as BurstRule does: advance first, then add.
std::optional<Burst> addAt(BurstWindow& window, int64_t seq, int64_t t_us, const std::string& name = "ws_ping") {
    std::optional<Burst> ended = window.advance(t_us);
    Message m = command(seq, t_us, name);
    window.add(LintFrame(m));
    return ended;
}

TEST(BurstWindowTest, ABurstStartsAboveTheLimitAndEndsAtHalfOfIt) {
    BurstWindow window(4);
    for (int64_t i = 0; i < 5; ++i) {  // five within 0.4 s: above 4
        EXPECT_FALSE(addAt(window, i + 1, i * 100'000, i == 2 ? "ws_auth" : "ws_ping"));
    }
    // 1.05 s: the frame at 0 has left the window, four are left and this one joins: still on.
    EXPECT_FALSE(addAt(window, 6, 1'050'000));
    // 1.45 s: only the frame at 1.05 s is left, under half the limit: the burst is over.
    std::optional<Burst> burst = window.advance(1'450'000);
    ASSERT_TRUE(burst);
    EXPECT_EQ(burst->first.message.seq, 1);
    EXPECT_EQ(burst->last.message.seq, 6);
    EXPECT_EQ(burst->frames, 6u);
    EXPECT_EQ(burst->peak, 5u);
    EXPECT_EQ(burst->commonest, "ws_ping");
    EXPECT_EQ(burst->commonestCount, 5u);
    EXPECT_EQ(burst->durationUs(), 1'050'000);
    EXPECT_FALSE(window.finish());  // handed back once
}

TEST(BurstWindowTest, AtTheLimitIsNoBurstAndResetForgetsAnOpenOne) {
    BurstWindow window(4);
    for (int64_t i = 0; i < 4; ++i) {
        addAt(window, i + 1, i * 100'000);
    }
    EXPECT_FALSE(window.finish());
    addAt(window, 5, 400'000);
    window.reset();
    EXPECT_FALSE(window.finish());
    for (int64_t i = 0; i < 5; ++i) {
        addAt(window, i + 10, 5'000'000 + i * 10'000);
    }
    std::optional<Burst> burst = window.finish();
    ASSERT_TRUE(burst);
    EXPECT_EQ(burst->first.message.seq, 10);
    EXPECT_EQ(burst->frames, 5u);
}

}  // namespace
}  // namespace rtmtap
