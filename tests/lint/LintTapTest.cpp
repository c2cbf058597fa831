// lint/LintTap: the rules over live traffic on a thread of the tap's own. Findings reach the
// listener while the session is still open; a full queue leaves frames (and the rest of their
// sessions) unlinted with one onBehind, never blocking the caller; close() lints what is queued.
#include "lint/LintTap.h"

#include "tests/support/Eventually.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <condition_variable>
#include <map>
#include <mutex>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap {
namespace {

constexpr int64_t kWallUs = 1'764'000'000'000'000;

Message clientText(int64_t session, int64_t seq, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = Direction::ClientToServer;
    m.op = Opcode::Text;
    m.t_us = seq * 1000;
    m.wall_us = kWallUs + m.t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

MessageBatch batchOf(std::vector<Message> messages) {
    return std::make_shared<const std::vector<Message>>(std::move(messages));
}

const std::string kAuth = R"({"command":"ws_auth","data":{"auth_token":"x"}})";
const std::string kBogus = R"({"command":"ws_no_such_command","data":{}})";

SessionInfo infoOf(int64_t id) {
    SessionInfo info;
    info.id = id;
    info.started_wall_us = kWallUs;
    return info;
}

SessionEnd endOf(int64_t id) {
    SessionEnd end;
    end.id = id;
    end.ended_wall_us = kWallUs + 1'000'000;
    end.close_code = 1000;
    end.closed_by = "client";
    return end;
}

// Records what the tap says; onFindings can be made to wait (a slow lint thread, held still).
class Listener : public LintListener {
public:
    void onFindings(int64_t session, std::vector<Finding> findings) override {
        std::unique_lock<std::mutex> lock(mutex_);
        for (Finding& f : findings) {
            EXPECT_EQ(f.session, session);
            found_.push_back(std::move(f));
        }
        changed_.notify_all();
        open_.wait(lock, [this] { return !held_; });
    }
    void onSessionDropped(int64_t session, Drop why, const std::string&) override {
        std::lock_guard<std::mutex> lock(mutex_);
        dropped_[session] = why;
    }
    void onBehind(size_t heldBytes) override {
        std::lock_guard<std::mutex> lock(mutex_);
        behind_.push_back(heldBytes);
    }

    void hold() {
        std::lock_guard<std::mutex> lock(mutex_);
        held_ = true;
    }
    void release() {
        std::lock_guard<std::mutex> lock(mutex_);
        held_ = false;
        open_.notify_all();
    }
    bool waitFor(const std::string& rule, int64_t session) {
        std::unique_lock<std::mutex> lock(mutex_);
        return changed_.wait_for(lock, std::chrono::seconds(30), [&] { return countLocked(rule, session) > 0; });
    }
    size_t count(const std::string& rule, int64_t session) {
        std::lock_guard<std::mutex> lock(mutex_);
        return countLocked(rule, session);
    }
    std::map<int64_t, Drop> dropped() {
        std::lock_guard<std::mutex> lock(mutex_);
        return dropped_;
    }
    std::vector<size_t> behind() {
        std::lock_guard<std::mutex> lock(mutex_);
        return behind_;
    }

private:
    size_t countLocked(const std::string& rule, int64_t session) const {
        return static_cast<size_t>(std::count_if(found_.begin(), found_.end(), [&](const Finding& f) {
            return f.rule == rule && f.session == session;
        }));
    }

    std::mutex mutex_;
    std::condition_variable changed_, open_;
    bool held_ = false;
    std::vector<Finding> found_;
    std::map<int64_t, Drop> dropped_;
    std::vector<size_t> behind_;
};

TEST(LintTapTest, FindingsArriveWhileTheSessionIsOpen) {
    Listener listener;
    LintTap tap(listener);
    tap.onSessionStart(infoOf(1));
    tap.onMessages(batchOf({clientText(1, 1, kBogus)}));
    ASSERT_TRUE(listener.waitFor("first-not-auth", 1));
    ASSERT_TRUE(listener.waitFor("unknown-command", 1));
    tap.onMessage(clientText(1, 2, kAuth));
    tap.onSessionEnd(endOf(1));
    tap.close();
    EXPECT_EQ(listener.count("first-not-auth", 1), 1u);
    EXPECT_EQ(listener.count("unknown-command", 1), 1u);
    LintTapStats stats = tap.stats();
    EXPECT_EQ(stats.framesLinted, 2u);
    EXPECT_EQ(stats.framesSkipped, 0u);
    EXPECT_EQ(stats.sessionsDropped, 0u);
    EXPECT_GE(stats.findings, 2u);
    EXPECT_TRUE(listener.dropped().empty());
    EXPECT_TRUE(listener.behind().empty());
}

TEST(LintTapTest, SessionsAreLintedApart) {
    Listener listener;
    LintTap tap(listener);
    tap.onSessionStart(infoOf(1));
    tap.onSessionStart(infoOf(2));
    tap.onMessages(batchOf({clientText(1, 1, kAuth)}));
    tap.onMessages(batchOf({clientText(2, 1, kBogus)}));
    tap.onMessages(batchOf({clientText(1, 2, kBogus)}));
    tap.onSessionEnd(endOf(1));
    tap.onSessionEnd(endOf(2));
    tap.close();
    EXPECT_EQ(listener.count("first-not-auth", 1), 0u) << "session 1 began with ws_auth";
    EXPECT_EQ(listener.count("unknown-command", 1), 1u);
    EXPECT_EQ(listener.count("first-not-auth", 2), 1u);
    EXPECT_EQ(listener.count("unknown-command", 2), 1u);
}

// The lint thread is held inside the listener; what does not fit in the bound is left out, the
// caller never waits, and the session that lost frames is not linted further (a later frame of
// it that would fire a rule fires nothing), while another session that lost none goes on.
TEST(LintTapTest, AFullQueueLeavesFramesOutWithOneWarning) {
    Listener listener;
    const size_t limit = 8 * 1024;
    LintTap tap(listener, limit);
    tap.onSessionStart(infoOf(1));
    tap.onSessionStart(infoOf(2));
    listener.hold();
    tap.onMessages(batchOf({clientText(1, 1, kBogus)}));
    ASSERT_TRUE(listener.waitFor("unknown-command", 1));  // the lint thread now waits in the listener
    tap.onMessages(batchOf({clientText(2, 1, kAuth)}));   // fits: session 2 is linted on
    const std::string big = R"({"command":"ws_auth","pad":")" + std::string(limit, 'x') + R"("})";
    for (int64_t seq = 2; seq <= 5; ++seq) {
        tap.onMessages(batchOf({clientText(1, seq, big)}));  // does not fit: left out
    }
    tap.onMessages(batchOf({clientText(1, 6, kBogus)}));  // fits now, but session 1 is no longer linted
    tap.onMessages(batchOf({clientText(2, 2, kBogus)}));
    EXPECT_EQ(listener.behind().size(), 1u) << "one warning for the whole episode";
    listener.release();
    tap.onSessionEnd(endOf(1));
    tap.onSessionEnd(endOf(2));
    tap.close();
    EXPECT_EQ(listener.count("unknown-command", 1), 1u) << "seq 6 was not linted";
    EXPECT_EQ(listener.count("unknown-command", 2), 1u) << "session 2 lost nothing";
    EXPECT_EQ(listener.count("first-not-auth", 2), 0u);
    std::map<int64_t, LintListener::Drop> dropped = listener.dropped();
    ASSERT_EQ(dropped.size(), 1u);
    EXPECT_EQ(dropped.begin()->first, 1);
    EXPECT_EQ(dropped.begin()->second, LintListener::Drop::QueueFull);
    LintTapStats stats = tap.stats();
    EXPECT_EQ(stats.framesSkipped, 5u);
    EXPECT_EQ(stats.framesLinted, 3u);
    EXPECT_EQ(stats.sessionsDropped, 1u);
    EXPECT_EQ(stats.timesBehind, 1u);
}

// After the queue drained, a new session is linted again, and a new episode warns again.
TEST(LintTapTest, LintResumesForNewSessionsOnceDrained) {
    Listener listener;
    const size_t limit = 4 * 1024;
    LintTap tap(listener, limit);
    const std::string big = R"({"command":"ws_auth","pad":")" + std::string(limit, 'x') + R"("})";
    for (int round = 0; round < 2; ++round) {
        const int64_t a = 10 * round + 1, b = a + 1;
        tap.onSessionStart(infoOf(a));
        tap.onSessionStart(infoOf(b));
        listener.hold();
        tap.onMessages(batchOf({clientText(a, 1, kBogus)}));
        ASSERT_TRUE(listener.waitFor("unknown-command", a));
        tap.onMessages(batchOf({clientText(b, 1, big)}));  // does not fit: left out, and so is the rest of b
        tap.onMessages(batchOf({clientText(b, 2, kBogus)}));
        listener.release();
        tap.onSessionEnd(endOf(a));
        tap.onSessionEnd(endOf(b));
        ASSERT_TRUE(test::eventually([&] { return listener.dropped().count(b) == 1; }));
        EXPECT_EQ(listener.behind().size(), static_cast<size_t>(round + 1));
    }
    tap.close();
    EXPECT_EQ(tap.stats().sessionsDropped, 2u);
    EXPECT_EQ(listener.count("unknown-command", 2), 0u);
    EXPECT_EQ(listener.count("unknown-command", 11), 1u) << "a session that started after the drain is linted";
}

// A bound smaller than one message must not stop lint: with nothing held, a batch is taken.
TEST(LintTapTest, ABatchAboveTheBoundIsTakenWhenNothingIsHeld) {
    Listener listener;
    LintTap tap(listener, 1024);
    tap.onSessionStart(infoOf(1));
    tap.onMessages(batchOf({clientText(1, 1, R"({"command":"ws_nope","pad":")" + std::string(4096, 'x') + R"("})")}));
    tap.onSessionEnd(endOf(1));
    tap.close();
    EXPECT_EQ(listener.count("unknown-command", 1), 1u);
    EXPECT_EQ(tap.stats().framesSkipped, 0u);
}

// Relay threads call the tap at once (ThreadSanitizer's build checks the sharing).
TEST(LintTapTest, ManyRelayThreadsAtOnce) {
    Listener listener;
    LintTap tap(listener);
    std::vector<std::thread> relays;
    for (int64_t t = 0; t < 4; ++t) {
        relays.emplace_back([&tap, t] {
            for (int64_t id = t * 100 + 1; id <= t * 100 + 25; ++id) {
                tap.onSessionStart(infoOf(id));
                tap.onMessages(batchOf({clientText(id, 1, kBogus)}));
                tap.onMessages(batchOf({clientText(id, 2, kAuth), clientText(id, 3, kBogus)}));
                tap.onSessionEnd(endOf(id));
            }
        });
    }
    for (std::thread& relay : relays) {
        relay.join();
    }
    tap.close();
    for (int64_t t = 0; t < 4; ++t) {
        for (int64_t id = t * 100 + 1; id <= t * 100 + 25; ++id) {
            ASSERT_EQ(listener.count("unknown-command", id), 2u) << "session " << id;
            ASSERT_EQ(listener.count("first-not-auth", id), 1u) << "session " << id;
        }
    }
    EXPECT_EQ(tap.stats().framesLinted, 300u);
}

TEST(LintTapTest, CloseLintsWhatIsQueuedAndEndsOpenSessions) {
    Listener listener;
    LintTap tap(listener);
    for (int64_t id = 1; id <= 50; ++id) {
        tap.onSessionStart(infoOf(id));
        tap.onMessages(batchOf({clientText(id, 1, kBogus), clientText(id, 2, kAuth)}));
    }
    tap.close();  // no session was ended
    for (int64_t id = 1; id <= 50; ++id) {
        ASSERT_EQ(listener.count("unknown-command", id), 1u) << "session " << id;
    }
    EXPECT_EQ(tap.stats().framesLinted, 100u);
    tap.onSessionStart(infoOf(99));  // after close: ignored, no crash
    tap.onMessages(batchOf({clientText(99, 1, kBogus)}));
    tap.close();
    EXPECT_EQ(listener.count("unknown-command", 99), 0u);
}

}  // namespace
}  // namespace rtmtap
