// `rtmtap tail`: the real binary follows a database that a Recorder in this test process writes
// to, as it would follow a running proxy. Waits have generous deadlines; nothing asserts on time.
#include "cli/TailCommand.h"
#include "store/Recorder.h"
#include "tests/support/Eventually.h"
#include "tests/support/FrameLists.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <sstream>
#include <thread>

namespace rtmtap {
namespace {

using test::Process;

// tail polls the database: up to 20 s, looking every 20 ms (the machine is shared and may be slow).
template <typename Pred>
bool eventually(Pred pred) {
    return test::eventually(pred, std::chrono::seconds(20), std::chrono::milliseconds(20));
}

constexpr Direction C2S = Direction::ClientToServer;
constexpr Direction S2C = Direction::ServerToClient;

Message frame(int64_t session, int64_t seq, Direction dir, std::string payload, Opcode op = Opcode::Text) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = seq * 1000;
    m.fwd_us = m.t_us + 5;
    m.wall_us = 1'764'000'000'000'000 + m.t_us;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

std::string event(const std::string& name) {
    return R"({"event":")" + name + R"(","payload":{}})";
}

using test::lines;
// "session:seq" of each --jsonl line, which must parse as a JSON object.
const auto& framesOf = test::jsonlIds;


size_t lineCount(const Process& p) {
    return lines(p.out()).size();
}

class TailCommandTest : public ::testing::Test {
protected:
    std::unique_ptr<Recorder> openRecorder() {
        RecorderOptions options;
        options.dbPath = db_;
        options.commitIntervalMs = 10;
        return std::make_unique<Recorder>(options);
    }

    std::unique_ptr<Process> startTail(std::vector<std::string> extra) {
        std::vector<std::string> args = {"tail", "--db", db_};
        args.insert(args.end(), extra.begin(), extra.end());
        return std::make_unique<Process>(args);
    }

    static void stop(Process& tail, int sig = SIGTERM) {
        tail.signal(sig);
        test::ExitStatus status = tail.waitExit();
        EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << tail.err();
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("tail.db");
};

TEST_F(TailCommandTest, FollowsFramesWrittenByAnotherProcessInOrder) {
    auto recorder = openRecorder();
    recorder->onMessage(frame(1, 1, C2S, R"({"command":"ws_auth"})"));
    recorder->onMessage(frame(1, 2, S2C, event("user.online")));
    recorder->flush();
    auto tail = startTail({"--jsonl", "--from-start"});
    ASSERT_TRUE(eventually([&] { return lineCount(*tail) >= 2; })) << tail->err();
    recorder->onMessage(frame(2, 1, C2S, R"({"command":"ws_auth"})"));
    recorder->onMessage(frame(1, 3, S2C, event("chat.postMessage")));
    recorder->onMessage(frame(2, 2, S2C, "", Opcode::Ping));
    recorder->flush();
    ASSERT_TRUE(eventually([&] { return lineCount(*tail) >= 5; })) << tail->out();
    stop(*tail);
    EXPECT_EQ(framesOf(tail->out()), (std::vector<std::string>{"1:1", "1:2", "2:1", "1:3", "2:2"}));
    EXPECT_EQ(tail->err(), "");
}

TEST_F(TailCommandTest, StartsAfterTheFramesAlreadyRecorded) {
    auto recorder = openRecorder();
    for (int64_t seq = 1; seq <= 3; ++seq) {
        recorder->onMessage(frame(1, seq, S2C, event("old")));
    }
    recorder->flush();
    auto tail = startTail({"--jsonl"});
    // We cannot see when tail has read where the database ends, so keep writing until it prints.
    int64_t seq = 3;
    bool printed = false;
    while (!printed && seq < 400) {
        recorder->onMessage(frame(1, ++seq, S2C, event("new")));
        recorder->flush();
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        printed = lineCount(*tail) > 0;
    }
    ASSERT_TRUE(printed) << tail->err();
    std::string last = "1:" + std::to_string(seq);
    ASSERT_TRUE(eventually([&] { return tail->out().find("\"seq\":" + std::to_string(seq) + ",") != std::string::npos; }));
    stop(*tail);
    std::vector<std::string> seen = framesOf(tail->out());
    ASSERT_FALSE(seen.empty());
    int64_t first = std::stoll(seen.front().substr(2));
    EXPECT_GT(first, 3);
    for (size_t i = 0; i < seen.size(); ++i) {
        EXPECT_EQ(seen[i], "1:" + std::to_string(first + static_cast<int64_t>(i)));
    }
    EXPECT_EQ(seen.back(), last);
}

TEST_F(TailCommandTest, FiltersSelectFrames) {
    auto recorder = openRecorder();
    recorder->onMessage(frame(1, 1, C2S, R"({"command":"ws_auth"})"));
    recorder->onMessage(frame(1, 2, S2C, event("chat.postMessage")));
    recorder->onMessage(frame(1, 3, S2C, event("user.online")));
    recorder->onMessage(frame(2, 1, S2C, event("chat.userTyping")));
    recorder->flush();
    auto tail = startTail({"--jsonl", "--from-start", "--dir", "s2c", "--event", "chat.*", "--event", "user.offline",
                           "--op", "text"});
    recorder->onMessage(frame(2, 2, C2S, R"({"command":"chat.fake"})"));
    recorder->onMessage(frame(2, 3, S2C, "", Opcode::Ping));
    recorder->onMessage(frame(1, 4, S2C, event("chat.updateMessage")));
    recorder->onMessage(frame(1, 5, S2C, event("user.offline")));  // the last one: all before it were seen
    recorder->flush();
    ASSERT_TRUE(eventually([&] { return tail->out().find("user.offline") != std::string::npos; })) << tail->err();
    stop(*tail);
    EXPECT_EQ(framesOf(tail->out()), (std::vector<std::string>{"1:2", "2:1", "1:4", "1:5"}));
}

TEST_F(TailCommandTest, SessionFilterAndReadableLines) {
    auto recorder = openRecorder();
    recorder->onMessage(frame(1, 1, S2C, event("chat.postMessage")));
    recorder->onMessage(frame(7, 1, S2C, event("chat.userTyping")));
    recorder->onMessage(frame(7, 2, S2C, event("user.online")));
    recorder->flush();
    auto tail = startTail({"--from-start", "--session", "7"});
    ASSERT_TRUE(eventually([&] { return lineCount(*tail) >= 2; })) << tail->err();
    stop(*tail, SIGINT);
    std::vector<std::string> out = lines(tail->out());
    ASSERT_EQ(out.size(), 2u) << tail->out();
    EXPECT_EQ(out[0].rfind("7 ", 0), 0u) << out[0];
    EXPECT_NE(out[0].find("<- text   chat.userTyping"), std::string::npos) << out[0];
    EXPECT_NE(out[1].find("user.online"), std::string::npos) << out[1];
}

TEST_F(TailCommandTest, SigtermAndSigintExitZero) {
    for (int sig : {SIGTERM, SIGINT}) {
        auto tail = startTail({});
        // Its line about the missing database says it is in its loop, with the signals taken.
        ASSERT_TRUE(eventually([&] { return !tail->err().empty(); }));
        stop(*tail, sig);
        EXPECT_EQ(tail->out(), "");
        EXPECT_EQ(tail->errLines().size(), 1u) << tail->err();
    }
}

TEST_F(TailCommandTest, WaitsForADatabaseThatDoesNotExistYet) {
    auto tail = startTail({"--jsonl"});
    ASSERT_TRUE(eventually([&] { return tail->err().find("waiting for database") != std::string::npos; }));
    auto recorder = openRecorder();
    recorder->onMessage(frame(1, 1, C2S, R"({"command":"ws_auth"})"));
    recorder->onMessage(frame(1, 2, S2C, event("user.online")));
    recorder->flush();
    // Everything in a database that appeared while tail waited is new to it.
    ASSERT_TRUE(eventually([&] { return lineCount(*tail) >= 2; })) << tail->err();
    stop(*tail);
    EXPECT_EQ(framesOf(tail->out()), (std::vector<std::string>{"1:1", "1:2"}));
    std::vector<std::string> err = tail->errLines();
    ASSERT_EQ(err.size(), 1u);
    EXPECT_EQ(err[0], "rtmtap: waiting for database '" + db_ + "' to appear (Ctrl-C to stop)");
}

TEST_F(TailCommandTest, AFileThatIsNotAnRtmtapDatabaseExitsTwo) {
    std::ofstream(db_) << "this is not a database, it is only text long enough to have a header\n";
    std::string out, err;
    test::ExitStatus status = Process::run({"tail", "--db", db_}, out, err);
    EXPECT_TRUE(status.exited && status.code == 2) << status.describe();
    EXPECT_EQ(out, "");
    EXPECT_EQ(lines(err).size(), 1u) << err;
    EXPECT_NE(err.find(db_), std::string::npos) << err;
}

TEST_F(TailCommandTest, BadFilterValueIsAUsageError) {
    std::string out, err;
    test::ExitStatus status = Process::run({"tail", "--db", db_, "--dir", "up"}, out, err);
    EXPECT_TRUE(status.exited && status.code == 2) << status.describe();
    EXPECT_NE(err.find("--dir"), std::string::npos) << err;
}

// In process: a reader that went away ends tail quietly with 0.
TEST_F(TailCommandTest, FailedOutputEndsQuietly) {
    auto recorder = openRecorder();
    recorder->onMessage(frame(1, 1, S2C, event("user.online")));
    recorder->flush();
    cli::TailOptions options;
    options.db = db_;
    options.fromStart = true;
    std::ostringstream out, err;
    out.setstate(std::ios::badbit);
    int pauses = 0;
    int rc = cli::runTail(options, out, err, [&](int) { return ++pauses > 100; });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(pauses, 0);  // it stopped at the failed write, not at the pause
    EXPECT_EQ(err.str(), "");
}

// In process, where the pause is a hook: frames written between two polls are printed, the
// frames from before the start are not.
TEST_F(TailCommandTest, PrintsOnlyFramesAfterItsStart) {
    auto recorder = openRecorder();
    recorder->onMessage(frame(1, 1, S2C, event("old")));
    recorder->flush();
    cli::TailOptions options;
    options.db = db_;
    options.jsonl = true;
    std::ostringstream out, err;
    int pauses = 0;
    int rc = cli::runTail(options, out, err, [&](int) {
        if (++pauses == 1) {
            recorder->onMessage(frame(1, 2, S2C, event("new")));
            recorder->flush();
        }
        return pauses == 2;
    });
    EXPECT_EQ(rc, 0);
    EXPECT_EQ(framesOf(out.str()), (std::vector<std::string>{"1:2"}));
}

}  // namespace
}  // namespace rtmtap
