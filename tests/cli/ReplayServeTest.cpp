// `rtmtap replay SOURCE` serving a recording to a client under test, as a process: recordings
// written as JSONL (exact offsets), clients from replay/RtmClient, and the --record'ed replays
// read back from the database to compare replayed offsets with recorded ones.
#include "replay/RtmClient.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/Process.h"
#include "tests/support/RawWsClient.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <fstream>
#include <mutex>
#include <thread>

namespace rtmtap::test {
namespace {

const std::string kSessionLine =
    R"({"rtmtap":"session","version":1,"id":7,"started_at":"2026-11-25T14:03:07.000000Z","client":"127.0.0.1:1","upstream":"ws://127.0.0.1:9/","path":"/","headers":{}})";

std::string frameLine(int64_t tMs, const char* dir, const std::string& data, const char* op = "text") {
    return R"({"t_us":)" + std::to_string(tMs * 1000) + R"(,"dir":")" + dir + R"(","op":")" + op +
           R"(","flags":[],"data":)" + data + "}";
}

std::string event(const std::string& name, const std::string& payload = "{}") {
    return R"({"meta":{"api":"v1"},"event":")" + name + R"(","payload":)" + payload + "}";
}

const std::string kAuth = R"({"command":"ws_auth","auth_token":"recorded.token."})";
const std::string kReaction = R"({"command":"ws_add_reaction","message_id":10004,"emoji_value":"U 1F600"})";
const std::string kUpdate = event("chat.updateMessage", R"({"message":{"id":10004,"channel_id":11010000}})");
const std::string kTyping = R"({"command":"ws_ephemeral_typing","channel_id":11010000})";

// ws_auth at 1.000 s; server frames 100, 300 and 600 ms after it; a reaction at 700 ms answered
// 50 ms later.
std::string recording() {
    return kSessionLine + "\n" + frameLine(1000, "c2s", kAuth) + "\n" +
           frameLine(1100, "s2c", event("user.online", R"({"user":{"id":91010001},"channel_id":11010000})")) + "\n" +
           frameLine(1300, "s2c", event("chat.userTyping", R"({"channel_id":11010000})")) + "\n" +
           frameLine(1600, "s2c", event("chat.postMessage", R"({"message":{"id":10004,"channel_id":11010000}})")) + "\n" +
           frameLine(1700, "c2s", kReaction) + "\n" + frameLine(1750, "s2c", kUpdate) + "\n";
}

std::string writeFile(const TempDir& dir, const std::string& name, const std::string& text) {
    std::ofstream out(dir.file(name));
    out << text;
    return dir.file(name);
}

// A client under test: logs every frame it receives with the time since ws_auth went out.
class Client {
public:
    explicit Client(uint16_t port) {
        client_.connect("ws://127.0.0.1:" + std::to_string(port) + "/any/path", "fresh.token", [this](const Message& m) {
            std::lock_guard lock(mutex_);
            frames_.push_back(m);
            changed_.notify_all();
        });
    }
    bool waitFrames(size_t n, int timeoutMs = 10000) {
        std::unique_lock lock(mutex_);
        return changed_.wait_for(lock, std::chrono::milliseconds(timeoutMs), [&] { return frames_.size() >= n; });
    }
    std::vector<Message> frames() {
        std::lock_guard lock(mutex_);
        return frames_;
    }
    RtmClient& rtm() { return client_; }

private:
    RtmClient client_;
    std::mutex mutex_;
    std::condition_variable changed_;
    std::vector<Message> frames_;
};

std::vector<std::string> eventNames(const std::vector<Message>& frames) {
    std::vector<std::string> out;
    for (const Message& m : frames) {
        if (m.op != Opcode::Text) {
            continue;
        }
        auto obj = Poco::JSON::Parser().parse(m.payload).extract<Poco::JSON::Object::Ptr>();
        out.push_back(obj->optValue<std::string>("event", "?"));
    }
    return out;
}

// Offsets (ms) of the server frames of replay session id from the client's ws_auth, as recorded.
std::vector<double> replayedOffsetsMs(const std::string& db, int64_t id) {
    const std::unique_ptr<Reader> reader = openReader(db);
    std::vector<double> out;
    int64_t auth = -1;
    reader->frames(id, [&](const FrameRow& row) {
        if (row.message.dir == Direction::ClientToServer && row.name == "ws_auth") {
            auth = row.message.t_us;
        } else if (row.message.dir == Direction::ServerToClient && auth >= 0 && row.message.op == Opcode::Text) {
            out.push_back((row.message.t_us - auth) / 1000.0);
        }
        return true;
    });
    return out;
}

std::vector<std::string> replayArgs(const std::string& source, const std::string& db, std::vector<std::string> more) {
    std::vector<std::string> args = {"replay", source, "--db", db, "--listen", "127.0.0.1:0", "--color", "never"};
    args.insert(args.end(), more.begin(), more.end());
    return args;
}

// Recorded offsets (ms after ws_auth) scaled by speed: never early, and not late by more than a
// loaded machine can explain.
void expectOnTime(const std::vector<double>& got, const std::vector<double>& recordedMs, double speed) {
    ASSERT_EQ(got.size(), recordedMs.size());
    for (size_t i = 0; i < got.size(); ++i) {
        const double want = recordedMs[i] / speed;
        EXPECT_GE(got[i], want - 1.0) << "frame " << i;
        EXPECT_LE(got[i], want + 150.0) << "frame " << i;
    }
}

class ReplayServeTest : public ::testing::TestWithParam<double> {};

TEST_P(ReplayServeTest, ServerFramesGoOutAtTheirRecordedOffsetsScaledBySpeed) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    const double speed = GetParam();
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--speed", std::to_string(speed), "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);
        ASSERT_TRUE(client.waitFrames(3)) << replay.out();
        EXPECT_EQ(eventNames(client.frames()), (std::vector<std::string>{"user.online", "chat.userTyping", "chat.postMessage"}));
        client.rtm().sendText(kReaction);
        ASSERT_TRUE(client.waitFrames(4));
        client.rtm().close();
    }
    ExitStatus status = replay.waitExit();
    EXPECT_EQ(status.code, 0) << replay.out() << replay.err();
    EXPECT_NE(replay.out().find("expect: the client's commands match the recording (2 commands)"), std::string::npos)
        << replay.out();
    const std::unique_ptr<Reader> reader = openReader(dir.file("out.db"));
    std::vector<SessionRow> sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_FALSE(sessions[0].replay_of);  // the source was a file
    expectOnTime(replayedOffsetsMs(dir.file("out.db"), sessions[0].id), {100, 300, 600, 750}, speed);
}

INSTANTIATE_TEST_SUITE_P(Speeds, ReplayServeTest, ::testing::Values(1.0, 2.0, 0.5));

TEST(ReplayServe, NoTimingSendsEverythingAtOnceInOrder) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--no-timing", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    Client client(port);
    ASSERT_TRUE(client.waitFrames(4));
    EXPECT_EQ(eventNames(client.frames()),
              (std::vector<std::string>{"user.online", "chat.userTyping", "chat.postMessage", "chat.updateMessage"}));
    client.rtm().close();
    replay.waitExit();
    std::vector<double> offsets = replayedOffsetsMs(dir.file("out.db"), 1);
    ASSERT_EQ(offsets.size(), 4u);
    EXPECT_LT(offsets.back(), 100.0);  // the recording spans 750 ms
}

TEST(ReplayServe, FromSendsWhatComesBeforeAtOnceAndTheRestOnTime) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    // seq 4 is the chat.postMessage at 1.600 s: user.online and the typing go at once.
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--from", "4", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    Client client(port);
    ASSERT_TRUE(client.waitFrames(4));
    client.rtm().close();
    replay.waitExit();
    std::vector<double> offsets = replayedOffsetsMs(dir.file("out.db"), 1);
    ASSERT_EQ(offsets.size(), 4u);
    EXPECT_LT(offsets[0], 50.0);
    EXPECT_LT(offsets[1], 50.0);
    EXPECT_LT(offsets[2], 50.0);
    EXPECT_GE(offsets[3], 149.0);  // the update, 150 ms after seq 4
    EXPECT_LE(offsets[3], 300.0);
}

TEST(ReplayServe, ReactiveHoldsTheAnswerUntilTheClientSendsItsCommand) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--reactive", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    // The update; user.online answered ws_auth, which starts the replay, so it is not held.
    EXPECT_NE(replay.listeningLine().find("1 held until their command"), std::string::npos) << replay.listeningLine();
    Client client(port);
    ASSERT_TRUE(client.waitFrames(3));
    // Well past the recorded 750 ms: the update is held, nothing else comes.
    std::this_thread::sleep_for(std::chrono::milliseconds(1000));
    EXPECT_EQ(client.frames().size(), 3u);
    client.rtm().sendText(kReaction);
    ASSERT_TRUE(client.waitFrames(4));
    EXPECT_EQ(eventNames(client.frames()).back(), "chat.updateMessage");
    client.rtm().close();
    EXPECT_EQ(replay.waitExit().code, 0) << replay.out();
    // The update went 50 ms (recorded delay) after the reaction arrived.
    const std::unique_ptr<Reader> reader = openReader(dir.file("out.db"));
    int64_t reactionUs = -1, updateUs = -1;
    reader->frames(1, [&](const FrameRow& row) {
        reactionUs = row.name == "ws_add_reaction" ? row.message.t_us : reactionUs;
        updateUs = row.name == "chat.updateMessage" ? row.message.t_us : updateUs;
        return true;
    });
    ASSERT_GE(reactionUs, 0);
    EXPECT_GE(updateUs - reactionUs, 49'000);
    EXPECT_LE(updateUs - reactionUs, 200'000);
}

TEST(ReplayServe, AHeldFrameNeverReleasedIsShownAtTheEnd) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--reactive", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);
        ASSERT_TRUE(client.waitFrames(3));
        client.rtm().sendText(kTyping);  // not the recorded reaction
        std::this_thread::sleep_for(std::chrono::milliseconds(900));
        client.rtm().close();
    }
    ExitStatus status = replay.waitExit();
    EXPECT_EQ(status.code, 1) << replay.out();
    const std::string out = replay.out();
    EXPECT_NE(out.find("held, never released: #6 chat.updateMessage (waits for ws_add_reaction message_id=10004 "
                       "emoji_value=U 1F600)"),
              std::string::npos)
        << out;
    EXPECT_NE(out.find("expect: the client's commands differ from the recording (2 differences"), std::string::npos) << out;
    EXPECT_NE(out.find("  - ws_add_reaction message_id=10004 emoji_value=U 1F600"), std::string::npos) << out;
    EXPECT_NE(out.find("  + ws_ephemeral_typing channel_id=11010000"), std::string::npos) << out;
}

TEST(ReplayServe, ExpectJsonListsTheDifferences) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--no-timing", "--expect", "--json"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);
        ASSERT_TRUE(client.waitFrames(4));
        client.rtm().close();
    }
    EXPECT_EQ(replay.waitExit().code, 1);
    std::string out = replay.out();
    std::string json = out.substr(out.find('\n') + 1);
    auto root = Poco::JSON::Parser().parse(json).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(root->getValue<int>("differences"), 1);
    auto replays = root->getArray("replays");
    ASSERT_EQ(replays->size(), 1u);
    auto diff = replays->getObject(0)->getArray("differences");
    ASSERT_EQ(diff->size(), 1u);
    EXPECT_EQ(diff->getObject(0)->getValue<std::string>("change"), "missing");
    EXPECT_EQ(diff->getObject(0)->getObject("command")->getValue<std::string>("command"), "ws_add_reaction");
}

TEST(ReplayServe, StepIsDrivenThroughStdin) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--step", "--expect"}), RTMTAP_BINARY, true);
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    Client client(port);
    // Nothing goes out before the first answer, however long the recording says to wait.
    std::this_thread::sleep_for(std::chrono::milliseconds(400));
    EXPECT_TRUE(client.frames().empty());
    EXPECT_NE(replay.err().find("step: #2 "), std::string::npos) << replay.err();
    replay.writeStdin("n\n");
    ASSERT_TRUE(client.waitFrames(1));
    replay.writeStdin("s\n");  // skip the typing
    replay.writeStdin("c\n");  // the rest on time
    ASSERT_TRUE(client.waitFrames(2));
    client.rtm().sendText(kReaction);
    ASSERT_TRUE(client.waitFrames(3));
    EXPECT_EQ(eventNames(client.frames()),
              (std::vector<std::string>{"user.online", "chat.postMessage", "chat.updateMessage"}));
    client.rtm().close();
    EXPECT_EQ(replay.waitExit().code, 0) << replay.out() << replay.err();
    EXPECT_NE(replay.out().find("1 skipped"), std::string::npos) << replay.out();
}

TEST(ReplayServe, QuitAtAStepEndsTheReplay) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--step"}), RTMTAP_BINARY, true);
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    Client client(port);
    replay.writeStdin("q\n");
    EXPECT_EQ(replay.waitExit().code, 0) << replay.err();
    EXPECT_TRUE(client.rtm().waitEnded(5000));
}

TEST(ReplayServe, GarbageEndsThatReplayOnlyAndOthersGoOn) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--duration", "3"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    Client good(port);
    RtmClient bad;
    bad.connect("ws://127.0.0.1:" + std::to_string(port), "x", [](const Message&) {});
    bad.sendText("this is not json");
    EXPECT_TRUE(bad.waitEnded(5000));
    ASSERT_TRUE(good.waitFrames(3));
    good.rtm().close();
    EXPECT_EQ(replay.waitExit(10000).code, 0);
    EXPECT_NE(replay.out().find("the client sent invalid JSON at "), std::string::npos) << replay.out();
    EXPECT_NE(replay.out().find(": dropped, as the real server does"), std::string::npos) << replay.out();
}

TEST(ReplayServe, LoopPlaysTheRecordingAgainUntilTheClientGoes) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--loop", "--speed", "10", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);
        ASSERT_TRUE(client.waitFrames(12));  // three rounds of four frames
        std::vector<std::string> names = eventNames(client.frames());
        EXPECT_EQ(names[4], "user.online");
        EXPECT_EQ(names[8], "user.online");
        client.rtm().close();
    }
    replay.waitExit();
    EXPECT_NE(replay.out().find(" rounds)"), std::string::npos) << replay.out();
}

TEST(ReplayServe, ProtocolPingsGoOutOnTimeAndTheReportSaysWhenTheClientPonged) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl",
                                       kSessionLine + "\n" + frameLine(0, "c2s", kAuth) + "\n" +
                                           frameLine(200, "s2c", "\"rtmtap\"", "ping") + "\n" +
                                           frameLine(201, "c2s", "\"rtmtap\"", "pong") + "\n" +
                                           frameLine(400, "s2c", "\"again\"", "ping") + "\n");
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);  // RtmClient answers pings with pongs by itself
        for (int i = 0; i < 100 && client.rtm().pingsAnswered() < 2; ++i) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
        EXPECT_EQ(client.rtm().pingsAnswered(), 2u);
        client.rtm().close();
    }
    EXPECT_EQ(replay.waitExit().code, 0) << replay.out();
    EXPECT_NE(replay.out().find("protocol pings: 2 sent, 2 answered (pong after: #2 "), std::string::npos) << replay.out();
    EXPECT_NE(replay.out().find("match the recording (1 command)"), std::string::npos) << replay.out();
    const std::unique_ptr<Reader> reader = openReader(dir.file("out.db"));
    std::vector<Opcode> ops;
    reader->frames(1, [&](const FrameRow& row) {
        ops.push_back(row.message.op);
        return true;
    });
    EXPECT_EQ(std::count(ops.begin(), ops.end(), Opcode::Ping), 2);
    EXPECT_EQ(std::count(ops.begin(), ops.end(), Opcode::Pong), 2);
}

TEST(ReplayServe, AClientThatNeverSendsWsAuthIsDroppedWithAReport) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process replay(replayArgs(file, dir.file("out.db"), {"--auth-timeout", "300", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    RawWsClient silent(port);
    ASSERT_EQ(silent.status(), 101);
    EXPECT_TRUE(silent.receive(5000).endedWithoutClose());  // dropped, no frame before
    EXPECT_EQ(replay.waitExit().code, 1);
    EXPECT_NE(replay.out().find("the client sent no ws_auth within 0.300 s: dropped"), std::string::npos) << replay.out();
}

TEST(ReplayServe, ADatabaseSessionIsMarkedAsTheOneReplayed) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    const std::string db = dir.file("rec.db");
    RunResult imported = Process::capture({"import", file, "--db", db});
    ASSERT_EQ(imported.code(), 0) << imported.err;
    Process replay(replayArgs("1", db, {"--record", "--no-timing", "--expect"}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    EXPECT_NE(replay.listeningLine().find("replaying session 1 of"), std::string::npos) << replay.listeningLine();
    {
        Client client(port);
        ASSERT_TRUE(client.waitFrames(4));
        client.rtm().close();
    }
    replay.waitExit();
    const std::unique_ptr<Reader> reader = openReader(db);
    std::optional<SessionRow> row = reader->session(2);
    ASSERT_TRUE(row);
    EXPECT_EQ(row->replay_of, 1);
    EXPECT_EQ(row->upstream.rfind("replay of session 1 of", 0), 0u) << row->upstream;
    RunResult listed = Process::capture({"sessions", "--db", db, "--color", "never"});
    EXPECT_NE(listed.out.find("REPLAY OF"), std::string::npos) << listed.out;
    RunResult json = Process::capture({"sessions", "--db", db, "--json"});
    EXPECT_NE(json.out.find("\"replay_of\":1"), std::string::npos) << json.out;
}

TEST(ReplayServe, BadInputIsOneLineAndExitTwo) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    const std::string text = writeFile(dir, "notes.txt", "hello\n");
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    std::vector<Case> cases = {
        {replayArgs(dir.file("missing.jsonl"), dir.file("x.db"), {}), "missing.jsonl"},
        {replayArgs(text, dir.file("x.db"), {}), "neither"},
        {replayArgs(file, dir.file("x.db"), {"--from", "99"}), "--from 99 is beyond the session"},
        {replayArgs("5", dir.file("x.db"), {}), ""},
        {{"replay", file, "--listen", "nonsense"}, "--listen"},
        {replayArgs(file, dir.file("x.db"), {"--step", "--no-timing"}), "exclude each other"},
        {replayArgs(file, dir.file("x.db"), {"--patch", writeFile(dir, "bad.jsonl", "# rules\n{\"match\": {}, \"delay_ms\": -1}\n")}),
         "bad.jsonl:2: delay_ms"},
        {replayArgs(file, dir.file("x.db"), {"--patch", dir.file("none.jsonl")}), "none.jsonl"},
    };
    for (const Case& c : cases) {
        RunResult r = Process::capture(c.args);
        EXPECT_EQ(r.code(), 2) << c.args[1] << ": " << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
}

TEST(ReplayServe, APortInUseIsOneLineAndExitTwo) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    Process first(replayArgs(file, dir.file("x.db"), {"--duration", "5"}));
    uint16_t port = first.waitForListening();
    ASSERT_NE(port, 0);
    RunResult r = Process::capture({"replay", file, "--listen", "127.0.0.1:" + std::to_string(port)});
    EXPECT_EQ(r.code(), 2);
    EXPECT_NE(r.err.find("cannot listen on 127.0.0.1:" + std::to_string(port)), std::string::npos) << r.err;
}

// The flags of the frames the replay served (session 1 of db), by event name ("" for a close).
std::vector<std::pair<std::string, uint32_t>> servedFlags(const std::string& db) {
    const std::unique_ptr<Reader> reader = openReader(db);
    std::vector<std::pair<std::string, uint32_t>> out;
    reader->frames(1, [&](const FrameRow& row) {
        if (row.message.dir == Direction::ServerToClient) {
            out.emplace_back(row.name, row.message.flags);
        }
        return true;
    });
    return out;
}

TEST(ReplayServePatch, TheClientGetsThePatchedRecordingAndTheRecordSaysWhatARuleMade) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    const std::string rules = writeFile(
        dir, "rules.jsonl",
        "{\"match\": {\"event\": \"chat.userTyping\"}, \"drop\": true}\n"
        "{\"match\": {\"event\": \"chat.postMessage\"}, \"set\": {\"payload.message.content\": \"patched\"}}\n"
        "{\"match\": {\"event\": \"user.online\"}, \"insert_after\": [{\"data\": {\"event\": \"chat.injected\"}}]}\n"
        "{\"match\": {\"command\": \"ws_add_reaction\"}, \"close\": {\"by\": \"server\", \"code\": 4001, \"reason\": \"rule\"}}\n"
        "{\"match\": {\"event\": \"never.sent\"}, \"drop\": true}\n");
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--expect", "--patch", rules}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);
        ASSERT_TRUE(client.waitFrames(4)) << replay.out();
        const std::vector<Message> frames = client.frames();
        EXPECT_EQ(eventNames(frames), (std::vector<std::string>{"user.online", "chat.injected", "chat.postMessage"}));
        EXPECT_EQ(frames[2].payload, R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":10004,"channel_id":11010000,"content":"patched"}}})");
        ASSERT_EQ(frames[3].op, Opcode::Close);
        EXPECT_EQ(frames[3].payload, std::string("\x0f\xa1", 2) + "rule");  // 4001, from the replay at the reaction's time
        EXPECT_TRUE(client.rtm().waitEnded(5000));
    }
    ExitStatus status = replay.waitExit();
    // The client's commands: ws_auth, as in the patched recording (the reaction became the close).
    EXPECT_EQ(status.code, 0) << replay.out() << replay.err();
    const std::string err = replay.err();
    EXPECT_NE(err.find("rtmtap: --patch " + rules + ": 1 dropped, 1 edited, 2 injected, 0 delayed; closed by the server (4001), 1 later frame cut"),
              std::string::npos) << err;
    EXPECT_NE(err.find("rtmtap: rules " + rules + ": frames each rule acted on"), std::string::npos) << err;
    EXPECT_NE(err.find("  line 1 {\"match\": {\"event\": \"chat.userTyping\"}, \"drop\": true}: 1 touched, 1 matched"), std::string::npos) << err;
    EXPECT_NE(err.find("  line 5 {\"match\": {\"event\": \"never.sent\"}, \"drop\": true}: matched nothing"), std::string::npos) << err;
    EXPECT_NE(replay.out().find(", patched by " + rules), std::string::npos) << replay.out();
    EXPECT_EQ(servedFlags(dir.file("out.db")),
              (std::vector<std::pair<std::string, uint32_t>>{{"user.online", 0u},
                                                             {"chat.injected", MessageFlag::Injected},
                                                             {"chat.postMessage", MessageFlag::Edited},
                                                             {"", MessageFlag::Injected}}));
    const std::unique_ptr<Reader> reader = openReader(dir.file("out.db"));
    const std::vector<SessionRow> sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].closed_by, "server");
    EXPECT_EQ(sessions[0].close_code, 4001);
}

TEST(ReplayServePatch, ACloseWith1006DropsTheClientWhereTheRuleMatched) {
    TempDir dir;
    const std::string file = writeFile(dir, "rec.jsonl", recording());
    const std::string rules = writeFile(dir, "rules.jsonl",
                                        "{\"match\": {\"event\": \"chat.postMessage\"}, \"close\": {\"by\": \"server\", \"code\": 1006}}\n");
    Process replay(replayArgs(file, dir.file("out.db"), {"--record", "--expect", "--no-timing", "--patch", rules}));
    uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    {
        Client client(port);
        ASSERT_TRUE(client.rtm().waitEnded(5000));
        EXPECT_EQ(eventNames(client.frames()), (std::vector<std::string>{"user.online", "chat.userTyping"}));
        EXPECT_NE(client.rtm().endReason().find("dropped"), std::string::npos) << client.rtm().endReason();
    }
    EXPECT_EQ(replay.waitExit().code, 0) << replay.out() << replay.err();
    EXPECT_NE(replay.out().find("the replay dropped it, as the recorded server did"), std::string::npos) << replay.out();
}

}  // namespace
}  // namespace rtmtap::test
