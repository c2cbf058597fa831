// ClientReplay against servers in this process: the simulator (a session recorded from it, played
// back to a fresh one), and TestUpstream for servers that refuse or drop.
#include "replay/ClientReplay.h"
#include "tests/replay/SimTestUtil.h"
#include "tests/support/TestUpstream.h"

#include "tests/support/TestFrames.h"

#include <gtest/gtest.h>

#include <chrono>
#include <future>
#include <thread>

namespace rtmtap::test {
namespace {

constexpr auto C = Direction::ClientToServer;
constexpr auto S = Direction::ServerToClient;
const std::string kGeneral = std::to_string(SimWorld::kFirstChannelId);

// A session as the proxy records it: both directions in one sequence, t_us from the start.
class SessionLog {
public:
    void add(Direction dir, Opcode op, const std::string& payload) {
        std::lock_guard lock(mutex_);
        Message m;
        m.seq = static_cast<int64_t>(frames_.size()) + 1;
        m.dir = dir;
        m.op = op;
        m.t_us = Clock::system().monotonicUs() - startUs_;
        m.payload = payload;
        m.size = payload.size();
        frames_.push_back(m);
    }
    std::vector<Message> frames() const {
        std::lock_guard lock(mutex_);
        return frames_;
    }

private:
    mutable std::mutex mutex_;
    const int64_t startUs_ = Clock::system().monotonicUs();
    std::vector<Message> frames_;
};

// Records user1's session on sim: ws_auth (its token cut, as the store keeps it), the commands,
// then a ws_ping whose pong says every answer is in (the simulator answers in order).
std::vector<Message> recordSession(Simulator& sim, const std::vector<std::string>& commands) {
    SessionLog log;
    std::promise<void> lastPong;
    int pongs = 0;
    const int expectedPongs = 1 + static_cast<int>(std::count_if(commands.begin(), commands.end(), [](const std::string& c) {
                                  return c.find("ws_ping") != std::string::npos;
                              }));
    RtmClient client;
    log.add(C, Opcode::Text, R"({"command":"ws_auth","auth_token":"eyJ0eXAiOiJKV1QifQ.eyJ1c2VyX2lkIjoxfQ"})");
    client.connect(sim.wsUrl(), tokenFor(sim, 1), [&](const Message& m) {
        log.add(S, m.op, m.payload);
        if (m.payload == R"({"event":"pong"})" && ++pongs == expectedPongs) {
            lastPong.set_value();
        }
    });
    for (const std::string& command : commands) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        log.add(C, Opcode::Text, command);
        client.sendText(command);
    }
    log.add(C, Opcode::Text, R"({"command":"ws_ping"})");
    client.sendText(R"({"command":"ws_ping"})");
    EXPECT_EQ(lastPong.get_future().wait_for(std::chrono::seconds(10)), std::future_status::ready);
    client.close();
    return log.frames();
}

using test::frame;

std::vector<Message> numbered(std::vector<Message> frames) {
    for (size_t i = 0; i < frames.size(); ++i) {
        frames[i].seq = static_cast<int64_t>(i) + 1;
    }
    return frames;
}

size_t differences(const EventDiff& d) {
    return static_cast<size_t>(std::count_if(d.steps.begin(), d.steps.end(), [](const DiffStep& s) { return s.op != DiffStep::Op::Same; }));
}

std::string render(const EventDiff& d) {
    std::string out;
    for (const DiffStep& s : d.steps) {
        out += s.op == DiffStep::Op::Same ? "  " + d.recorded[s.recorded].describe()
               : s.op == DiffStep::Op::Missing ? "- " + d.recorded[s.recorded].describe()
                                               : "+ " + d.received[s.replayed].describe();
        out += "\n";
    }
    return out;
}

std::vector<std::string> commandsOf(const std::vector<Message>& frames) {
    std::vector<std::string> out;
    for (const Message& m : frames) {
        if (m.dir == C && m.op == Opcode::Text) {
            out.push_back(m.payload);
        }
    }
    return out;
}

// Everything a test tap hears.
class CollectingTap : public Tap {
public:
    void onSessionStart(const SessionInfo& info) override {
        std::lock_guard lock(mutex);
        starts.push_back(info);
    }
    void onMessage(const Message& m) override {
        std::lock_guard lock(mutex);
        messages.push_back(m);
    }
    void onSessionEnd(const SessionEnd& end) override {
        std::lock_guard lock(mutex);
        ends.push_back(end);
    }
    std::mutex mutex;
    std::vector<SessionInfo> starts;
    std::vector<Message> messages;
    std::vector<SessionEnd> ends;
};

const std::vector<std::string> kCommands = {
    R"({"command":"ws_ping"})",
    R"({"command":"ws_add_reaction","message_id":10000,"emoji_value":"U 1F44D"})",
    R"({"command":"ws_read_notification","channel_id":)" + kGeneral + R"(,"message_id":10000})",
    R"({"command":"ws_all_read_notification","channel_id":)" + kGeneral + "}",
};

TEST(ClientReplayTest, ARecordedSessionPlaysBackToAFreshSimulatorWithTheSameEvents) {
    Simulator recorded(simConfig());
    recorded.start();
    const std::vector<Message> rec = recordSession(recorded, kCommands);
    Simulator live(simConfig());
    live.start();

    const ClientPlan plan = buildClientPlan(rec);
    ASSERT_EQ(plan.sends.size(), 5u);
    EventCompare compare;
    ClientReplayOptions o;
    o.url = live.wsUrl();
    o.api = live.apiUrl();  // a fresh login: the recorded token is cut
    o.user = "user1@example.test";
    o.password = SimWorld::kPassword;
    o.noTiming = true;
    o.compare = &compare;
    ClientReplay replay(1, plan, rec, o);
    ClientReplayResult r = replay.run();

    ASSERT_TRUE(r.failure.empty()) << r.failure;
    EXPECT_TRUE(r.connected);
    EXPECT_GE(r.connectUs, 0);
    EXPECT_EQ(r.sent, 5u);
    EXPECT_EQ(r.endMissing, "");
    EXPECT_EQ(r.ended, "the replay closed it (1000)");
    // What went out: a fresh ws_auth, then the recorded commands byte for byte.
    std::vector<std::string> sent = commandsOf(r.frames);
    ASSERT_EQ(sent.size(), 6u);
    EXPECT_NE(sent[0].find("\"ws_auth\""), std::string::npos);
    EXPECT_EQ(sent[0].find("eyJ1c2VyX2lkIjoxfQ\""), std::string::npos) << "the recorded token is not reused";
    EXPECT_EQ(std::vector<std::string>(sent.begin() + 1, sent.end() - 1), kCommands);
    ASSERT_TRUE(r.diff.has_value());
    EXPECT_EQ(differences(*r.diff), 0u) << render(*r.diff);
    EXPECT_GE(r.diff->recorded.size(), 5u) << "user.online, pongs, the reaction's update, unread counts";
    // Two ws_pings answered by pongs, a reaction by its update: latencies of live answers.
    EXPECT_GE(r.eventLatenciesUs.size(), 3u);
    for (int64_t us : r.eventLatenciesUs) {
        EXPECT_GE(us, 0);
    }
    EXPECT_TRUE(r.mappedIds.empty()) << "no message was posted";
}

TEST(ClientReplayTest, ADifferentServerShowsUpInTheDiff) {
    Simulator recorded(simConfig());
    recorded.start();
    const std::vector<Message> rec = recordSession(recorded, kCommands);
    Simulator live(simConfig(SimFlavor::Real));  // unread counts as channel.updateReadStatus
    live.start();
    const ClientPlan plan = buildClientPlan(rec);
    EventCompare compare;
    ClientReplayOptions o;
    o.url = live.wsUrl();
    o.token = tokenFor(live, 1);
    o.noTiming = true;
    o.waitMs = 300;
    o.compare = &compare;
    ClientReplayResult r = ClientReplay(1, plan, rec, o).run();
    ASSERT_TRUE(r.failure.empty()) << r.failure;
    ASSERT_TRUE(r.diff.has_value());
    EXPECT_GT(differences(*r.diff), 0u);
    const std::string diff = render(*r.diff);
    EXPECT_NE(diff.find("- chat.unreadCountUpdate"), std::string::npos) << diff;
    EXPECT_NE(diff.find("+ channel.updateReadStatus"), std::string::npos) << diff;
    EXPECT_NE(r.endMissing.find("chat.unreadCountUpdate (0 of"), std::string::npos) << r.endMissing;
}

TEST(ClientReplayTest, CommandsGoAtTheirRecordedOffsetsScaledBySpeedNeverEarlier) {
    Simulator live(simConfig());
    live.start();
    const std::vector<Message> rec = numbered({
        frame(C, 1000, R"({"command":"ws_auth","auth_token":"a.b"})"),
        frame(C, 1000, R"({"command":"ws_ping"})"),
        frame(C, 1400, R"({"command":"ws_ping"})"),
        frame(C, 1800, R"({"command":"ws_ping"})"),
    });
    const ClientPlan plan = buildClientPlan(rec);
    ClientReplayOptions o;
    o.url = live.wsUrl();
    o.token = tokenFor(live, 2);
    o.speed = 2;
    o.waitMs = 200;
    ClientReplayResult r = ClientReplay(1, plan, rec, o).run();
    ASSERT_TRUE(r.failure.empty()) << r.failure;
    std::vector<int64_t> at;
    for (const Message& m : r.frames) {
        if (m.dir == C && m.payload == R"({"command":"ws_ping"})") {
            at.push_back(m.t_us - r.authUs);
        }
    }
    ASSERT_EQ(at.size(), 3u);
    EXPECT_GE(at[1], 200'000);  // 400 ms recorded, at speed 2
    EXPECT_GE(at[2], 400'000);  // never early; a late ping (a loaded machine) may shorten the spacing after it
}

TEST(ClientReplayTest, ReactiveCommandsWaitForTheirEventsAndATimeoutIsReported) {
    Simulator live(simConfig());
    live.start();
    const std::string post = R"({"event":"chat.postMessage","payload":{"message":{"id":5,"channel_id":)" + kGeneral + "}}}";
    const std::vector<Message> rec = numbered({
        frame(C, 0, R"({"command":"ws_auth","auth_token":"a.b"})"),
        frame(S, 5, R"({"event":"user.online","payload":{"user":{"id":1}}})"),
        frame(C, 10, R"({"command":"ws_ping"})"),  // after user.online, which comes
        frame(S, 12, R"({"event":"pong"})"),
        frame(S, 20, post),                        // chatter the live simulator never sends
        frame(C, 30, R"({"command":"ws_ping"})"),
        frame(S, 32, R"({"event":"pong"})"),
    });
    const ClientPlan plan = buildClientPlan(rec);
    ClientReplayOptions o;
    o.url = live.wsUrl();
    o.token = tokenFor(live, 1);
    o.reactive = true;
    o.waitMs = 300;
    ClientReplayResult r = ClientReplay(1, plan, rec, o).run();
    ASSERT_TRUE(r.failure.empty()) << r.failure;
    EXPECT_EQ(r.sent, 2u) << "a timeout sends the command all the same";
    std::vector<CommandWait> timedOut;
    std::copy_if(r.waits.begin(), r.waits.end(), std::back_inserter(timedOut), [](const CommandWait& w) { return w.timedOut; });
    ASSERT_EQ(timedOut.size(), 1u) << "user.online came, the post never did";
    const CommandWait& w = timedOut[0];
    EXPECT_EQ(w.seq, 6);
    EXPECT_EQ(w.name, "ws_ping");
    EXPECT_EQ(w.missing, "chat.postMessage (0 of 1)");
    EXPECT_GE(w.waitedUs, 300'000);
    EXPECT_EQ(r.endMissing, "chat.postMessage (0 of 1)");
}

TEST(ClientReplayTest, RecordedPostIdsAreMappedToTheLiveOnesBeforeACommandGoes) {
    Simulator live(simConfig());
    live.start();
    SimClient other(live);  // user2 sees user1 come online
    ASSERT_TRUE(other.open());
    other.auth(live, 2);
    const std::string recordedPost =
        R"({"event":"chat.postMessage","payload":{"message":{"id":4242,"channel_id":)" + kGeneral + R"(,"content":"x"}}})";
    const std::vector<Message> rec = numbered({
        frame(C, 0, R"({"command":"ws_auth","auth_token":"a.b"})"),
        frame(S, 10, recordedPost),
        frame(C, 20, R"({"command":"ws_add_reaction","message_id":"4242","emoji_value":"U 1F44D"})"),
        frame(S, 25, R"({"event":"chat.updateMessage","payload":{"message":{"id":4242}}})"),
    });
    const ClientPlan plan = buildClientPlan(rec);
    ClientReplayOptions o;
    o.url = live.wsUrl();
    o.token = tokenFor(live, 1);
    o.reactive = true;
    o.waitMs = 5000;
    ClientReplay replay(1, plan, rec, o);
    auto running = std::async(std::launch::async, [&] { return replay.run(); });
    // Once user1 is online, a chatter step posts in General: the replay's reaction waits for it.
    for (;;) {
        Poco::JSON::Object::Ptr online = other.waitFor("user.online");
        ASSERT_NE(online, nullptr);
        if (online->getObject("payload")->getObject("user")->getValue<int64_t>("id") == userId(1)) {
            break;
        }
    }
    live.tick();  // the tour's first step: a message in General
    ClientReplayResult r = running.get();
    ASSERT_TRUE(r.failure.empty()) << r.failure;
    ASSERT_EQ(r.mappedIds.size(), 1u);
    const int64_t liveId = r.mappedIds.at(4242);
    EXPECT_NE(liveId, 4242);
    EXPECT_EQ(commandsOf(r.frames).at(1),
              R"({"command":"ws_add_reaction","message_id":")" + std::to_string(liveId) + R"(","emoji_value":"U 1F44D"})");
    bool updated = false;
    for (const Message& m : r.frames) {
        updated |= m.dir == S && m.payload.find("chat.updateMessage") != std::string::npos &&
                   m.payload.find("\"id\":" + std::to_string(liveId)) != std::string::npos;
    }
    EXPECT_TRUE(updated) << "the live server answered the reaction to its own message";
}

TEST(ClientReplayTest, TheTapHearsTheWholeLiveSessionWithPingsAndReplayOf) {
    Simulator recorded(simConfig());
    recorded.start();
    const std::vector<Message> rec = recordSession(recorded, kCommands);  // 20 ms between commands
    Simulator live(simConfig(SimFlavor::Doc, 25));  // protocol pings every 25 ms
    live.start();
    const ClientPlan plan = buildClientPlan(rec);
    CollectingTap tap;
    EventCompare compare;
    ClientReplayOptions o;
    o.url = live.wsUrl() + "/rtm";
    o.token = tokenFor(live, 1);
    o.tap = &tap;
    o.sessionId = 42;
    o.replayOf = 7;
    o.compare = &compare;
    ClientReplayResult r = ClientReplay(3, plan, rec, o).run();
    ASSERT_TRUE(r.failure.empty()) << r.failure;
    EXPECT_EQ(r.session, 42);
    ASSERT_EQ(tap.starts.size(), 1u);
    EXPECT_EQ(tap.starts[0].id, 42);
    EXPECT_EQ(tap.starts[0].replay_of, 7);
    EXPECT_EQ(tap.starts[0].path, "/rtm");
    ASSERT_EQ(tap.messages.size(), r.frames.size());
    int pings = 0, pongs = 0;
    for (size_t i = 0; i < tap.messages.size(); ++i) {
        EXPECT_EQ(tap.messages[i].seq, static_cast<int64_t>(i) + 1);
        EXPECT_EQ(tap.messages[i].session, 42);
        pings += tap.messages[i].op == Opcode::Ping && tap.messages[i].dir == S;
        pongs += tap.messages[i].op == Opcode::Pong && tap.messages[i].dir == C;
    }
    EXPECT_NE(tap.messages[0].payload.find("ws_auth"), std::string::npos);
    EXPECT_GE(pings, 2) << "the live server pinged during the replay";
    EXPECT_EQ(pings, pongs) << "every ping answered";
    EXPECT_EQ(tap.messages.back().op, Opcode::Close);
    ASSERT_EQ(tap.ends.size(), 1u);
    EXPECT_EQ(tap.ends[0].closed_by, "client");
    EXPECT_EQ(tap.ends[0].close_code, 1000);
    // The pings are no events: the comparison sees none of them.
    ASSERT_TRUE(r.diff.has_value());
    EXPECT_EQ(differences(*r.diff), 0u) << render(*r.diff);
}

TEST(ClientReplayTest, AServerThatRefusesOrDropsFailsTheReplay) {
    const std::vector<Message> rec = numbered({
        frame(C, 0, R"({"command":"ws_auth","auth_token":"a.b"})"),
        frame(C, 0, R"({"command":"ws_ping"})"),
        frame(C, 3000, R"({"command":"ws_ping"})"),
    });
    const ClientPlan plan = buildClientPlan(rec);
    {
        TestUpstream::Options refuse;
        refuse.mode = TestUpstream::Mode::Refuse;
        TestUpstream server(refuse);
        ClientReplayOptions o;
        o.url = server.url("/");
        o.token = "t";
        ClientReplayResult r = ClientReplay(1, plan, rec, o).run();
        EXPECT_FALSE(r.connected);
        EXPECT_EQ(r.connectUs, -1);
        EXPECT_NE(r.failure.find("refused"), std::string::npos) << r.failure;
        EXPECT_NE(r.failure.find("403"), std::string::npos) << r.failure;
    }
    TestUpstream::Options quiet;
    quiet.echo = false;
    TestUpstream server(quiet);
    ClientReplayOptions o;
    o.url = server.url("/");
    o.token = "t";
    ClientReplay replay(1, plan, rec, o);
    auto running = std::async(std::launch::async, [&] { return replay.run(); });
    ASSERT_TRUE(server.waitForFrames(2)) << "ws_auth and the first ping";
    server.drop();
    ClientReplayResult r = running.get();
    EXPECT_TRUE(r.connected);
    EXPECT_EQ(r.sent, 1u);
    EXPECT_NE(r.failure.find("the server ended the connection"), std::string::npos) << r.failure;
    EXPECT_NE(r.failure.find("1 of 2 commands sent"), std::string::npos) << r.failure;
}

TEST(ClientReplayTest, CancelEndsAReplayThatWouldRunLong) {
    TestUpstream::Options quiet;
    quiet.echo = false;
    TestUpstream server(quiet);
    const std::vector<Message> rec = numbered({
        frame(C, 0, R"({"command":"ws_auth","auth_token":"a.b"})"),
        frame(C, 600'000, R"({"command":"ws_ping"})"),
    });
    const ClientPlan plan = buildClientPlan(rec);
    ClientReplayOptions o;
    o.url = server.url("/");
    o.token = "t";
    ClientReplay replay(1, plan, rec, o);
    auto running = std::async(std::launch::async, [&] { return replay.run(); });
    ASSERT_TRUE(server.waitForFrames(1));
    replay.cancel();
    ASSERT_EQ(running.wait_for(std::chrono::seconds(10)), std::future_status::ready);
    ClientReplayResult r = running.get();
    EXPECT_TRUE(r.failure.empty()) << r.failure;
    EXPECT_EQ(r.sent, 0u);
    EXPECT_NE(r.ended.find("stopped"), std::string::npos) << r.ended;
}

}  // namespace
}  // namespace rtmtap::test
