// ReplaySession behind a ReplayServer on loopback, RtmClient as the client under test: the order
// the recorded server frames go out in (they enter the scheduler one at a time), the recorded
// server's drop among them, and --loop's rounds. No assertion is about how fast anything is.
#include "replay/ReplayServer.h"
#include "replay/RtmClient.h"
#include "tests/support/RawWsClient.h"

#include <gtest/gtest.h>

#include <condition_variable>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {
namespace {

constexpr auto C = Direction::ClientToServer;
constexpr auto S = Direction::ServerToClient;

Message frame(int64_t seq, Direction dir, int64_t tMs, const std::string& payload) {
    Message m;
    m.seq = seq;
    m.dir = dir;
    m.op = Opcode::Text;
    m.t_us = tMs * 1000;
    m.payload = payload;
    m.size = payload.size();
    return m;
}

std::string event(int n) {
    return R"({"meta":{"api":"v1"},"event":"user.online","payload":{"user":{"id":)" + std::to_string(n) +
           R"(},"channel_id":5}})";
}

// ws_auth at 100 ms, then server frames n1, n2, ... at the given times (ms), in that recorded order.
std::vector<Message> recording(const std::vector<std::pair<int, int64_t>>& events) {
    std::vector<Message> frames{frame(1, C, 100, R"({"command":"ws_auth","auth_token":"t"})")};
    for (const auto& [n, tMs] : events) {
        frames.push_back(frame(static_cast<int64_t>(frames.size()) + 1, S, tMs, event(n)));
    }
    return frames;
}

// The recorded server dropped the connection atMs after the session began.
SessionEnd serverDrop(int64_t atMs) {
    SessionEnd end;
    end.closed_by = "server";
    end.close_code = 1006;
    end.duration_us = atMs * 1000;
    return end;
}

// Serves plan to one RtmClient; collects the frames it gets and the replay's result.
class Served {
public:
    Served(const ReplayPlan& plan, ServeOptions serve) {
        ReplayServerConfig config;
        config.port = 0;
        config.serve = serve;
        server_ = std::make_unique<ReplayServer>(plan, config, nullptr, [this](const ReplayResult& r) {
            std::lock_guard lock(mutex_);
            result_ = r;
            changed_.notify_all();
        });
        server_->start();
        client_.connect(server_->url() + "/", "token", [this](const Message& m) {
            std::lock_guard lock(mutex_);
            received_.push_back(m.payload);
            changed_.notify_all();
        });
    }
    std::vector<std::string> waitFrames(size_t n) {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return received_.size() >= n; });
        return received_;
    }
    ReplayResult waitResult() {
        std::unique_lock lock(mutex_);
        changed_.wait_for(lock, std::chrono::seconds(10), [&] { return result_.has_value(); });
        return result_.value_or(ReplayResult{});
    }
    RtmClient& client() { return client_; }

private:
    // Declared first, gone last: the server reports from its threads until it is destroyed.
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<std::string> received_;
    std::optional<ReplayResult> result_;
    std::unique_ptr<ReplayServer> server_;
    RtmClient client_;
};

std::vector<std::string> events(std::initializer_list<int> ns) {
    std::vector<std::string> out;
    for (int n : ns) {
        out.push_back(event(n));
    }
    return out;
}

TEST(ReplaySessionTest, FramesGoOutInOffsetOrderWhateverTheirRecordedOrder) {
    std::vector<Message> frames = recording({{1, 130}, {2, 110}, {3, 120}, {4, 120}});
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, {});
    Served served(plan, ServeOptions{});
    EXPECT_EQ(served.waitFrames(4), events({2, 3, 4, 1})) << "equal offsets keep their recorded order";
}

TEST(ReplaySessionTest, NoTimingKeepsTheRecordedOrder) {
    std::vector<Message> frames = recording({{1, 130}, {2, 110}, {3, 120}});
    ReplayPlan plan = buildReplayPlan(frames, std::nullopt, {});
    ServeOptions serve;
    serve.noTiming = true;
    Served served(plan, serve);
    EXPECT_EQ(served.waitFrames(3), events({1, 2, 3}));
}

TEST(ReplaySessionTest, TheRecordedServersDropCutsOffWhatCameAfterIt) {
    // Offsets 10, 20 and 200 ms; the recorded server dropped at 40 ms (140 ms into the session).
    std::vector<Message> frames = recording({{1, 110}, {2, 120}, {3, 300}});
    ReplayPlan plan = buildReplayPlan(frames, serverDrop(140), {});
    Served served(plan, ServeOptions{});
    ASSERT_TRUE(served.client().waitEnded(10000));
    EXPECT_EQ(served.waitFrames(2), events({1, 2}));
    ReplayResult r = served.waitResult();
    EXPECT_EQ(r.sent, 2u);
    EXPECT_EQ(r.ended, "the replay dropped it, as the recorded server did");
}

TEST(ReplaySessionTest, WithNoTimingTheDropComesAfterEveryFrame) {
    std::vector<Message> frames = recording({{1, 110}, {2, 120}, {3, 300}});
    ReplayPlan plan = buildReplayPlan(frames, serverDrop(140), {});
    ServeOptions serve;
    serve.noTiming = true;
    Served served(plan, serve);
    ASSERT_TRUE(served.client().waitEnded(10000));
    EXPECT_EQ(served.waitFrames(3), events({1, 2, 3}));
    EXPECT_EQ(served.waitResult().sent, 3u);
}

// The recorded server sent a burst and dropped the connection. The client sent frames of its own
// that the replay never reads (they arrive after the drop), and it reads nothing until then, so
// most of the burst still waits in the replay's send queue. Every frame must reach it, then the
// end without a close frame: a socket closed (or shut for reading) with the client's bytes
// unread answers them with a reset, and the reset throws away what is still queued.
TEST(ReplaySessionTest, EveryFrameBeforeADropArrivesThoughTheClientSentFramesUnread) {
    constexpr int kFrames = 8;
    const std::string padding(64 * 1024, 'x');
    std::vector<Message> frames{frame(1, C, 100, R"({"command":"ws_auth","auth_token":"t"})")};
    for (int n = 1; n <= kFrames; ++n) {
        frames.push_back(frame(n + 1, S, 110, R"({"event":"chat.postMessage","n":)" + std::to_string(n) +
                                                   R"(,"pad":")" + padding + R"("})"));
    }
    ReplayPlan plan = buildReplayPlan(frames, serverDrop(120), {});
    std::mutex mutex;
    std::condition_variable changed;
    std::optional<ReplayResult> result;
    ReplayServerConfig config;
    config.port = 0;
    ReplayServer server(plan, config, nullptr, [&](const ReplayResult& r) {
        std::lock_guard lock(mutex);
        result = r;
        changed.notify_all();
    });
    server.start();
    test::RawWsClient client(server.port());
    ASSERT_EQ(client.status(), 101);
    client.sendFrame(0x81, R"({"command":"ws_auth","auth_token":"t"})");
    {
        std::unique_lock lock(mutex);
        ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return result.has_value(); }));
        EXPECT_EQ(result->ended, "the replay dropped it, as the recorded server did");
    }
    for (int i = 0; i < 3; ++i) {
        client.sendFrame(0x81, R"({"command":"ws_ping"})");
    }
    for (int n = 1; n <= kFrames; ++n) {
        test::Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << "frame " << n << ": " << test::toString(r);
        EXPECT_EQ(r.frame.payload, frames[static_cast<size_t>(n)].payload) << "frame " << n;
    }
    EXPECT_EQ(client.receive().kind, test::Received::Kind::Closed) << "the end is a FIN, no close frame, no reset";
}

TEST(ReplaySessionTest, LoopPlaysTheRecordingAgainAfterItsEnd) {
    std::vector<Message> frames = recording({{1, 110}, {2, 120}});
    ReplayPlan plan = buildReplayPlan(frames, serverDrop(500), {});
    ServeOptions serve;
    serve.loop = true;  // and no drop: the client under test decides when it ends
    Served served(plan, serve);
    EXPECT_EQ(served.waitFrames(6), events({1, 2, 1, 2, 1, 2}));
    served.client().close();
    ReplayResult r = served.waitResult();
    EXPECT_GE(r.rounds, 3);
    EXPECT_GE(r.sent, 6u);
}

}  // namespace
}  // namespace rtmtap
