// `rtmtap replay SOURCE --to URL` end to end with the built binary: a session recorded through
// `rtmtap proxy` from one `rtmtap simulate`, re-sent to a fresh one.
#include "protocol/Classifier.h"
#include "replay/RtmClient.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/FrameLists.h"
#include "tests/support/ApiRecordingProxy.h"
#include "tests/support/Process.h"
#include "tests/support/SimulateProcess.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestUpstream.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/ServerSocket.h>

#include <gtest/gtest.h>

#include <chrono>
#include <csignal>
#include <fstream>
#include <future>
#include <regex>
#include <thread>

namespace rtmtap::test {
namespace {

const std::string kUser = "user1@example.test";
const std::string kGeneral = "11010000";

std::vector<std::string> operator+(std::vector<std::string> a, const std::vector<std::string>& b) {
    a.insert(a.end(), b.begin(), b.end());
    return a;
}

// `rtmtap simulate` on free ports.
class Sim {
public:
    explicit Sim(const std::vector<std::string>& args) : p_(std::vector<std::string>{"--seed", "5"} + args) {
        EXPECT_TRUE(p_.started()) << p_.output();
    }
    const std::string& api() const { return p_.api(); }
    const std::string& ws() const { return p_.ws(); }
    // The login options of `replay --to` against this simulator.
    std::vector<std::string> to() const { return {"--to", ws() + "/rtm", "--api", api(), "--user", kUser, "--password", "password"}; }

private:
    SimulateProcess p_;
};

// `rtmtap proxy` in front of a simulator's API (rtm.connect rewritten to the proxy), recording to db.
class RecordingProxy {
public:
    RecordingProxy(const Sim& sim, const std::string& db) : p_(sim.api(), db) {
        EXPECT_TRUE(p_.started()) << p_.output();
    }
    const std::string& api() const { return p_.api(); }
    // Ends it (SIGINT): everything recorded is committed when it exits.
    void stop() {
        ExitStatus s = p_.stop();
        EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << " " << p_.output();
    }

private:
    ApiRecordingProxy p_;
};

std::string writeFile(const TempDir& dir, const std::string& name, const std::string& text) {
    std::ofstream(dir.file(name)) << text;
    return dir.file(name);
}

// Records `rtmtap client --script` through a proxy in front of sim: session 1 of db.
void recordScript(const Sim& sim, const TempDir& dir, const std::string& db, const std::string& script,
                  const std::vector<std::string>& clientArgs = {}) {
    RecordingProxy proxy(sim, db);
    RunResult client = Process::capture(std::vector<std::string>{"client", "--api", proxy.api(), "--user", kUser, "--password",
                                                                 "password", "--script", writeFile(dir, "script.jsonl", script)} +
                                            clientArgs,
                                        60000);
    EXPECT_EQ(client.code(), 0) << client.err;
    proxy.stop();
}

// A session that answers: pongs, a reaction's update, read notifications' unread counts.
const std::string kScript = "{\"command\":\"ws_ping\"}\n"
                            "{\"after_ms\":200,\"command\":\"ws_add_reaction\",\"message_id\":10000,\"emoji_value\":\"U 1F44D\"}\n"
                            "{\"after_ms\":200,\"command\":\"ws_read_notification\",\"channel_id\":" + kGeneral + ",\"message_id\":10000}\n"
                            "{\"after_ms\":200,\"command\":\"ws_all_read_notification\",\"channel_id\":" + kGeneral + "}\n"
                            "{\"after_ms\":200,\"command\":\"ws_ping\"}\n";

size_t lineCount(const std::string& text) {
    return static_cast<size_t>(std::count(text.begin(), text.end(), '\n'));
}

// A recording made once for the tests that only read it.
class ReplaySendTest : public ::testing::Test {
protected:
    static void SetUpTestSuite() {
        dir_ = new TempDir;
        Sim sim({"--chatter", "0"});
        recordScript(sim, *dir_, db(), kScript);
    }
    static void TearDownTestSuite() {
        delete dir_;
        dir_ = nullptr;
    }
    static std::string db() { return dir_->file("recorded.db"); }
    static std::vector<std::string> replay() { return {"replay", "1", "--db", db()}; }

    static TempDir* dir_;
};

TempDir* ReplaySendTest::dir_ = nullptr;

TEST_F(ReplaySendTest, ARecordingReplaysToAFreshSimulatorWithTheSameEvents) {
    Sim fresh({"--chatter", "0"});
    RunResult r = Process::capture(replay() + fresh.to() + std::vector<std::string>{"--expect", "--no-timing"}, 60000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    EXPECT_EQ(r.err, "");
    EXPECT_NE(r.out.find("rtmtap: replaying session 1 of " + db() + " to " + fresh.ws() + "/rtm: 5 commands"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("client 1: 5 of 5 commands sent"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("expect: the events received match the recording"), std::string::npos) << r.out;
}

TEST_F(ReplaySendTest, ExpectShowsWhatADifferentServerSentAndExits1) {
    Sim real({"--chatter", "0", "--flavor", "real"});  // unread counts as channel.updateReadStatus
    RunResult r = Process::capture(replay() + real.to() + std::vector<std::string>{"--expect", "--no-timing", "--reactive-timeout", "300"}, 60000);
    ASSERT_EQ(r.code(), 1) << r.out << r.err;
    EXPECT_NE(r.out.find("expect: the events received differ from the recording"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  - chat.unreadCountUpdate"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("  + channel.updateReadStatus"), std::string::npos) << r.out;
    EXPECT_NE(r.out.find("at the end, still missing: chat.unreadCountUpdate"), std::string::npos) << r.out;

    RunResult j = Process::capture(replay() + real.to() + std::vector<std::string>{"--expect", "--no-timing", "--reactive-timeout", "300", "--json"}, 60000);
    ASSERT_EQ(j.code(), 1) << j.out << j.err;
    auto root = Poco::JSON::Parser().parse(j.out).extract<Poco::JSON::Object::Ptr>();
    EXPECT_GT(root->getValue<int>("differences"), 0);
    EXPECT_EQ(root->getValue<int>("failures"), 0);
    auto client = root->getArray("clients")->getObject(0);
    EXPECT_TRUE(client->getValue<bool>("ok"));
    EXPECT_EQ(client->getValue<int>("commands_sent"), 5);
    EXPECT_GT(client->getArray("differences")->size(), 0u);
}

TEST_F(ReplaySendTest, TwentyClientsReportConnectAndEventLatency) {
    Sim fresh({"--chatter", "0"});
    RunResult r = Process::capture(replay() + fresh.to() + std::vector<std::string>{"--clients", "20", "--no-timing", "--reactive-timeout", "500"}, 120000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    for (int i = 1; i <= 20; ++i) {
        EXPECT_NE(r.out.find("client " + std::to_string(i) + ": 5 of 5 commands sent"), std::string::npos) << i << "\n" << r.out;
    }
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(connect latency \(TCP \+ upgrade \+ ws_auth sent\): p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \(20 clients\))")))
        << r.out;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex(R"(event latency \(a command to the answer attributed to it\): p50 [\d.]+ ms, p90 [\d.]+ ms, p99 [\d.]+ ms, max [\d.]+ ms \((\d+) answers\))")))
        << r.out;
    EXPECT_GE(std::stoi(m[1]), 40) << "two pongs a client at least";
}

TEST_F(ReplaySendTest, RecordStoresEachReplayAsASessionThatReplaysTheSource) {
    TempDir dir;
    const std::string copy = dir.file("copy.db");
    {
        std::ifstream in(db(), std::ios::binary);
        std::ofstream(copy, std::ios::binary) << in.rdbuf();
    }
    Sim fresh({"--chatter", "0"});
    RunResult r = Process::capture(
        std::vector<std::string>{"replay", "1", "--db", copy, "--record", "--no-timing", "--clients", "2", "--reactive-timeout", "1000"} + fresh.to(),
        60000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    EXPECT_NE(r.out.find("client 1 (session 2)"), std::string::npos) << r.out;
    const std::unique_ptr<Reader> reader = openReader(copy);
    std::vector<SessionRow> sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 3u);
    for (const SessionRow& s : sessions) {
        if (s.id == 1) {
            continue;
        }
        EXPECT_EQ(s.replay_of, 1) << s.id;
        EXPECT_EQ(s.upstream, fresh.ws() + "/rtm");
        EXPECT_EQ(s.closed_by, "client");
        EXPECT_EQ(s.close_code, 1000);
        EXPECT_EQ(s.user_id, 91010001) << "the fresh ws_auth's token names user1";
        std::vector<std::string> sent, received;
        reader->frames(s.id, [&](const FrameRow& f) {
            (f.message.dir == Direction::ClientToServer ? sent : received).push_back(f.name);
            return true;
        });
        EXPECT_EQ(sent, (std::vector<std::string>{"ws_auth", "ws_ping", "ws_add_reaction", "ws_read_notification",
                                                  "ws_all_read_notification", "ws_ping", ""}))
            << "the commands, then the close";
        EXPECT_GE(std::count(received.begin(), received.end(), "pong"), 2);
    }
    // The other commands read it like any session.
    RunResult show = Process::capture({"show", "2", "--db", copy});
    EXPECT_EQ(show.code(), 0) << show.err;
    EXPECT_NE(show.out.find("ws_add_reaction"), std::string::npos) << show.out;
    RunResult stats = Process::capture({"stats", "3", "--db", copy});
    EXPECT_EQ(stats.code(), 0) << stats.out << stats.err;
}

TEST_F(ReplaySendTest, BadServersAndCredentialsAreOneLineAndExit2) {
    Sim fresh({"--chatter", "0"});
    Poco::Net::ServerSocket closed(Poco::Net::SocketAddress("127.0.0.1", 0));
    const std::string unreachable = "ws://127.0.0.1:" + std::to_string(closed.address().port()) + "/";
    closed.close();
    TestUpstream::Options refuse;
    refuse.mode = TestUpstream::Mode::Refuse;
    TestUpstream refusing(refuse);
    struct Case {
        std::vector<std::string> args;
        std::string says;
    };
    const std::vector<Case> cases = {
        {{"--to", unreachable, "--token", "t"}, "cannot connect to " + unreachable},
        {{"--to", refusing.url("/rtm"), "--token", "t"}, "WebSocket upgrade refused by " + refusing.url("/rtm") + ": 403"},
        // The simulator drops a socket whose ws_auth token is bad, as AirSend does.
        {{"--to", fresh.ws(), "--token", "not.a.token"}, "the server ended the connection after "},
        {{"--to", fresh.ws(), "--api", fresh.api(), "--user", kUser, "--password", "wrong"}, "login failed: 401"},
        {{"--to", fresh.ws(), "--api", "http://127.0.0.1:1", "--user", kUser, "--password", "x"}, "cannot reach the API"},
        {{"--to", fresh.ws()}, "--to needs a ws_token"},
        {{"--to", fresh.ws(), "--token", "t", "--api", fresh.api()}, "give --token or --api, not both"},
        {{"--to", "http://x", "--token", "t"}, "is not a ws:// or wss:// URL"},
        {{"--to", fresh.ws(), "--token", "t", "--step"}, "--step is for serving"},
        {{"--token", "t"}, "--token needs --to"},
        {{"--to", fresh.ws(), "--token", "t", "--ignore", "a"}, "--ignore needs --expect"},
        {{"--to", fresh.ws(), "--token", "t", "--ignore", "a..b", "--expect"}, "--ignore 'a..b' is not a dotted path"},
    };
    for (const Case& c : cases) {
        RunResult r = Process::capture(replay() + c.args, 30000);
        EXPECT_EQ(r.code(), 2) << c.says << "\n" << r.out << r.err;
        EXPECT_EQ(lineCount(r.err), 1u) << r.err;
        EXPECT_NE(r.err.find(c.says), std::string::npos) << r.err;
    }
    RunResult missing = Process::capture({"replay", "99", "--db", db(), "--to", fresh.ws(), "--token", "t"});
    EXPECT_EQ(missing.code(), 2) << missing.err;
    EXPECT_EQ(lineCount(missing.err), 1u) << missing.err;
}

// Chatter the recording saw but a quiet server never sends: --reactive waits for it, then says so.
TEST(ReplaySendReactiveTest, ACommandWaitsForTheRecordedEventsBeforeItAndTheTimeoutIsReported) {
    TempDir dir;
    const std::string db = dir.file("chatter.db");
    {
        Sim chatty({"--chatter", "600"});  // the tour: a post in General within 0.1 s, then more
        // With chatter there is no quiet second to end on: --duration.
        recordScript(chatty, dir, db, "{\"after_ms\":1500,\"command\":\"ws_ping\"}\n", {"--duration", "2.5"});
    }
    Sim quiet({"--chatter", "0"});
    RunResult r = Process::capture(std::vector<std::string>{"replay", "1", "--db", db, "--reactive", "--reactive-timeout", "300"} + quiet.to(), 60000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    EXPECT_NE(r.out.find("client 1: 1 of 1 commands sent"), std::string::npos) << r.out;
    std::smatch m;
    EXPECT_TRUE(std::regex_search(r.out, m, std::regex(R"(reactive: #\d+ ws_ping timed out after [\d.]+ s waiting for [^\n]*chat\.postMessage \(0 of \d+\)[^\n]*; sent anyway)")))
        << r.out;
    EXPECT_NE(r.out.find("at the end, still missing: "), std::string::npos) << r.out;
}

// The recording reacts to a message the chatter posted; a server whose messages are numbered
// otherwise gets the reaction on its own message.
TEST(ReplaySendIdMapTest, IdsTheServerAssignsAnewAreMappedToTheLiveOnes) {
    TempDir dir;
    const std::string db = dir.file("react.db");
    int64_t recordedId = 0;
    {
        Sim chatty({"--chatter", "600", "--channels", "3"});
        RecordingProxy proxy(chatty, db);
        RtmClient client;
        const RtmEndpoint endpoint = client.rtmConnect(proxy.api(), client.login(proxy.api(), kUser, "password"));
        std::promise<int64_t> posted;
        std::promise<void> updated;
        std::atomic<int> state{0};
        client.connect(endpoint.wsEndpoint, endpoint.wsToken, [&](const Message& m) {
            const Classification c = classify(m.payload);
            if (state == 0 && c.name == "chat.postMessage" && c.channel_id == 11010000 && c.message_id) {
                state = 1;
                posted.set_value(*c.message_id);
            } else if (state == 2 && c.name == "chat.updateMessage" && c.message_id == recordedId &&
                       m.payload.find("U 1F44D") != std::string::npos) {
                state = 3;
                updated.set_value();
            }
        });
        auto post = posted.get_future();
        ASSERT_EQ(post.wait_for(std::chrono::seconds(20)), std::future_status::ready);
        recordedId = post.get();
        state = 2;
        client.sendText(R"({"command":"ws_add_reaction","message_id":)" + std::to_string(recordedId) + R"(,"emoji_value":"U 1F44D"})");
        ASSERT_EQ(updated.get_future().wait_for(std::chrono::seconds(20)), std::future_status::ready);
        client.close();
        proxy.stop();
    }
    // One more channel: more greetings in the new world, so its messages are numbered higher.
    Sim shifted({"--chatter", "600", "--channels", "4"});
    RunResult r = Process::capture(std::vector<std::string>{"replay", "1", "--db", db, "--reactive", "--record", "--reactive-timeout", "2000"} + shifted.to(), 60000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    std::smatch m;
    ASSERT_TRUE(std::regex_search(r.out, m, std::regex("ids mapped \\(recorded -> live\\): " + std::to_string(recordedId) + R"( -> (\d+))")))
        << r.out;
    const int64_t liveId = std::stoll(m[1]);
    EXPECT_NE(liveId, recordedId);

    const std::unique_ptr<Reader> reader = openReader(db);
    std::string reaction;
    int64_t firstPost = 0;
    bool answered = false;
    reader->frames(2, [&](const FrameRow& f) {
        if (f.name == "ws_add_reaction") {
            reaction = f.message.payload;
        } else if (f.name == "chat.postMessage" && !firstPost && f.channel_id == 11010000) {
            firstPost = f.message_id.value_or(0);
        } else if (f.name == "chat.updateMessage" && f.message_id == liveId && f.message.payload.find("U 1F44D") != std::string::npos) {
            answered = true;
        }
        return true;
    });
    EXPECT_EQ(firstPost, liveId) << "paired with the first live post in General";
    EXPECT_EQ(reaction, R"({"command":"ws_add_reaction","message_id":)" + std::to_string(liveId) + R"(,"emoji_value":"U 1F44D"})");
    EXPECT_TRUE(answered) << "the live server answered the reaction on its own message";
}

// --to --patch: the commands go to the server as the rules made them, and --record says which.
TEST(ReplaySendPatchTest, TheServerGetsThePatchedCommandsAndTheRecordFlagsThem) {
    TempDir dir;
    const std::string db = dir.file("rec.db");
    const std::string reaction = R"({"command":"ws_add_reaction","message_id":10004,"emoji_value":"U 1F600"})";
    const std::string typing = R"({"command":"ws_ephemeral_typing","channel_id":11010000})";
    importSessions(db,
                   {{{Direction::ClientToServer, Opcode::Text, R"({"command":"ws_auth","auth_token":"recorded.token."})"},
                     {Direction::ServerToClient, Opcode::Text, R"({"event":"user.online","payload":{}})"},
                     {Direction::ClientToServer, Opcode::Text, typing},
                     {Direction::ClientToServer, Opcode::Text, reaction}}},
                   [](size_t) { return int64_t{1'700'000'000'000'000}; });
    const std::string rules = writeFile(dir, "rules.jsonl",
                                        "{\"match\": {\"command\": \"ws_add_reaction\"}, \"set\": {\"emoji_value\": \"U 1F44D\"}}\n"
                                        "{\"match\": {\"command\": \"ws_ephemeral_typing\"}, \"insert_before\": [{\"data\": {\"command\": \"ws_ping\"}}]}\n"
                                        "{\"match\": {\"event\": \"user.online\"}, \"drop\": true}\n");
    TestUpstream::Options quiet;
    quiet.echo = false;
    TestUpstream upstream(quiet);
    RunResult r = Process::capture({"replay", "1", "--db", db, "--to", upstream.url("/rtm"), "--token", "live.token", "--no-timing",
                                    "--reactive-timeout", "200", "--record", "--patch", rules},
                                   60000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    EXPECT_NE(r.err.find("rtmtap: --patch " + rules + ": 1 dropped, 1 edited, 1 injected, 0 delayed\n"), std::string::npos) << r.err;
    EXPECT_NE(r.err.find("  line 3 {\"match\": {\"event\": \"user.online\"}, \"drop\": true}: 1 touched, 1 matched"), std::string::npos)
        << r.err;
    // The server got a fresh ws_auth, the inserted ping before the typing, and the edited reaction.
    ASSERT_TRUE(upstream.waitForFrames(4));
    const std::vector<WsFrame> got = upstream.frames();
    EXPECT_NE(got[0].payload.find("live.token"), std::string::npos) << got[0].payload;
    EXPECT_EQ(got[1].payload, R"({"command": "ws_ping"})");
    EXPECT_EQ(got[2].payload, typing);
    EXPECT_EQ(got[3].payload, R"({"command":"ws_add_reaction","message_id":10004,"emoji_value":"U 1F44D"})");
    // The replay's own record (session 2): the same frames, flagged as the patch made them.
    std::vector<std::pair<std::string, uint32_t>> sent;
    const std::unique_ptr<Reader> reader = openReader(db);
    reader->frames(2, [&](const FrameRow& f) {
        if (f.message.dir == Direction::ClientToServer && f.message.op == Opcode::Text) {
            sent.emplace_back(f.name, f.message.flags);
        }
        return true;
    });
    EXPECT_EQ(sent, (std::vector<std::pair<std::string, uint32_t>>{{"ws_auth", MessageFlag::Redacted},
                                                                   {"ws_ping", MessageFlag::Injected},
                                                                   {"ws_ephemeral_typing", 0u},
                                                                   {"ws_add_reaction", MessageFlag::Edited}}));
}

TEST(ReplaySendPatchTest, ARuleClosingAsTheClientEndsTheReplayWithItsCode) {
    TempDir dir;
    const std::string db = dir.file("rec.db");
    const std::string typing = R"({"command":"ws_ephemeral_typing","channel_id":11010000})";
    importSessions(db,
                   {{{Direction::ClientToServer, Opcode::Text, R"({"command":"ws_auth","auth_token":"recorded.token."})"},
                     {Direction::ClientToServer, Opcode::Text, typing},
                     {Direction::ClientToServer, Opcode::Text, R"({"command":"ws_ping"})"},
                     {Direction::ServerToClient, Opcode::Text, R"({"event":"pong"})"}}},
                   [](size_t) { return int64_t{1'700'000'000'000'000}; });
    const std::string rules = writeFile(dir, "rules.jsonl",
                                        "{\"match\": {\"command\": \"ws_ping\"}, \"close\": {\"by\": \"client\", \"code\": 4002, \"reason\": \"r\"}}\n");
    TestUpstream::Options quiet;
    quiet.echo = false;
    TestUpstream upstream(quiet);
    RunResult r = Process::capture({"replay", "1", "--db", db, "--to", upstream.url("/rtm"), "--token", "t", "--no-timing",
                                    "--reactive-timeout", "200", "--record", "--patch", rules},
                                   60000);
    ASSERT_EQ(r.code(), 0) << r.out << r.err;
    EXPECT_NE(r.out.find("the replay closed it (4002)"), std::string::npos) << r.out;
    std::optional<WsFrame> close = upstream.waitForOpcode(0x8);
    ASSERT_TRUE(close);
    EXPECT_EQ(close->closeCode(), 4002);
    EXPECT_EQ(close->closeReason(), "r");
    const std::vector<WsFrame> got = upstream.frames();
    ASSERT_EQ(got.size(), 3u);  // ws_auth, the typing, the close: the ping became the close
    EXPECT_EQ(got[1].payload, typing);
    const std::unique_ptr<Reader> reader = openReader(db);
    uint32_t closeFlags = 0;
    reader->frames(2, [&](const FrameRow& f) {
        closeFlags = f.message.op == Opcode::Close && f.message.dir == Direction::ClientToServer ? f.message.flags : closeFlags;
        return true;
    });
    EXPECT_EQ(closeFlags, MessageFlag::Injected);
}

TEST(ReplaySendPatchTest, ABadRulesFileIsOneLineAndExit2BeforeAnythingOpens) {
    TempDir dir;
    const std::string rules = writeFile(dir, "bad.jsonl", "{\"match\": {\"dir\": \"up\"}, \"drop\": true}\n");
    RunResult r = Process::capture({"replay", "1", "--db", dir.file("none.db"), "--to", "ws://127.0.0.1:9/", "--token", "t", "--patch", rules});
    EXPECT_EQ(r.code(), 2) << r.err;
    EXPECT_EQ(lineCount(r.err), 1u) << r.err;
    EXPECT_EQ(r.err.rfind("rtmtap: " + rules + ":1: match.dir", 0), 0u) << r.err;
    EXPECT_FALSE(std::ifstream(dir.file("none.db")).good());
}

}  // namespace
}  // namespace rtmtap::test
