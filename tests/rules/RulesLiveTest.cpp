// Rules through a real proxy on loopback: each action on live traffic (payload bytes outside the
// edited values as they came, what the store records), and `rtmtap proxy --rules` as a process:
// SIGHUP with a good and a bad file, the counts at exit, in rule_counts and in `rtmtap stats`.
#include "rules/RuleBook.h"
#include "tests/support/FilterTestKit.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <fstream>
#include <sstream>

namespace rtmtap::test {
namespace {

std::shared_ptr<RuleBook> bookOf(const std::string& rules, std::ostream& warnings) {
    std::istringstream in(rules);
    return std::make_shared<RuleBook>(std::make_shared<RuleEngine>(RuleSet::parse(in, "live.jsonl"), warnings));
}

std::function<void(ProxyConfig&)> withRules(std::shared_ptr<RuleBook> book) {
    return [book](ProxyConfig& config) { config.filters = RuleBook::chainFactory(book); };
}

const char* const kRules =
    R"({"match": {"event": "drop.me"}, "drop": true})" "\n"
    R"({"match": {"dir": "s2c", "event": "set.me"}, "set": {"payload.content": "x", "payload.added": [1]}})" "\n"
    R"({"match": {"event": "del.me"}, "delete": ["payload.secret", "payload.nope"]})" "\n"
    R"({"match": {"event": "rep.me"}, "replace": {"op": "text", "data": {"event":"replaced"}}})" "\n"
    R"({"match": {"event": "dup.me"}, "duplicate": 3})" "\n"
    R"({"match": {"command": "slow", "nth": 1}, "delay_ms": 300})" "\n";

TEST(RulesLive, DropSetDeleteReplaceDuplicateServerToClient) {
    std::ostringstream warnings;
    auto book = bookOf(kRules, warnings);
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withRules(book));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open()) << client.status() << " " << client.error();
    ASSERT_TRUE(upstream.waitForConnections(1));
    const std::string set = "{ \"event\":\"set.me\" ,\"payload\" : {\"content\":\"h\\u00e9\" , \"n\":1.50 }}";
    const std::string del = "{\"event\":\"del.me\",\"payload\":{ \"keep\":\"k\", \"secret\":{\"t\":[1]} ,\"z\":0}}";
    for (const std::string& text : {std::string(R"({"event":"drop.me"})"), set, del,
                                    std::string(R"({"event":"rep.me"})"), std::string(R"({"event":"dup.me"})"),
                                    std::string(R"({"event":"end"})")}) {
        upstream.sendText(text);
    }
    std::vector<std::string> got;
    while (got.size() < 7) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        got.push_back(r.frame.payload);
    }
    EXPECT_EQ(got, (std::vector<std::string>{
                       "{ \"event\":\"set.me\" ,\"payload\" : {\"content\":\"x\" , \"n\":1.50,\"added\":[1] }}",
                       "{\"event\":\"del.me\",\"payload\":{ \"keep\":\"k\", \"z\":0}}",
                       R"({"event":"replaced"})", R"({"event":"dup.me"})", R"({"event":"dup.me"})",
                       R"({"event":"dup.me"})", R"({"event":"end"})"}));
    closeAndWait(client, harness);
    harness.stop();

    auto rows = harness.frames(1);
    const FrameRecord* dropped = findFrame(rows, R"({"event":"drop.me"})");
    ASSERT_NE(dropped, nullptr);
    EXPECT_TRUE(dropped->has(MessageFlag::Dropped));
    for (const std::string& original : {set, del}) {
        const FrameRecord* f = findFrame(rows, original);
        ASSERT_NE(f, nullptr) << original;
        EXPECT_TRUE(f->has(MessageFlag::Dropped)) << "recorded as it arrived: " << describe(*f);
    }
    const FrameRecord* edited = findFrame(rows, got[0]);
    ASSERT_NE(edited, nullptr);
    EXPECT_TRUE(edited->has(MessageFlag::Edited));
    const std::string dup = "session = 1 AND payload = CAST('" + std::string(R"({"event":"dup.me"})") + "' AS BLOB)";
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames WHERE " + dup + " AND flags = 0"), 1)
        << "the original went on as it came";
    EXPECT_EQ(harness.queryInt("SELECT count(*) FROM frames WHERE " + dup + " AND flags = 16"), 2)
        << "two injected copies";
    EXPECT_EQ(book->current()->count(0).touched, 1u);
    EXPECT_EQ(book->current()->count(2).missing, 1u) << "payload.nope";
    EXPECT_NE(warnings.str().find("payload.nope"), std::string::npos) << warnings.str();
    EXPECT_EQ(book->current()->count(5).matched, 0u);
}

TEST(RulesLive, DelayHoldsTheFrameAndWhatFollowsIt) {
    std::ostringstream warnings;
    auto book = bookOf(kRules, warnings);
    TestUpstream upstream;  // echo
    ProxyHarness harness(upstream.url(), withRules(book));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    client.sendText(R"({"command":"slow"})");
    client.sendText(R"({"command":"fast"})");
    for (const char* expected : {R"({"command":"slow"})", R"({"command":"fast"})"}) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        EXPECT_EQ(r.frame.payload, expected);
    }
    closeAndWait(client, harness);
    harness.stop();
    auto rows = harness.frames(1);
    const FrameRecord* slow = findFrame(rows, R"({"command":"slow"})");
    ASSERT_NE(slow, nullptr);
    EXPECT_GE(slow->fwd_us - slow->t_us, 280000) << describe(*slow);
    EXPECT_EQ(book->current()->count(5).touched, 1u) << "nth 1: the echo back (an event-less frame) is no command";
}

TEST(RulesLive, InsertBeforeAfterAndClose) {
    std::ostringstream warnings;
    auto book = bookOf(R"({"match": {"command": "ws_auth"}, "insert_after": [{"dir": "s2c", "data": {"event":"hello"}}]})" "\n"
                       R"({"match": {"event": "b"}, "insert_before": [{"data": "first"}]})" "\n"
                       R"({"match": {"event": "lock.release"}, "close": {"by": "server", "code": 4001, "reason": "rule"}})",
                       warnings);
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    ProxyHarness harness(upstream.url(), withRules(book));
    TestClient client(harness.port());
    ASSERT_TRUE(client.open());
    ASSERT_TRUE(upstream.waitForConnections(1));
    client.sendText(R"({"command":"ws_auth"})");
    Received hello = client.receive();
    ASSERT_TRUE(hello.isFrame()) << toString(hello);
    EXPECT_EQ(hello.frame.payload, R"({"event":"hello"})");
    ASSERT_TRUE(upstream.waitForFrames(1));
    upstream.sendText(R"({"event":"b"})");
    for (const char* expected : {"first", R"({"event":"b"})"}) {
        Received r = client.receive();
        ASSERT_TRUE(r.isFrame()) << toString(r);
        EXPECT_EQ(r.frame.payload, expected);
    }
    upstream.sendText(R"({"event":"lock.release"})");
    Received close = client.receive();
    ASSERT_TRUE(close.isFrame()) << toString(close);
    ASSERT_EQ(close.opcode(), kOpClose);
    EXPECT_EQ(close.frame.closeCode(), 4001);
    EXPECT_EQ(close.frame.closeReason(), "rule");
    client.sendClose(4001, "");
    ASSERT_TRUE(harness.waitForEnds(1));
    harness.stop();
    auto sessions = harness.sessions();
    ASSERT_EQ(sessions.size(), 1u);
    EXPECT_EQ(sessions[0].closed_by, "server");
    EXPECT_EQ(sessions[0].close_code, 4001);
    auto rows = harness.frames(1);
    const FrameRecord* inserted = findFrame(rows, R"({"event":"hello"})");
    ASSERT_NE(inserted, nullptr);
    EXPECT_TRUE(inserted->has(MessageFlag::Injected)) << describe(*inserted);
}

void writeFile(const std::string& path, const std::string& text) {
    std::ofstream(path, std::ios::trunc) << text;
}

// Polls the child's stderr for text (bounded).
bool waitForErr(Process& p, const std::string& text) {
    for (int i = 0; i < 1000; ++i) {
        if (p.err().find(text) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

// The event names that reached the client, in order, after the upstream sent a and b.
std::string passed(TestUpstream& upstream, TestClient& client) {
    upstream.sendText(R"({"event":"a"})");
    upstream.sendText(R"({"event":"b"})");
    upstream.sendText(R"({"event":"end"})");
    std::string out;
    while (true) {
        Received r = client.receive();
        if (!r.isFrame() || r.frame.payload == R"({"event":"end"})") {
            return out;
        }
        out += r.frame.payload.substr(10, 1);
    }
}

TEST(RulesLive, SighupReloadsAGoodFileAndKeepsTheRulesOnABadOne) {
    TempDir dir;
    const std::string rules = dir.file("rules.jsonl");
    writeFile(rules, "# drop a\n" R"({"match": {"event": "a"}, "drop": true})" "\n"
                     R"({"match": {"event": "never"}, "drop": true})" "\n");
    TestUpstream::Options options;
    options.echo = false;
    TestUpstream upstream(options);
    Process proxy({"proxy", "--listen", "127.0.0.1:0", "--upstream", upstream.url(), "--db", dir.file("t.db"),
                   "--rules", rules});
    const uint16_t port = proxy.waitForListening();
    ASSERT_NE(port, 0) << proxy.err();
    EXPECT_NE(proxy.err().find("rules " + rules + ": 2 rules"), std::string::npos) << proxy.err();
    TestClient client(port);
    ASSERT_TRUE(client.open());
    ASSERT_TRUE(upstream.waitForConnections(1));
    EXPECT_EQ(passed(upstream, client), "b");

    writeFile(rules, R"({"match": {"event": "b"}, "drop": true})" "\n");
    proxy.signal(SIGHUP);
    ASSERT_TRUE(waitForErr(proxy, "rtmtap: rules reloaded: 1 rule\n")) << proxy.err();
    EXPECT_EQ(passed(upstream, client), "a") << "the live session follows the new rules";

    writeFile(rules, R"({"match": {"event": "a"}, "drop": true, "delay_ms": 1})" "\n");
    proxy.signal(SIGHUP);
    ASSERT_TRUE(waitForErr(proxy, "rtmtap: rules not reloaded, the 1 rule in force stay: " + rules +
                                      ":1: delay_ms: a second action")) << proxy.err();
    EXPECT_EQ(passed(upstream, client), "a") << "the old rules stay";

    proxy.signal(SIGINT);
    ExitStatus status = proxy.waitExit();
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << proxy.err();
    EXPECT_NE(proxy.err().find("  line 1 {\"match\": {\"event\": \"b\"}, \"drop\": true}: 2 touched, 2 matched"),
              std::string::npos) << proxy.err();

    RunResult stats = Process::capture({"stats", "--db", dir.file("t.db")});
    EXPECT_EQ(stats.code(), 0) << stats.err;
    EXPECT_NE(stats.out.find("line 3 {\"match\": {\"event\": \"never\"}, \"drop\": true}: matched nothing"),
              std::string::npos) << stats.out;
    EXPECT_NE(stats.out.find("line 2 {\"match\": {\"event\": \"a\"}, \"drop\": true}: 1 touched, 1 matched"),
              std::string::npos) << stats.out;
    RunResult json = Process::capture({"stats", "1", "--json", "--db", dir.file("t.db")});
    EXPECT_EQ(json.code(), 0) << json.err;
    EXPECT_NE(json.out.find("\"rules\":[{"), std::string::npos) << json.out;
    EXPECT_NE(json.out.find("\"line\":1,\"rule\":\"{\\\"match\\\": {\\\"event\\\": \\\"b\\\"}, \\\"drop\\\": true}\","
                            "\"matched\":2,\"touched\":2,\"missing\":0"),
              std::string::npos) << json.out;
}

TEST(RulesLive, ABadFileAtStartIsOneLineAndExit2) {
    TempDir dir;
    writeFile(dir.file("r.jsonl"), "\n" R"({"match": {"op": "texts"}, "drop": true})" "\n");
    RunResult r = Process::capture({"proxy", "--listen", "127.0.0.1:0", "--upstream", "ws://127.0.0.1:1", "--db",
                                    dir.file("t.db"), "--rules", dir.file("r.jsonl")});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err, "rtmtap: " + dir.file("r.jsonl") + ":2: match.op: must be text, binary, ping, pong or close\n");
    EXPECT_FALSE(std::ifstream(dir.file("t.db")).good()) << "no database for a proxy that did not start";
}

}  // namespace
}  // namespace rtmtap::test
