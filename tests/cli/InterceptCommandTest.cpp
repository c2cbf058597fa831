// `rtmtap intercept` against a real `rtmtap proxy` process, driven through its stdin as a user
// would: held frames shown and forwarded, dropped, edited with a scripted $EDITOR (a broken save
// reopened with the error on top), forwarded all; a frame whose hold time passes; the
// intercepting process killed while frames are held (they reach the peer unchanged); and each
// way of failing. The database is read back for what was recorded.
#include "protocol/Message.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/EditorEnv.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestClient.h"
#include "tests/support/TestUpstream.h"

#include <gtest/gtest.h>

#include <signal.h>

#include <chrono>
#include <fstream>
#include <memory>
#include <thread>

namespace rtmtap::test {
namespace {

constexpr int kStartMs = 30000;

const std::string kChat = R"({"event":"chat.postMessage","payload":{"message":{"content":"hello"}}})";
const std::string kDelete = R"({"event":"chat.deleteMessage","payload":{"message_id":5}})";
const std::string kOnline = R"({"event":"user.online","payload":{}})";
const std::string kChatPretty =
    "{\n  \"event\": \"chat.postMessage\",\n  \"payload\": {\n    \"message\": {\n      \"content\": \"hello\"\n    }\n  }\n}";

TestUpstream::Options silentUpstream() {
    TestUpstream::Options o;
    o.echo = false;
    return o;
}

std::string text(const Received& r) {
    return r.isFrame() ? r.frame.payload : "<" + toString(r) + ">";
}

// Until the process's stdout holds part (after from), or the process ended, or 10 s passed.
bool waitForOutput(const Process& p, const std::string& part, size_t from = 0, int timeoutMs = 10000) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::milliseconds(timeoutMs);
    while (std::chrono::steady_clock::now() < until) {
        const std::string out = p.out();
        if (out.size() > from && out.find(part, from) != std::string::npos) {
            return true;
        }
        std::this_thread::sleep_for(std::chrono::milliseconds(10));
    }
    return false;
}

std::vector<Message> recorded(const std::string& db, int64_t session) {
    std::vector<Message> frames;
    const std::unique_ptr<Reader> reader = openReader(db);
    reader->frames(session, [&](const FrameRow& row) {
        frames.push_back(row.message);
        return true;
    });
    return frames;
}

const Message* find(const std::vector<Message>& frames, const std::string& payload) {
    for (const Message& m : frames) {
        if (m.payload == payload) {
            return &m;
        }
    }
    return nullptr;
}

class InterceptCommandTest : public ::testing::Test {
protected:
    InterceptCommandTest() : upstream_(silentUpstream()) {}

    std::string db() const { return dir_.file("rtmtap.db"); }

    void startProxy() {
        proxy_ = std::make_unique<Process>(
            std::vector<std::string>{"proxy", "--listen", "127.0.0.1:0", "--db", db(), "--upstream", upstream_.url()});
        port_ = proxy_->waitForListening(kStartMs);
        ASSERT_NE(port_, 0) << proxy_->out() << proxy_->err();
    }

    void stopProxy() {
        proxy_->signal(SIGTERM);
        EXPECT_EQ(proxy_->waitExit().code, 0) << proxy_->err();
    }

    std::unique_ptr<TestClient> connect(size_t n) {
        auto client = std::make_unique<TestClient>(port_);
        EXPECT_TRUE(client->open());
        EXPECT_TRUE(upstream_.waitForConnections(n));
        return client;
    }

    // rtmtap intercept with args, once it said it intercepts (its filter is attached).
    std::unique_ptr<Process> intercept(std::vector<std::string> args) {
        args.insert(args.begin(), {"intercept", "--db", db(), "--color", "never"});
        auto p = std::make_unique<Process>(args, RTMTAP_BINARY, true);
        EXPECT_TRUE(waitForOutput(*p, "intercepting on")) << p->out() << p->err();
        return p;
    }

    TempDir dir_;
    TestUpstream upstream_;
    std::unique_ptr<Process> proxy_;
    uint16_t port_ = 0;
};

TEST_F(InterceptCommandTest, ForwardDropAndEditThroughStdin) {
    ASSERT_NO_FATAL_FAILURE(startProxy());
    auto client = connect(1);
    EditorEnv editor(dir_, "sed -i 's/hello/edited by hand/' \"$1\"");
    auto p = intercept({"--dir", "s2c", "--event", "chat.*"});

    upstream_.sendText(kChat);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]")) << p->out();
    const std::string shown = p->out();
    EXPECT_NE(shown.find("frame 1 \u00b7 session 1 \u00b7 server \u2192 client \u00b7 event chat.postMessage \u00b7 " +
                         std::to_string(kChat.size()) + " bytes\n" + kChatPretty + "\nforward / edit / drop / all? [f/e/d/a] "),
              std::string::npos)
        << shown;
    EXPECT_EQ(client->receive(200).kind, Received::Kind::Timeout) << "held";
    p->writeStdin("f\n");
    EXPECT_EQ(text(client->receive()), kChat);

    size_t mark = p->out().size();
    upstream_.sendText(kDelete);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]", mark)) << p->out();
    p->writeStdin("d\n");
    ASSERT_TRUE(waitForOutput(*p, "frame 2 dropped", mark)) << p->out();
    upstream_.sendText(kOnline);  // not matched
    EXPECT_EQ(text(client->receive()), kOnline) << "the dropped frame never came";

    mark = p->out().size();
    upstream_.sendText(kChat);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]", mark)) << p->out();
    p->writeStdin("what?\ne\n");
    const std::string edited = "{\n  \"event\": \"chat.postMessage\",\n  \"payload\": {\n    \"message\": {\n"
                               "      \"content\": \"edited by hand\"\n    }\n  }\n}";
    EXPECT_EQ(text(client->receive()), edited) << "what was saved, as saved (without the last newline)\n" << p->out();
    ASSERT_TRUE(waitForOutput(*p, "frame 3 edited", mark)) << p->out();
    EXPECT_NE(p->out().find("answer f (forward it)", mark), std::string::npos) << p->out();

    p->closeStdin();
    ExitStatus s = p->waitExit();
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << p->err();
    EXPECT_NE(p->out().find("end of input: forwarded 0 held frames"), std::string::npos) << p->out();
    EXPECT_EQ(p->err(), "");
    client.reset();
    stopProxy();

    std::vector<Message> frames = recorded(db(), 1);
    const Message* forwarded = find(frames, kChat);
    ASSERT_NE(forwarded, nullptr);
    EXPECT_EQ(forwarded->flags & MessageFlag::Dropped, 0u);
    const Message* dropped = find(frames, kDelete);
    ASSERT_NE(dropped, nullptr);
    EXPECT_TRUE(dropped->flags & MessageFlag::Dropped);
    const Message* sent = find(frames, edited);
    ASSERT_NE(sent, nullptr);
    EXPECT_TRUE(sent->flags & MessageFlag::Edited);
    ASSERT_GT(sent->edit_of, 0);
    const Message* original = nullptr;
    for (const Message& m : frames) {
        original = m.seq == sent->edit_of ? &m : original;
    }
    ASSERT_NE(original, nullptr);
    EXPECT_EQ(original->payload, kChat);
    EXPECT_TRUE(original->flags & MessageFlag::Dropped) << "recorded as it came, not forwarded as such";
}

// A save that is no longer JSON is reopened with the error on top; the fixed save is sent.
TEST_F(InterceptCommandTest, ABrokenEditIsReopenedWithTheErrorOnTop) {
    ASSERT_NO_FATAL_FAILURE(startProxy());
    auto client = connect(1);
    EditorEnv editor(dir_, "if grep -q '^# rtmtap: line' \"$1\"; then cp \"$1\" " + dir_.file("reopened.txt") +
                               "; sed -i 's/BROKEN/\"fixed\"/' \"$1\"; else sed -i 's/\"hello\"/BROKEN/' \"$1\"; fi");
    auto p = intercept({"--event", "chat.postMessage"});
    upstream_.sendText(kChat);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]")) << p->out();
    p->writeStdin("e\n");
    const std::string fixed = "{\n  \"event\": \"chat.postMessage\",\n  \"payload\": {\n    \"message\": {\n"
                              "      \"content\": \"fixed\"\n    }\n  }\n}";
    EXPECT_EQ(text(client->receive()), fixed) << p->out() << p->err();
    std::ifstream reopened(dir_.file("reopened.txt"));
    std::string first;
    std::getline(reopened, first);
    EXPECT_EQ(first.rfind("# rtmtap: line 7: not valid JSON", 0), 0u) << first;
    p->closeStdin();
    EXPECT_EQ(p->waitExit().code, 0) << p->err();
}

TEST_F(InterceptCommandTest, AllForwardsEveryHeldFrameAndQuits) {
    ASSERT_NO_FATAL_FAILURE(startProxy());
    auto client = connect(1);
    auto p = intercept({"--event", "chat.*"});
    upstream_.sendText(kChat);
    upstream_.sendText(kDelete);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]")) << p->out();
    EXPECT_EQ(client->receive(200).kind, Received::Kind::Timeout);
    p->writeStdin("a\n");
    EXPECT_EQ(text(client->receive()), kChat);
    EXPECT_EQ(text(client->receive()), kDelete);
    ExitStatus s = p->waitExit();
    EXPECT_TRUE(s.exited && s.code == 0) << s.describe() << p->err();
    EXPECT_NE(p->out().find("all: forwarded 2 held frames; no longer intercepting"), std::string::npos) << p->out();
    upstream_.sendText(kChat);
    EXPECT_EQ(text(client->receive()), kChat) << "nothing is held any more";
}

TEST_F(InterceptCommandTest, AFrameWhoseHoldTimePassesGoesOnAndIsSaid) {
    ASSERT_NO_FATAL_FAILURE(startProxy());
    auto client = connect(1);
    auto p = intercept({"--event", "chat.*", "--hold-timeout", "0.3"});
    upstream_.sendText(kChat);
    EXPECT_EQ(text(client->receive()), kChat);
    ASSERT_TRUE(waitForOutput(*p, "frame 1 went on unchanged after 0.3 s (--hold-timeout)")) << p->out();
    p->writeStdin("f\n");  // too late: nothing to decide
    p->closeStdin();
    EXPECT_EQ(p->waitExit().code, 0) << p->err();
}

// The intercepting process dies while frames of two sessions are held: the proxy forwards them
// unchanged, long before their hold time, and records them as forwarded.
TEST_F(InterceptCommandTest, KilledWhileFramesAreHeldLosesNothing) {
    ASSERT_NO_FATAL_FAILURE(startProxy());
    auto first = connect(1);
    auto second = connect(2);
    auto p = intercept({"--event", "chat.*"});
    upstream_.sendText(kChat, 0);
    upstream_.sendText(kOnline, 0);  // not matched: waits behind
    upstream_.sendText(kDelete, 1);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]")) << p->out();
    EXPECT_EQ(first->receive(200).kind, Received::Kind::Timeout);
    EXPECT_EQ(second->receive(100).kind, Received::Kind::Timeout);
    p->signal(SIGKILL);
    p->waitExit();
    EXPECT_EQ(text(first->receive(5000)), kChat);
    EXPECT_EQ(text(first->receive(5000)), kOnline);
    EXPECT_EQ(text(second->receive(5000)), kDelete);
    first.reset();
    second.reset();
    stopProxy();
    // Session ids follow the order the relays started, not the order the clients connected.
    std::vector<Message> frames = recorded(db(), 1);
    for (const Message& m : recorded(db(), 2)) {
        frames.push_back(m);
    }
    for (const std::string& payload : {kChat, kOnline, kDelete}) {
        const Message* m = find(frames, payload);
        ASSERT_NE(m, nullptr) << payload;
        EXPECT_EQ(m->flags & (MessageFlag::Dropped | MessageFlag::Edited), 0u) << payload;
        EXPECT_GE(m->fwd_us, 0) << payload;
    }
}

void expectOneLine(const Process& p, const std::string& part) {
    EXPECT_EQ(p.errLines().size(), 1u) << p.err();
    EXPECT_EQ(p.err().rfind("rtmtap: ", 0), 0u) << p.err();
    EXPECT_NE(p.err().find(part), std::string::npos) << p.err();
}

TEST_F(InterceptCommandTest, FailuresSayOneThing) {
    Process none({"intercept", "--db", db()}, RTMTAP_BINARY, true);
    ExitStatus s = none.waitExit();
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe();
    expectOneLine(none, "no rtmtap proxy is running");

    Process since({"intercept", "--db", db(), "--since", "10m"}, RTMTAP_BINARY, true);
    EXPECT_EQ(since.waitExit().code, 2) << "frames are held as they arrive: no time filters";

    ASSERT_NO_FATAL_FAILURE(startProxy());
    auto client = connect(1);
    auto p = intercept({"--event", "chat.*"});
    upstream_.sendText(kChat);
    ASSERT_TRUE(waitForOutput(*p, "[f/e/d/a]")) << p->out();
    stopProxy();  // the held frame goes on as the proxy stops
    EXPECT_EQ(text(client->receive(5000)), kChat);
    s = p->waitExit();
    EXPECT_TRUE(s.exited && s.code == 2) << s.describe();
    expectOneLine(*p, "closed the connection");
}

}  // namespace
}  // namespace rtmtap::test
