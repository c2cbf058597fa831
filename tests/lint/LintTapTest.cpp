// lint/LintTap: the rules over live traffic on a thread of the tap's own. Findings reach the
// listener while the session is still open; a full queue leaves frames (and the rest of their
// sessions) unlinted with one onBehind, never blocking the caller; close() lints what is queued.
#include "lint/LintTap.h"

#include "tests/support/CraftedSession.h"
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

using test::CraftedSession;

// Frames first..last (seq, from 1) of a crafted session as one relay round.
MessageBatch relayRound(const CraftedSession& session, int64_t first, int64_t last) {
    const std::vector<Message>& all = session.messages();
    return std::make_shared<const std::vector<Message>>(all.begin() + (first - 1), all.begin() + last);
}

const std::string kAuth = R"({"command":"ws_auth","auth_token":"x"})";
const std::string kBogus = R"({"command":"ws_no_such_command","data":{}})";

SessionInfo infoOf(const CraftedSession& session) {
    SessionInfo info;
    info.id = session.id();
    info.started_wall_us = session.startWallUs();
    return info;
}

SessionEnd endOf(const CraftedSession& session) {
    SessionEnd end;
    end.id = session.id();
    end.ended_wall_us = session.end().ended_wall_us;
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
    CraftedSession s(1);
    s.client(kBogus).client(kAuth);
    tap.onSessionStart(infoOf(s));
    tap.onMessages(relayRound(s, 1, 1));
    ASSERT_TRUE(listener.waitFor("first-not-auth", 1));
    ASSERT_TRUE(listener.waitFor("unknown-command", 1));
    tap.onMessage(s.messages()[1]);
    tap.onSessionEnd(endOf(s));
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
    CraftedSession one(1), two(2);
    one.client(kAuth).client(kBogus);
    two.client(kBogus);
    tap.onSessionStart(infoOf(one));
    tap.onSessionStart(infoOf(two));
    tap.onMessages(relayRound(one, 1, 1));
    tap.onMessages(relayRound(two, 1, 1));
    tap.onMessages(relayRound(one, 2, 2));
    tap.onSessionEnd(endOf(one));
    tap.onSessionEnd(endOf(two));
    tap.close();
    EXPECT_EQ(listener.count("first-not-auth", 1), 0u) << "session 1 began with ws_auth";
    EXPECT_EQ(listener.count("unknown-command", 1), 1u);
    EXPECT_EQ(listener.count("first-not-auth", 2), 1u);
    EXPECT_EQ(listener.count("unknown-command", 2), 1u);
}

// {"command":"ws_auth","pad":"xxx..."}: a frame above bytes.
std::string bigAuth(size_t bytes) {
    return R"({"command":"ws_auth","pad":")" + std::string(bytes, 'x') + R"("})";
}

// The lint thread is held inside the listener; what does not fit in the bound is left out, the
// caller never waits, and the session that lost frames is not linted further (a later frame of
// it that would fire a rule fires nothing), while another session that lost none goes on.
TEST(LintTapTest, AFullQueueLeavesFramesOutWithOneWarning) {
    Listener listener;
    const size_t limit = 8 * 1024;
    LintTap tap(listener, limit);
    CraftedSession one(1), two(2);
    one.client(kBogus);
    for (int i = 0; i < 4; ++i) {
        one.client(bigAuth(limit));
    }
    one.client(kBogus);
    two.client(kAuth).client(kBogus);
    tap.onSessionStart(infoOf(one));
    tap.onSessionStart(infoOf(two));
    listener.hold();
    tap.onMessages(relayRound(one, 1, 1));
    ASSERT_TRUE(listener.waitFor("unknown-command", 1));  // the lint thread now waits in the listener
    tap.onMessages(relayRound(two, 1, 1));                      // fits: session 2 is linted on
    for (int64_t seq = 2; seq <= 5; ++seq) {
        tap.onMessages(relayRound(one, seq, seq));  // does not fit: left out
    }
    tap.onMessages(relayRound(one, 6, 6));  // fits now, but session 1 is no longer linted
    tap.onMessages(relayRound(two, 2, 2));
    EXPECT_EQ(listener.behind().size(), 1u) << "one warning for the whole episode";
    listener.release();
    tap.onSessionEnd(endOf(one));
    tap.onSessionEnd(endOf(two));
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
    for (int episode = 0; episode < 2; ++episode) {
        CraftedSession a(10 * episode + 1), b(10 * episode + 2);
        a.client(kBogus);
        b.client(bigAuth(limit)).client(kBogus);
        tap.onSessionStart(infoOf(a));
        tap.onSessionStart(infoOf(b));
        listener.hold();
        tap.onMessages(relayRound(a, 1, 1));
        ASSERT_TRUE(listener.waitFor("unknown-command", a.id()));
        tap.onMessages(relayRound(b, 1, 1));  // does not fit: left out, and so is the rest of b
        tap.onMessages(relayRound(b, 2, 2));
        listener.release();
        tap.onSessionEnd(endOf(a));
        tap.onSessionEnd(endOf(b));
        ASSERT_TRUE(test::eventually([&] { return listener.dropped().count(b.id()) == 1; }));
        EXPECT_EQ(listener.behind().size(), static_cast<size_t>(episode + 1));
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
    CraftedSession s(1);
    s.client(R"({"command":"ws_nope","pad":")" + std::string(4096, 'x') + R"("})");
    tap.onSessionStart(infoOf(s));
    tap.onMessages(relayRound(s, 1, 1));
    tap.onSessionEnd(endOf(s));
    tap.close();
    EXPECT_EQ(listener.count("unknown-command", 1), 1u);
    EXPECT_EQ(tap.stats().framesSkipped, 0u);
}

// Relay threads call the tap at once (ThreadSanitizer's build checks the sharing).
TEST(LintTapTest, ManyRelayThreadsAtOnce) {
    Listener listener;
    LintTap tap(listener);
    std::vector<CraftedSession> sessions;
    for (int64_t id = 1; id <= 100; ++id) {
        sessions.emplace_back(id);
        sessions.back().client(kBogus).client(kAuth).client(kBogus);
    }
    std::vector<std::thread> relays;
    for (size_t t = 0; t < 4; ++t) {
        relays.emplace_back([&, t] {
            for (size_t i = t; i < sessions.size(); i += 4) {
                tap.onSessionStart(infoOf(sessions[i]));
                tap.onMessages(relayRound(sessions[i], 1, 1));
                tap.onMessages(relayRound(sessions[i], 2, 3));
                tap.onSessionEnd(endOf(sessions[i]));
            }
        });
    }
    for (std::thread& relay : relays) {
        relay.join();
    }
    tap.close();
    for (int64_t id = 1; id <= 100; ++id) {
        ASSERT_EQ(listener.count("unknown-command", id), 2u) << "session " << id;
        ASSERT_EQ(listener.count("first-not-auth", id), 1u) << "session " << id;
    }
    EXPECT_EQ(tap.stats().framesLinted, 300u);
}

TEST(LintTapTest, CloseLintsWhatIsQueuedAndEndsOpenSessions) {
    Listener listener;
    LintTap tap(listener);
    for (int64_t id = 1; id <= 50; ++id) {
        CraftedSession s(id);
        s.client(kBogus).client(kAuth);
        tap.onSessionStart(infoOf(s));
        tap.onMessages(relayRound(s, 1, 2));
    }
    tap.close();  // no session was ended
    for (int64_t id = 1; id <= 50; ++id) {
        ASSERT_EQ(listener.count("unknown-command", id), 1u) << "session " << id;
    }
    EXPECT_EQ(tap.stats().framesLinted, 100u);
    CraftedSession late(99);
    late.client(kBogus);
    tap.onSessionStart(infoOf(late));  // after close: ignored, no crash
    tap.onMessages(relayRound(late, 1, 1));
    tap.close();
    EXPECT_EQ(listener.count("unknown-command", 99), 0u);
}

}  // namespace
}  // namespace rtmtap
