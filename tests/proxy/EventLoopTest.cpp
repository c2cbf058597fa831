// proxy/EventLoop on its own: relays over socketpairs (plain Transports, as the proxy gives them),
// a FakeClock for their timers, and the test playing both peers on its ends of the pairs. The
// loop must run session tasks on its thread in the order they were posted, wake up for one while
// idle, answer false for a session it no longer holds, fire timers when the clock says so (and
// not before), and stop as soon as its sessions have ended.
#include "proxy/EventLoop.h"

#include "proxy/FrameCodec.h"
#include "tests/support/FilterTestKit.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TapLog.h"
#include "tests/support/TestData.h"

#include <Poco/Net/StreamSocket.h>
#include <Poco/Net/StreamSocketImpl.h>

#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <memory>
#include <mutex>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

namespace rtmtap::test {
namespace {

using namespace std::chrono_literals;

// A socketpair: one end becomes the relay's Transport, the test plays the peer on the other.
class Wire {
public:
    Wire() {
        int fds[2];
        if (::socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds) != 0) {
            throw std::runtime_error("socketpair failed");
        }
        mine_ = fds[0];
        relays_ = fds[1];
    }
    ~Wire() { close(); }
    Wire(const Wire&) = delete;
    Wire& operator=(const Wire&) = delete;

    // The relay's end (once); the Transport owns the descriptor from here on.
    std::unique_ptr<Transport> relayEnd() {
        const int fd = relays_;
        relays_ = -1;
        return std::make_unique<Transport>(Poco::Net::StreamSocket(new Poco::Net::StreamSocketImpl(fd)));
    }

    void send(const std::string& bytes) {
        ASSERT_EQ(::send(mine_, bytes.data(), bytes.size(), MSG_NOSIGNAL), static_cast<ssize_t>(bytes.size()));
    }

    // Up to n bytes: fewer when the stream ends or timeoutMs passes without any.
    std::string receive(size_t n, int timeoutMs = 10000) {
        std::string out;
        while (out.size() < n && readable(timeoutMs)) {
            char buf[65536];
            const ssize_t got = ::recv(mine_, buf, std::min(sizeof buf, n - out.size()), 0);
            if (got <= 0) {
                break;
            }
            out.append(buf, static_cast<size_t>(got));
        }
        return out;
    }

    // Nothing arrives (no byte, no end of stream) for ms: the peer's view of "not yet".
    bool quietFor(int ms) { return !readable(ms); }

    bool waitEof(int timeoutMs = 10000) {
        char c;
        return readable(timeoutMs) && ::recv(mine_, &c, 1, 0) == 0;
    }

    void close() {
        for (int* fd : {&mine_, &relays_}) {
            if (*fd >= 0) {
                ::close(*fd);
                *fd = -1;
            }
        }
    }

private:
    bool readable(int timeoutMs) {
        pollfd p{mine_, POLLIN, 0};
        return ::poll(&p, 1, timeoutMs) == 1;
    }

    int mine_ = -1;
    int relays_ = -1;
};

struct Peers {
    Wire client, server;
};

std::string clientFrame(int firstByte, const std::string& payload) {
    return RawWsClient::frame(firstByte, payload, true);
}

std::string serverFrame(int firstByte, const std::string& payload) {
    return RawWsClient::frame(firstByte, payload, false);
}

// The close frame that arrives on a wire, unmasked: its payload ("" when no close frame came).
std::string receiveClosePayload(Wire& wire) {
    const std::string head = wire.receive(2);
    if (head.size() < 2 || (static_cast<uint8_t>(head[0]) & 0x0f) != kOpClose) {
        return "";
    }
    const bool masked = (static_cast<uint8_t>(head[1]) & 0x80) != 0;
    const size_t length = static_cast<uint8_t>(head[1]) & 0x7f;  // a close payload is at most 125
    const std::string rest = wire.receive((masked ? 4 : 0) + length);
    std::string payload = rest.substr(masked ? 4 : 0);
    if (masked) {
        const uint8_t mask[4] = {uint8_t(rest[0]), uint8_t(rest[1]), uint8_t(rest[2]), uint8_t(rest[3])};
        applyMask(payload.data(), payload.size(), mask);
    }
    return payload;
}

template <typename Future>
bool ready(const Future& f, std::chrono::milliseconds within = 10s) {
    return f.wait_for(within) == std::future_status::ready;
}

class EventLoopTest : public ::testing::Test {
protected:
    void SetUp() override {
        settings_.closeGraceMs = 2000;
        loop_ = std::make_shared<EventLoop>(taps_, clock_, settings_);
        loop_->start();
    }

    // Sessions still open when a test ends: the peers hang up and the clock runs past any grace,
    // so the loop's shutdown cannot wait on them.
    void TearDown() override {
        for (auto& p : peers_) {
            p->client.close();
            p->server.close();
        }
        clock_.advance(3'600'000'000);
        if (!ready(stopInBackground(true))) {
            ADD_FAILURE() << "the event loop did not stop; it is left running";
        }
        loop_.reset();
    }

    // Shuts the loop down (when asked) and joins it on a thread of its own (one, however often
    // this is called), so that a loop that never ends fails the test instead of hanging it; such
    // a loop is left behind, still running.
    std::shared_future<void> stopInBackground(bool shutdownFirst) {
        if (shutdownFirst) {
            loop_->shutdown();
        }
        if (!joined_.valid()) {
            auto ended = std::make_shared<std::promise<void>>();
            joined_ = ended->get_future().share();
            std::thread([loop = loop_, ended] {
                loop->join();
                ended->set_value();
            }).detach();
        }
        return joined_;
    }

    Peers& adopt(int64_t id, FilterChain filters = FilterChain()) {
        peers_.push_back(std::make_unique<Peers>());
        Peers& p = *peers_.back();
        SessionInfo info;
        info.id = id;
        auto relay = std::make_unique<Relay>(info, clock_.monotonicUs(), p.client.relayEnd(), p.server.relayEnd(),
                                             settings_, taps_, clock_, *loop_, std::move(filters));
        loop_->adopt(std::move(relay), "", "");
        return p;
    }

    // Waits until the loop holds the session: a task reaches it.
    bool live(int64_t id) {
        std::future<bool> found = loop_->toSession(id, [](Relay&) { return true; });
        return ready(found) && found.get();
    }

    FakeClock clock_;
    TapLog tap_;
    std::vector<Tap*> taps_{&tap_};
    RelaySettings settings_;
    std::vector<std::unique_ptr<Peers>> peers_;
    std::shared_ptr<EventLoop> loop_;
    std::shared_future<void> joined_;
};

TEST_F(EventLoopTest, AnAdoptedSessionRelaysBothWays) {
    Peers& s = adopt(1);
    const std::string up = clientFrame(kText, "hi");
    const std::string down = serverFrame(kText, "hello");
    s.client.send(up);
    EXPECT_EQ(s.server.receive(up.size()), up);
    s.server.send(down);
    EXPECT_EQ(s.client.receive(down.size()), down);
    ASSERT_TRUE(tap_.waitForMessages(2));
    EXPECT_EQ(loop_->sessions(), 1u);
}

TEST_F(EventLoopTest, ATaskPostedRightAfterAdoptFindsTheSession) {
    adopt(1);
    std::future<bool> found = loop_->toSession(1, [](Relay& r) { return r.sessionId() == 1; });
    ASSERT_TRUE(ready(found));
    EXPECT_TRUE(found.get());
}

// Two threads post 200 tasks each: every task runs on the loop's thread (never a poster's), and
// each poster's tasks run in the order it posted them.
TEST_F(EventLoopTest, SessionTasksRunOnTheLoopThreadInTheOrderPosted) {
    adopt(1);
    ASSERT_TRUE(live(1));
    struct Ran {
        int poster, index;
        std::thread::id thread;
    };
    std::mutex mutex;
    std::vector<Ran> ran;
    std::vector<std::future<bool>> answers[2];
    std::thread::id posterIds[2];
    auto post = [&](int poster) {
        posterIds[poster] = std::this_thread::get_id();
        for (int i = 0; i < 200; ++i) {
            answers[poster].push_back(loop_->toSession(1, [&, poster, i](Relay&) {
                std::lock_guard<std::mutex> lock(mutex);
                ran.push_back(Ran{poster, i, std::this_thread::get_id()});
                return true;
            }));
        }
    };
    std::thread a(post, 0), b(post, 1);
    a.join();
    b.join();
    for (auto& list : answers) {
        for (auto& answer : list) {
            ASSERT_TRUE(ready(answer));
            EXPECT_TRUE(answer.get());
        }
    }
    std::lock_guard<std::mutex> lock(mutex);
    ASSERT_EQ(ran.size(), 400u);
    int next[2] = {0, 0};
    for (const Ran& r : ran) {
        EXPECT_EQ(r.thread, ran.front().thread);
        EXPECT_NE(r.thread, std::this_thread::get_id());
        EXPECT_NE(r.thread, posterIds[0]);
        EXPECT_NE(r.thread, posterIds[1]);
        EXPECT_EQ(r.index, next[r.poster]++) << "poster " << r.poster;
    }
}

// With nothing to do and no timer the loop sleeps in epoll_wait without a timeout: only the wake-up
// of a task posted from another thread can get it going.
TEST_F(EventLoopTest, ATaskFromAnotherThreadWakesAnIdleLoop) {
    adopt(1);
    ASSERT_TRUE(live(1));
    std::this_thread::sleep_for(100ms);  // let it go back to sleep
    std::future<bool> answer;
    std::thread([&] { answer = loop_->toSession(1, [](Relay&) { return true; }); }).join();
    ASSERT_TRUE(ready(answer));
    EXPECT_TRUE(answer.get());
}

TEST_F(EventLoopTest, ATaskForASessionThatEndedIsDroppedWithoutRunning) {
    Peers& s = adopt(1);
    ASSERT_TRUE(live(1));
    s.client.close();  // a drop: the relay drops the server too, and the session ends
    EXPECT_TRUE(s.server.waitEof());
    ASSERT_TRUE(tap_.waitForEnds(1));
    for (int i = 0; i < 1000 && loop_->sessions() > 0; ++i) {
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_EQ(loop_->sessions(), 0u);
    bool ran = false;
    std::future<bool> gone = loop_->toSession(1, [&](Relay&) { return ran = true; });
    std::future<bool> unknown = loop_->toSession(42, [&](Relay&) { return ran = true; });
    ASSERT_TRUE(ready(gone));
    ASSERT_TRUE(ready(unknown));
    EXPECT_FALSE(gone.get());
    EXPECT_FALSE(unknown.get());
    EXPECT_FALSE(ran);
}

TEST_F(EventLoopTest, ATaskPostedAfterTheLoopEndedAnswersFalseAtOnce) {
    ASSERT_TRUE(ready(stopInBackground(true)));
    bool ran = false;
    std::future<bool> late = loop_->toSession(1, [&](Relay&) { return ran = true; });
    ASSERT_TRUE(ready(late, 0ms));
    EXPECT_FALSE(late.get());
    EXPECT_FALSE(ran);
}

TEST_F(EventLoopTest, StopWithoutSessionsIsPrompt) {
    EXPECT_TRUE(ready(stopInBackground(true)));
}

// Both sessions' peers answer the proxy's 1001: the loop ends although the fake clock never
// moves, so it did not sit out any close grace.
TEST_F(EventLoopTest, StopEndsAsSoonAsThePeersAnswerTheClose) {
    Peers& one = adopt(1);
    Peers& two = adopt(2);
    ASSERT_TRUE(live(1));
    ASSERT_TRUE(live(2));
    loop_->shutdown();
    for (Peers* p : {&one, &two}) {
        EXPECT_EQ(receiveClosePayload(p->client), closePayload(1001, "rtmtap is shutting down"));
        EXPECT_EQ(receiveClosePayload(p->server), closePayload(1001, "rtmtap is shutting down"));
        p->client.send(clientFrame(kClose, closePayload(1001, "")));
        p->server.send(serverFrame(kClose, closePayload(1001, "")));
    }
    ASSERT_TRUE(ready(stopInBackground(false)));
    const std::vector<SessionEnd> ends = tap_.ends();
    ASSERT_EQ(ends.size(), 2u);
    for (const SessionEnd& e : ends) {
        EXPECT_EQ(e.closed_by, "proxy");
        EXPECT_EQ(e.close_code, 1001);
        EXPECT_EQ(e.error, "");
    }
}

// Peers that never answer: the loop waits out the close grace on the session's clock (the fake
// one here), then ends.
TEST_F(EventLoopTest, StopWaitsOutTheCloseGraceOfSilentPeers) {
    Peers& s = adopt(1);
    ASSERT_TRUE(live(1));
    loop_->shutdown();
    EXPECT_FALSE(receiveClosePayload(s.client).empty());
    EXPECT_FALSE(receiveClosePayload(s.server).empty());
    std::shared_future<void> joined = stopInBackground(false);
    EXPECT_FALSE(ready(joined, 300ms)) << "the loop ended before the close grace ran out";
    clock_.advance(2'000'000);
    ASSERT_TRUE(ready(joined));
    const std::vector<SessionEnd> ends = tap_.ends();
    ASSERT_EQ(ends.size(), 1u);
    EXPECT_EQ(ends[0].error, "close handshake did not complete in time");
}

FilterChain holding(const std::string& payload, int ms, uint64_t token = 0) {
    FilterChain chain;
    chain.add(std::make_unique<ScriptedFilter>([=](const FilterContext&, const Message& m) {
        return m.payload == payload ? FilterResult::hold(ms, token) : FilterResult();
    }));
    return chain;
}

// A timer fires: a message held for 500 ms goes out once the fake clock has moved 500 ms, and not
// before, however long the test waits in real time.
TEST_F(EventLoopTest, AHeldMessageGoesOutWhenTheClockSaysSo) {
    Peers& s = adopt(1, holding("later", 500));
    const std::string now = clientFrame(kText, "now");
    const std::string later = clientFrame(kText, "later");
    s.client.send(now + later);
    EXPECT_EQ(s.server.receive(now.size()), now);
    EXPECT_TRUE(s.server.quietFor(300));
    clock_.advance(499'000);
    EXPECT_TRUE(s.server.quietFor(200));
    clock_.advance(1000);
    EXPECT_EQ(s.server.receive(later.size()), later);
    ASSERT_TRUE(tap_.waitForMessages(2));  // announced just after the bytes went out
    const std::vector<Message> seen = tap_.messages();
    ASSERT_EQ(seen.size(), 2u);
    EXPECT_EQ(seen[1].payload, "later");
    EXPECT_EQ(seen[1].fwd_us - seen[1].t_us, 500'000);
}

// A timer is cancelled: a held message released early (a controller's release, as a session
// task) goes out at once, and when its hold time comes nothing more happens.
TEST_F(EventLoopTest, ReleasingAHeldMessageEarlyCancelsItsTimer) {
    Peers& s = adopt(1, holding("later", 60'000, 5));
    const std::string later = clientFrame(kText, "later");
    s.client.send(later);
    bool held = false;
    for (int i = 0; i < 1000 && !held; ++i) {
        std::future<bool> h = loop_->toSession(1, [](Relay& r) { return r.deadlineUs() != 0; });
        held = ready(h) && h.get();
        std::this_thread::sleep_for(held ? 0ms : 5ms);
    }
    ASSERT_TRUE(held);
    std::future<bool> released = loop_->toSession(1, [](Relay& r) { return r.release(5, FilterResult()); });
    ASSERT_TRUE(ready(released));
    EXPECT_TRUE(released.get());
    EXPECT_EQ(s.server.receive(later.size()), later);  // the clock has not moved
    std::future<bool> asked = loop_->toSession(1, [](Relay& r) { return r.deadlineUs() == 0; });
    ASSERT_TRUE(ready(asked));
    EXPECT_TRUE(asked.get());
    clock_.advance(61'000'000);
    EXPECT_TRUE(s.server.quietFor(200));
    EXPECT_EQ(tap_.messages().size(), 1u);
}

}  // namespace
}  // namespace rtmtap::test
