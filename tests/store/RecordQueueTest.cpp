// The recorder's queue: cost accounting, the limit as a signal (never a wait), listeners woken
// once per reopening, flush and close.
#include "store/RecordQueue.h"

#include <gtest/gtest.h>

#include <atomic>
#include <chrono>
#include <future>
#include <memory>
#include <thread>

namespace rtmtap {
namespace {

constexpr auto kGenerous = std::chrono::seconds(20);

Message message(size_t payloadBytes, int64_t seq = 1) {
    Message m;
    m.session = 1;
    m.seq = seq;
    m.payload.assign(payloadBytes, 'x');
    m.size = payloadBytes;
    return m;
}

// Runs fn on another thread and says whether it returned within a generous deadline: a call
// that waited for the writer (which no test here runs) would never return.
template <typename Fn>
bool returns(Fn fn) {
    auto done = std::async(std::launch::async, fn);
    return done.wait_for(kGenerous) == std::future_status::ready;
}

TEST(RecordQueueTest, CostIsThePayloadOrStringsPlusAFixedOverhead) {
    const size_t overhead = RecordQueue::cost(Record(message(0)));
    EXPECT_GT(overhead, 0u);
    EXPECT_EQ(RecordQueue::cost(Record(message(1000))), overhead + 1000);

    auto list = std::make_shared<std::vector<Message>>();
    list->push_back(message(10));
    list->push_back(message(20));
    MessageBatch batch = list;
    EXPECT_EQ(RecordQueue::cost(Record(batch)), overhead + (overhead + 10) + (overhead + 20));
    EXPECT_EQ(RecordQueue::rows(Record(batch)), 2u);

    SessionInfo info;
    info.client = "127.0.0.1:1";
    info.headers = {{"Host", "h"}};
    EXPECT_GT(RecordQueue::cost(Record(info)), overhead + info.client.size());
    GapRow gap;
    gap.reason = "database locked by another process";
    EXPECT_EQ(RecordQueue::cost(Record(gap)), overhead + gap.reason.size());
    EXPECT_EQ(RecordQueue::rows(Record(gap)), 1u);
}

TEST(RecordQueueTest, APushNeverWaitsAndTheLimitTurnsTheSignalOff) {
    const size_t each = RecordQueue::cost(Record(message(200)));
    RecordQueue queue(2 * each + 1);  // two fit below the limit, the third reaches it
    EXPECT_TRUE(queue.open());
    ASSERT_TRUE(queue.push(message(200)));
    ASSERT_TRUE(queue.push(message(200)));
    EXPECT_TRUE(queue.open());
    EXPECT_EQ(queue.timesBehind(), 0u);
    ASSERT_TRUE(queue.push(message(200)));
    EXPECT_FALSE(queue.open());
    EXPECT_EQ(queue.timesBehind(), 1u);
    // Far beyond the limit, with no writer taking anything: every push still returns at once.
    EXPECT_TRUE(returns([&] {
        for (int i = 0; i < 1000; ++i) {
            queue.push(message(200));
        }
    }));
    EXPECT_EQ(queue.pushed(), 1003u);
    EXPECT_EQ(queue.heldBytes(), 1003 * each);
    EXPECT_EQ(queue.peakHeldBytes(), 1003 * each);
    EXPECT_EQ(queue.heldRows(), 1003u);
    EXPECT_EQ(queue.timesBehind(), 1u) << "one episode, however far past the limit";
}

TEST(RecordQueueTest, TheSignalOpensAtThreeQuartersOfTheLimitAndWakesListenersOnce) {
    const size_t each = RecordQueue::cost(Record(message(100)));
    RecordQueue queue(4 * each);
    std::atomic<int> wakes{0};
    queue.subscribe([&] { ++wakes; });
    for (int i = 0; i < 5; ++i) {
        queue.push(message(100, i + 1));
    }
    ASSERT_FALSE(queue.open());
    std::vector<Record> taken;
    ASSERT_TRUE(queue.take(taken, RecordQueue::Clock::now(), false));
    ASSERT_EQ(taken.size(), 5u);
    EXPECT_EQ(queue.heldBytes(), 5 * each) << "taken records still count until completed";
    queue.complete(1, 1, each);  // 4 held: at the limit
    EXPECT_FALSE(queue.open());
    queue.complete(1, 1, each);  // 3 held: three quarters
    EXPECT_TRUE(queue.open());
    EXPECT_EQ(wakes.load(), 1);
    queue.complete(3, 3, 3 * each);
    EXPECT_EQ(wakes.load(), 1) << "woken when it opened, not for every completion";
    EXPECT_EQ(queue.heldBytes(), 0u);
    EXPECT_EQ(queue.heldRows(), 0u);
    EXPECT_EQ(queue.peakHeldBytes(), 5 * each);
}

TEST(RecordQueueTest, AnUnsubscribedListenerIsNeverCalled) {
    const size_t each = RecordQueue::cost(Record(message(0)));
    RecordQueue queue(each);
    std::atomic<int> kept{0}, dropped{0};
    queue.subscribe([&] { ++kept; });
    uint64_t id = queue.subscribe([&] { ++dropped; });
    queue.unsubscribe(id);
    queue.push(message(0));
    ASSERT_FALSE(queue.open());
    queue.complete(1, 1, each);
    EXPECT_TRUE(queue.open());
    EXPECT_EQ(kept.load(), 1);
    EXPECT_EQ(dropped.load(), 0);
}

TEST(RecordQueueTest, BehindTheWriterIsAskedToCommitNow) {
    const size_t each = RecordQueue::cost(Record(message(0)));
    RecordQueue queue(3 * each);
    queue.push(message(0));
    std::vector<Record> taken;
    ASSERT_TRUE(queue.take(taken, RecordQueue::Clock::now(), false));
    EXPECT_FALSE(queue.commitWanted()) << "one record, no flush: the writer keeps its interval";
    queue.push(message(0));
    queue.push(message(0));
    EXPECT_TRUE(queue.commitWanted());
    // With a batch open the writer's take() returns before its (far) deadline: a commit is wanted.
    EXPECT_TRUE(returns([&] {
        std::vector<Record> more;
        queue.take(more, RecordQueue::Clock::now() + std::chrono::hours(1), true);
    }));
}

TEST(RecordQueueTest, FlushReturnsOnceEverythingBeforeItIsCompleted) {
    RecordQueue queue(1 << 20);
    const size_t each = RecordQueue::cost(Record(message(10)));
    queue.push(message(10));
    queue.push(message(10));
    std::atomic<bool> flushed{false};
    std::thread flusher([&] {
        queue.flush();
        flushed = true;
    });
    std::vector<Record> taken;
    // flush() makes the writer's take() return at once, batch open or not.
    ASSERT_TRUE(queue.take(taken, RecordQueue::Clock::now() + std::chrono::hours(1), false));
    ASSERT_EQ(taken.size(), 2u);
    queue.complete(1, 1, each);
    EXPECT_FALSE(flushed.load()) << "one of two records is still open";
    queue.complete(1, 1, each);
    flusher.join();
    EXPECT_TRUE(flushed.load());
}

TEST(RecordQueueTest, CloseRefusesPushesOpensTheSignalAndLetsTheWriterDrain) {
    const size_t each = RecordQueue::cost(Record(message(0)));
    RecordQueue queue(each);
    std::atomic<int> wakes{0};
    queue.subscribe([&] { ++wakes; });
    queue.push(message(0, 1));
    queue.push(message(0, 2));
    ASSERT_FALSE(queue.open());
    queue.close();
    EXPECT_TRUE(queue.closed());
    EXPECT_TRUE(queue.open()) << "paused producers must not wait for a queue that takes nothing more";
    EXPECT_EQ(wakes.load(), 1);
    EXPECT_FALSE(queue.push(message(0, 3)));
    std::vector<Record> taken;
    EXPECT_TRUE(queue.take(taken, std::nullopt, false)) << "what was queued before the close";
    EXPECT_EQ(taken.size(), 2u);
    taken.clear();
    EXPECT_FALSE(queue.take(taken, std::nullopt, false)) << "closed and empty: the writer is done";
    EXPECT_TRUE(queue.sleepUnlessClosed(RecordQueue::Clock::now() + std::chrono::hours(1)));
}

}  // namespace
}  // namespace rtmtap
