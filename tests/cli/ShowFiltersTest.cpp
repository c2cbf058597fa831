// `rtmtap show ID` with the frame filters, run as a user would: only the matching frames of the
// one session, the exit codes (0, 1 when filters match nothing, 2 for no such session), and the
// --json, --jsonl and --pretty forms. Also `tail --from-start` with an id filter.
#include "store/SessionImporter.h"
#include "tests/support/FrameLists.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <sstream>
#include <thread>

namespace rtmtap {
namespace {

using Ids = std::vector<std::string>;
constexpr Direction C2S = Direction::ClientToServer;
constexpr Direction S2C = Direction::ServerToClient;
constexpr int64_t kT0 = 1'767'225'600'000'000;  // 2026-01-01T00:00:00Z

std::string posted(int64_t id, int64_t channel, int64_t user, const std::string& content, const std::string& type) {
    return R"({"event":"chat.postMessage","payload":{"message":{"id":)" + std::to_string(id) + R"(,"channel_id":)" +
           std::to_string(channel) + R"(,"user_id":)" + std::to_string(user) + R"(,"content":")" + content +
           R"(","message_type":)" + type + "}}}";
}

// Session 1: six frames of channels 10 and 20, one a second from 00:01:01; session 2: another
// session on channel 10 (its frames must never show in `show 1`); session 3: no frames.
void buildDatabase(const std::string& path) {
    const std::vector<std::vector<test::PlannedFrame>> sessions = {
        {
            {C2S, Opcode::Text, R"({"command":"ws_ephemeral_typing","channel_id":10})"},
            {S2C, Opcode::Text, posted(501, 10, 100, "hello meeting tomorrow", "5")},
            {S2C, Opcode::Ping, ""},
            {S2C, Opcode::Text, R"({"event":"chat.postMessage","payload":{"message":{"id":)"},
            {S2C, Opcode::Text, posted(502, 20, 200, "postponed meeting", "\"5\"")},
            {C2S, Opcode::Pong, ""},
        },
        {
            {S2C, Opcode::Text, posted(601, 10, 100, "hello again", "5")},
        },
        {},
    };
    test::importSessions(path, sessions, [](size_t s) { return kT0 + static_cast<int64_t>(s + 1) * 60'000'000; });
}

using test::idOf;
using test::jsonlIds;
using test::lines;
using Result = test::RunResult;

class ShowFiltersTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new test::TempDir();
        db_ = dir_->file("show.db");
        buildDatabase(db_);
    }

    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }

    static Result show(const std::string& id, std::vector<std::string> args) {
        args.insert(args.begin(), {"show", id, "--db", db_});
        return test::Process::capture(args);
    }

    static void expectIds(const std::vector<std::string>& args, const Ids& expected) {
        std::string shown;
        for (const std::string& a : args) {
            shown += a + " ";
        }
        SCOPED_TRACE(shown);
        std::vector<std::string> withJsonl = args;
        withJsonl.push_back("--jsonl");
        Result r = show("1", withJsonl);
        EXPECT_EQ(r.code(), expected.empty() ? 1 : 0) << r.status.describe() << "\n" << r.err;
        EXPECT_EQ(jsonlIds(r.out), expected);
        EXPECT_EQ(r.err, "");
    }

    static test::TempDir* dir_;
    static std::string db_;
};

test::TempDir* ShowFiltersTest::dir_ = nullptr;
std::string ShowFiltersTest::db_;

TEST_F(ShowFiltersTest, NoFiltersPrintsTheWholeSession) {
    expectIds({}, {"1:1", "1:2", "1:3", "1:4", "1:5", "1:6"});
}

TEST_F(ShowFiltersTest, EachFilterKeepsToTheSession) {
    expectIds({"--channel", "10"}, {"1:1", "1:2"});
    expectIds({"--user", "100"}, {"1:2"});
    expectIds({"--message", "501,502"}, {"1:2", "1:5"});
    expectIds({"--dir", "c2s"}, {"1:1", "1:6"});
    expectIds({"--op", "ping,pong"}, {"1:3", "1:6"});
    expectIds({"--kind", "command"}, {"1:1"});
    expectIds({"--event", "chat.*"}, {"1:2", "1:5"});
    expectIds({"--command", "ws_ephemeral_typing"}, {"1:1"});
    expectIds({"--since", "2026-01-01T00:01:05Z"}, {"1:5", "1:6"});
    expectIds({"--until", "2026-01-01T00:01:02Z"}, {"1:1", "1:2"});
    expectIds({"--text", "hello"}, {"1:2"});
    expectIds({"--text", "meeting"}, {"1:2", "1:5"});
    expectIds({"--where", "payload.message.message_type=5"}, {"1:2"});
    expectIds({"--where", "payload.message.message_type=\"5\""}, {"1:5"});
    expectIds({"--malformed"}, {"1:4"});
}

TEST_F(ShowFiltersTest, FiltersCombine) {
    expectIds({"--event", "chat.*", "--text", "meeting", "--channel", "20"}, {"1:5"});
    expectIds({"--dir", "s2c", "--kind", "control"}, {"1:3"});
    expectIds({"--op", "text", "--since", "2026-01-01T00:01:02Z", "--until", "2026-01-01T00:01:04Z"}, {"1:2", "1:4"});
}

TEST_F(ShowFiltersTest, FiltersMatchingNothingExitOne) {
    expectIds({"--user", "999"}, {});
    expectIds({"--text", "again"}, {});  // only in session 2
    expectIds({"--channel", "10", "--dir", "s2c", "--op", "ping"}, {});
}

TEST_F(ShowFiltersTest, SessionWithNoFramesExitsZeroWithoutFiltersAndOneWithThem) {
    Result plain = show("3", {"--jsonl"});
    EXPECT_EQ(plain.code(), 0) << plain.err;
    EXPECT_EQ(plain.out, "");
    Result lines = show("3", {});
    EXPECT_EQ(lines.code(), 0) << lines.err;
    EXPECT_EQ(lines.out.rfind("session 3 ", 0), 0u) << lines.out;
    Result filtered = show("3", {"--op", "text"});
    EXPECT_EQ(filtered.code(), 1) << filtered.err;
}

TEST_F(ShowFiltersTest, UnknownSessionIsOneLineAndExitTwo) {
    for (std::vector<std::string> extra : {std::vector<std::string>{}, {"--channel", "10"}, {"--json"}}) {
        Result r = show("99", extra);
        EXPECT_EQ(r.code(), 2) << r.status.describe();
        EXPECT_EQ(r.out, "");
        ASSERT_EQ(lines(r.err).size(), 1u) << r.err;
        EXPECT_NE(r.err.find("99"), std::string::npos) << r.err;
    }
}

TEST_F(ShowFiltersTest, SessionFlagIsNotAShowFlag) {
    Result r = show("1", {"--session", "2"});
    EXPECT_EQ(r.code(), 2) << r.status.describe();
    EXPECT_NE(r.err, "");
}

TEST_F(ShowFiltersTest, JsonIsOneObjectWithTheSessionAndTheMatchingFrames) {
    Result r = show("1", {"--json", "--channel", "10"});
    ASSERT_EQ(r.code(), 0) << r.err;
    Poco::JSON::Parser parser;
    Poco::JSON::Object::Ptr object = parser.parse(r.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(object->getObject("session")->getValue<int64_t>("id"), 1);
    EXPECT_EQ(object->getObject("session")->getValue<std::string>("client"), "127.0.0.1:40000");
    Poco::JSON::Array::Ptr frames = object->getArray("frames");
    ASSERT_TRUE(frames);
    ASSERT_EQ(frames->size(), 2u);
    EXPECT_EQ(idOf(frames->getObject(0)), "1:1");
    EXPECT_EQ(idOf(frames->getObject(1)), "1:2");

    Result none = show("1", {"--json", "--user", "999"});
    EXPECT_EQ(none.code(), 1);
    Poco::JSON::Parser again;
    Poco::JSON::Object::Ptr empty = again.parse(none.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(empty->getArray("frames")->size(), 0u);

    Result noFrames = show("3", {"--json"});
    EXPECT_EQ(noFrames.code(), 0);
    Poco::JSON::Parser third;
    EXPECT_EQ(third.parse(noFrames.out).extract<Poco::JSON::Object::Ptr>()->getArray("frames")->size(), 0u);
}

TEST_F(ShowFiltersTest, ReadableLinesHaveAHeaderAndOnlyTheMatchingFrames) {
    Result r = show("1", {"--event", "chat.*"});
    ASSERT_EQ(r.code(), 0) << r.err;
    std::vector<std::string> out = lines(r.out);
    ASSERT_EQ(out.size(), 3u) << r.out;
    EXPECT_EQ(out[0].rfind("session 1 ", 0), 0u) << out[0];
    EXPECT_NE(out[1].find("<- text   chat.postMessage"), std::string::npos) << out[1];
    // The ids a query filters on come before the payload.
    EXPECT_NE(out[2].find(" ch=20 msg=502 user=200 {\"event\":\"chat.postMessage\","), std::string::npos) << out[2];
    EXPECT_EQ(r.out.find('\x1b'), std::string::npos);
}

TEST_F(ShowFiltersTest, PrettyIndentsTheMatchingPayloads) {
    Result r = show("1", {"--pretty", "--user", "100"});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_NE(r.out.find("\n    {\n      \"event\": \"chat.postMessage\",\n      \"payload\": {"), std::string::npos)
        << r.out;
    EXPECT_EQ(r.out.find("ws_ephemeral_typing"), std::string::npos) << r.out;
}

// tail --from-start prints what is already recorded; with --channel only that channel's frames.
TEST_F(ShowFiltersTest, TailFromStartHonoursChannelFilter) {
    test::Process tail({"tail", "--db", db_, "--from-start", "--jsonl", "--channel", "10"});
    // One poll reads the whole small database and flushes once: the first line means all.
    for (int i = 0; i < 1000 && tail.out().empty(); ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    tail.signal(SIGINT);
    test::ExitStatus status = tail.waitExit();
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << "\n" << tail.err();
    EXPECT_EQ(jsonlIds(tail.out()), (Ids{"1:1", "1:2", "2:1"}));
}

}  // namespace
}  // namespace rtmtap
