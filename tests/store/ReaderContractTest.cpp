// The Reader contract, for every backend (tests/support/ReaderBackends.h): the test records
// sessions into a SQLite file through the store's writer, publishes the file to the backend and
// checks each Reader method against what it recorded (frames classified as the recorder
// classifies them, protocol/Classifier).
#include "protocol/Classifier.h"
#include "store/FrameWriter.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Recording.h"
#include "store/RuleCounts.h"
#include "store/TextIndex.h"
#include "tests/support/FrameOracle.h"
#include "tests/support/ReaderBackends.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <limits>

namespace rtmtap {
namespace {

constexpr int64_t kT0 = 1'764'000'000'000'000;  // wall clock of session A's start, µs

// One recorded frame, and what the test knows of its payload besides what it is.
struct ModelFrame {
    Message m;
    std::optional<int64_t> messageType;  // payload.message.message_type
};

struct ModelSession {
    SessionInfo info;
    std::optional<SessionEnd> end;
    std::string label;
    std::vector<ModelFrame> frames;
    std::vector<RecordedApiCall> calls;
    std::vector<Finding> findings;
};

std::string chatMessage(const char* event, int64_t id, int64_t channel, int64_t user, int64_t type, const char* text) {
    return std::string(R"({"event":")") + event + R"(","payload":{"message":{"id":)" + std::to_string(id) +
           R"(,"channel_id":)" + std::to_string(channel) + R"(,"user_id":)" + std::to_string(user) +
           R"(,"message_type":)" + std::to_string(type) + R"(,"content":")" + text + R"("}}})";
}

// What the test records: sessions A (ended, labelled, with findings), B (open, replays A) and C
// (a login's API calls, one of them a system.ping), plus gaps and rule counts.
class Model {
public:
    Model() {
        ModelSession a = session(1, kT0, "127.0.0.1:5001", "alpha");
        a.info.subprotocol = "rtm";
        frame(a, Direction::ClientToServer, Opcode::Text, R"({"command":"ws_ping","data":{"n":1}})");
        frame(a, Direction::ServerToClient, Opcode::Text, chatMessage("chat.postMessage", 501, 11, 101, 0, "Hello World"), 0);
        frame(a, Direction::ServerToClient, Opcode::Text, chatMessage("chat.updateMessage", 502, 12, 102, 1, "meeting moved"), 1);
        frame(a, Direction::ServerToClient, Opcode::Binary, std::string("\x00\x01\xff", 3));
        frame(a, Direction::ClientToServer, Opcode::Ping, "p1");
        frame(a, Direction::ServerToClient, Opcode::Pong, "p1");
        frame(a, Direction::ServerToClient, Opcode::Text, R"({"event":"chat.postMessage","payload":)");
        frame(a, Direction::ClientToServer, Opcode::Text, R"({"command":"chat.postMessage","channel_id":11,"text":"INJECTED hello"})")
            .m.flags = MessageFlag::Injected;
        frame(a, Direction::ServerToClient, Opcode::Text, R"({"event":"user.typing","payload":{"channel_id":12,"user_id":103}})")
            .m.flags = MessageFlag::Dropped;
        ModelFrame& edited = frame(a, Direction::ServerToClient, Opcode::Text, R"({"event":"user.typing","payload":{"channel_id":12,"user_id":104}})");
        edited.m.flags = MessageFlag::Edited;
        edited.m.edit_of = edited.m.seq - 1;
        frame(a, Direction::ClientToServer, Opcode::Close, std::string("\x03\xe8" "bye", 5));
        a.end = SessionEnd{a.info.id, a.info.started_wall_us + 60'000, 60'000, 1000, "bye", "client", "", 101};
        a.findings = {finding(a, 0, "session-rule", Severity::Error), finding(a, 2, "frame-rule", Severity::Warn),
                      finding(a, 3, "other-rule", Severity::Info), finding(a, 2, "second-rule", Severity::Info)};
        sessions.push_back(a);

        ModelSession b = session(2, kT0 + 10'000'000, "127.0.0.1:5002", "");
        b.info.replay_of = 1;
        frame(b, Direction::ServerToClient, Opcode::Text, R"({"event":"channel.update","payload":{"channel":{"id":13}}})");
        frame(b, Direction::ServerToClient, Opcode::Text, chatMessage("chat.postMessage", 601, 13, 101, 2, "hello again"), 2);
        frame(b, Direction::ClientToServer, Opcode::Binary, R"({"command":"ws_ping"})");
        sessions.push_back(b);

        ModelSession c = session(3, kT0 + 20'000'000, "127.0.0.1:5003", "");
        c.calls = {call(c, -3000, "/api/v1/user.login", "email=a%40b.c"),
                   call(c, -2000, "/api/v1/rtm.connect", ""),
                   call(c, 4000, "/api/v1/system.ping", "finger_print=f1&ping_token=tok+a&last_latency=3")};
        frame(c, Direction::ServerToClient, Opcode::Text, R"({"event":"system.ping","payload":{"ping_token":"tok a"}})");
        c.end = SessionEnd{c.info.id, c.info.started_wall_us + 9000, 9000, 1006, "", "server", "upstream went away", 101};
        sessions.push_back(c);

        gaps = {gap(1, 4, 5, "behind"), gap(2, 9, 9, "disk full")};
        rules = {rule(kT0 - 5'000'000, kT0 + 5'000'000, 1, "drop event user.typing", 3),
                 rule(kT0 + 15'000'000, kT0 + 25'000'000, 2, "delay 10ms", 1),
                 rule(kT0 - 5'000'000, kT0 + 5'000'000, 4, "edit payload", 0)};
    }

    void write(const std::string& path) const {
        FrameWriter writer(path, false, 0, WriterRole::Importer);
        writer.begin();
        for (const ModelSession& s : sessions) {
            writer.write(s.info);
            for (const ModelFrame& f : s.frames) {
                writer.write(f.m);
            }
            if (s.end) {
                writer.write(*s.end);
            }
            if (!s.label.empty()) {
                writer.writeLabel(s.info.id, s.label);
            }
            for (const RecordedApiCall& c : s.calls) {
                writer.writeImportedApiCall(s.info.id, c);
            }
            if (!s.findings.empty()) {
                writer.write(FindingBatch{s.info.id, FindingSource::Lint, false, s.findings});
            }
        }
        for (const GapRow& g : gaps) {
            writer.write(g);
        }
        writer.commit();
        RuleCounts::write(path, rules);
        TextIndex::catchUp(path);
    }

    // Every frame as a Reader gives it back, by session and seq (the order they were written).
    std::vector<FrameRow> rows() const {
        std::vector<FrameRow> out;
        for (const ModelSession& s : sessions) {
            for (const ModelFrame& f : s.frames) {
                out.push_back(rowOf(f.m));
            }
        }
        return out;
    }

    static FrameRow rowOf(const Message& m) {
        FrameRow row;
        row.message = m;
        Classification c = classifyMessage(m, row.message.flags);
        row.kind = toString(c.kind);
        row.name = c.name;
        row.channel_id = c.channel_id;
        row.message_id = c.message_id;
        row.user_id = c.user_id;
        return row;
    }

    const ModelSession& byId(int64_t id) const { return sessions.at(static_cast<size_t>(id - 1)); }

    std::vector<ModelSession> sessions;
    std::vector<GapRow> gaps;
    std::vector<RuleCountRow> rules;

private:
    static ModelSession session(int64_t id, int64_t start, const std::string& client, const std::string& label) {
        ModelSession s;
        s.info.id = id;
        s.info.started_wall_us = start;
        s.info.client = client;
        s.info.upstream = "ws://upstream.test:9/rtm";
        s.info.path = "/rtm?client=" + std::to_string(id);
        s.info.headers = {{"X-Contract", "session " + std::to_string(id)}};
        s.label = label;
        return s;
    }

    static ModelFrame& frame(ModelSession& s, Direction dir, Opcode op, std::string payload,
                             std::optional<int64_t> messageType = std::nullopt) {
        ModelFrame f;
        f.m.session = s.info.id;
        f.m.seq = static_cast<int64_t>(s.frames.size()) + 1;
        f.m.dir = dir;
        f.m.op = op;
        f.m.t_us = f.m.seq * 1000;
        f.m.fwd_us = f.m.t_us + 7;
        f.m.wall_us = s.info.started_wall_us + f.m.t_us;
        f.m.size = payload.size();
        f.m.payload = std::move(payload);
        f.messageType = messageType;
        s.frames.push_back(std::move(f));
        return s.frames.back();
    }

    static Finding finding(const ModelSession& s, int64_t seq, const std::string& rule, Severity severity) {
        Finding f;
        f.rule = rule;
        f.severity = severity;
        f.session = s.info.id;
        f.seq = seq;
        f.t_us = seq == 0 ? 0 : s.frames.at(static_cast<size_t>(seq - 1)).m.t_us;
        f.wall_us = seq == 0 ? s.info.started_wall_us : s.frames.at(static_cast<size_t>(seq - 1)).m.wall_us;
        f.sentence = rule + " fired on seq " + std::to_string(seq) + ".";
        f.section = "contract";
        return f;
    }

    static RecordedApiCall call(const ModelSession& s, int64_t at, const std::string& path, const std::string& body) {
        RecordedApiCall c;
        c.started_wall_us = s.info.started_wall_us + at;
        c.method = "POST";
        c.path = path;
        c.status = 200;
        c.request_headers = {{"Content-Type", "application/x-www-form-urlencoded"}};
        c.request_body = body;
        c.response_headers = {{"Content-Type", "application/json"}};
        c.response_body = R"({"ok":true})";
        return c;
    }

    GapRow gap(int64_t session, int64_t first, int64_t last, const std::string& reason) const {
        const ModelSession& s = byId(session);
        GapRow g;
        g.session = session;
        g.first_seq = first;
        g.last_seq = last;
        g.first_us = s.info.started_wall_us + first * 1000;
        g.last_us = s.info.started_wall_us + last * 1000;
        g.frames = last - first + 1;
        g.bytes = g.frames * 100;
        g.reason = reason;
        return g;
    }

    static RuleCountRow rule(int64_t from, int64_t to, int64_t line, const std::string& text, int64_t matched) {
        return RuleCountRow{from, to, "contract.rules", line, text, matched, matched / 2, matched % 2};
    }
};

std::string key(const FrameRow& row) {
    return std::to_string(row.message.session) + ":" + std::to_string(row.message.seq);
}

using Keys = std::vector<std::string>;

class ReaderContractTest : public ::testing::TestWithParam<test::ReaderBackend> {
protected:
    void SetUp() override {
        model_.write(path_);
        db_ = GetParam().publish(path_);
        if (IsSkipped()) {
            return;  // the backend's server is not installed: publish said so
        }
        reader_ = openReader(db_);
    }

    // What query gives for filter, in order, as session:seq keys.
    Keys queried(const FrameFilter& filter, SearchOrder order) {
        Keys keys;
        reader_->query(filter, order, [&](const FrameRow& row) {
            keys.push_back(key(row));
            return true;
        });
        return keys;
    }

    // The frames the oracle passes, plus a test's own condition, in recording order.
    Keys expected(const FrameFilter& filter, const std::function<bool(const FrameRow&)>& also = nullptr) {
        Keys keys;
        for (const FrameRow& row : model_.rows()) {
            if (test::passes(filter, row) && (!also || also(row))) {
                keys.push_back(key(row));
            }
        }
        return keys;
    }

    // query in both orders and count agree with want (at least one frame, at least one left out).
    void checkFilter(const FrameFilter& filter, const Keys& want, const std::string& what) {
        SCOPED_TRACE(what);
        ASSERT_FALSE(want.empty());
        ASSERT_LT(want.size(), model_.rows().size());
        EXPECT_EQ(queried(filter, SearchOrder::Ascending), want);
        EXPECT_EQ(queried(filter, SearchOrder::Descending), Keys(want.rbegin(), want.rend()));
        EXPECT_EQ(reader_->count(filter), static_cast<int64_t>(want.size()));
    }

    void checkFilter(const FrameFilter& filter, const std::string& what) { checkFilter(filter, expected(filter), what); }

    const ModelFrame& modelFrame(const FrameRow& row) const {
        return model_.byId(row.message.session).frames.at(static_cast<size_t>(row.message.seq - 1));
    }

    test::TempDir dir_;
    std::string path_ = dir_.file("contract.db");
    Model model_;
    std::string db_;
    std::unique_ptr<Reader> reader_;
};

void expectSameFrame(const FrameRow& got, const FrameRow& want) {
    SCOPED_TRACE(key(want));
    EXPECT_EQ(got.message.session, want.message.session);
    EXPECT_EQ(got.message.seq, want.message.seq);
    EXPECT_EQ(got.message.dir, want.message.dir);
    EXPECT_EQ(got.message.op, want.message.op);
    EXPECT_EQ(got.message.flags, want.message.flags);
    EXPECT_EQ(got.message.t_us, want.message.t_us);
    EXPECT_EQ(got.message.fwd_us, want.message.fwd_us);
    EXPECT_EQ(got.message.wall_us, want.message.wall_us);
    EXPECT_EQ(got.message.size, want.message.size);
    EXPECT_EQ(got.message.payload, want.message.payload);  // byte for byte
    EXPECT_EQ(got.message.edit_of, want.message.edit_of);
    EXPECT_EQ(got.kind, want.kind);
    EXPECT_EQ(got.name, want.name);
    EXPECT_EQ(got.channel_id, want.channel_id);
    EXPECT_EQ(got.message_id, want.message_id);
    EXPECT_EQ(got.user_id, want.user_id);
}

TEST_P(ReaderContractTest, SessionsGiveEveryRecordedFieldInIdOrder) {
    const std::vector<SessionRow> rows = reader_->sessions();
    ASSERT_EQ(rows.size(), model_.sessions.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const ModelSession& want = model_.sessions[i];
        const SessionRow& got = rows[i];
        SCOPED_TRACE(want.info.id);
        EXPECT_EQ(got.id, want.info.id);
        EXPECT_EQ(got.started_wall_us, want.info.started_wall_us);
        EXPECT_EQ(got.client, want.info.client);
        EXPECT_EQ(got.upstream, want.info.upstream);
        EXPECT_EQ(got.path, want.info.path);
        EXPECT_EQ(got.subprotocol, want.info.subprotocol);
        EXPECT_NE(got.headers_json.find(want.info.headers.at(0).second), std::string::npos) << got.headers_json;
        EXPECT_EQ(got.label, want.label);
        EXPECT_EQ(got.replay_of, want.info.replay_of ? std::optional<int64_t>(want.info.replay_of) : std::nullopt);
        EXPECT_EQ(got.derived_from, std::nullopt);
        EXPECT_EQ(got.source, GetParam().source);
        EXPECT_EQ(got.ended_wall_us.has_value(), want.end.has_value());
        if (want.end) {
            EXPECT_EQ(got.ended_wall_us, want.end->ended_wall_us);
            EXPECT_EQ(got.duration_us, want.end->duration_us);
            EXPECT_EQ(got.close_code, want.end->close_code);
            EXPECT_EQ(got.close_reason, want.end->close_reason);
            EXPECT_EQ(got.closed_by, want.end->closed_by);
            EXPECT_EQ(got.error, want.end->error);
            EXPECT_EQ(got.http_status, want.end->http_status);
        }
        int64_t bytes = 0;
        for (const ModelFrame& f : want.frames) {
            bytes += static_cast<int64_t>(f.m.size);
        }
        EXPECT_EQ(got.frames, static_cast<int64_t>(want.frames.size()));
        EXPECT_EQ(got.bytes, bytes);
    }
}

TEST_P(ReaderContractTest, SessionByIdIsTheSameRowAndAMissingIdIsNone) {
    for (const SessionRow& row : reader_->sessions()) {
        std::optional<SessionRow> one = reader_->session(row.id);
        ASSERT_TRUE(one.has_value());
        EXPECT_EQ(one->started_wall_us, row.started_wall_us);
        EXPECT_EQ(one->client, row.client);
        EXPECT_EQ(one->frames, row.frames);
        EXPECT_EQ(one->bytes, row.bytes);
    }
    EXPECT_FALSE(reader_->session(static_cast<int64_t>(model_.sessions.size()) + 1).has_value());
    EXPECT_FALSE(reader_->session(0).has_value());
}

TEST_P(ReaderContractTest, FramesGiveEachSessionByteExactInSeqOrderAndStop) {
    for (const ModelSession& s : model_.sessions) {
        std::vector<FrameRow> got;
        reader_->frames(s.info.id, [&](const FrameRow& row) {
            got.push_back(row);
            return true;
        });
        ASSERT_EQ(got.size(), s.frames.size());
        for (size_t i = 0; i < got.size(); ++i) {
            expectSameFrame(got[i], Model::rowOf(s.frames[i].m));
        }
    }
    int seen = 0;
    reader_->frames(1, [&](const FrameRow&) { return ++seen < 2; });
    EXPECT_EQ(seen, 2);
    reader_->frames(99, [&](const FrameRow&) { return ++seen > 0; });
    EXPECT_EQ(seen, 2);
}

TEST_P(ReaderContractTest, QueryAndCountHonourEachFilterField) {
    FrameFilter f;
    EXPECT_EQ(queried(f, SearchOrder::Ascending), expected(f));
    EXPECT_EQ(reader_->count(f), static_cast<int64_t>(model_.rows().size()));
    f = {};
    f.sessions = {2};
    checkFilter(f, "one session");
    f.sessions = {1, 3};
    checkFilter(f, "two sessions");
    f = {};
    f.dirs = {Direction::ClientToServer};
    checkFilter(f, "dir");
    f = {};
    f.ops = {Opcode::Ping, Opcode::Pong};
    checkFilter(f, "ops");
    f = {};
    f.kinds = {Kind::Other};
    checkFilter(f, "kind");
    f = {};
    f.events = {"chat.*"};
    checkFilter(f, "event glob");
    f = {};
    f.commands = {"ws_*"};
    checkFilter(f, "command glob");
    f.events = {"user.typing"};
    checkFilter(f, "events or commands");
    f = {};
    f.channels = {12};
    checkFilter(f, "channel");
    f = {};
    f.messages = {501, 601};
    checkFilter(f, "messages");
    f = {};
    f.users = {101};
    checkFilter(f, "user");
    f = {};
    f.sinceUs = model_.byId(1).frames.at(4).m.wall_us;
    f.untilUs = model_.byId(2).frames.at(1).m.wall_us;
    checkFilter(f, "since and until, inclusive");
    f = {};
    f.malformed = true;
    checkFilter(f, "malformed");
    f = {};
    f.edited = true;
    checkFilter(f, "edited");
    f = {};
    f.injected = true;
    checkFilter(f, "injected");
    f = {};
    f.dirs = {Direction::ServerToClient};
    f.sessions = {1};
    f.kinds = {Kind::Event};
    checkFilter(f, "fields together");
}

TEST_P(ReaderContractTest, QueryMatchesWholeWordsOfSeveralTokensWhateverTheCase) {
    FrameFilter f;
    f.words = {"chat.postMessage"};
    checkFilter(f, "chat.postMessage");
    f.words = {"HELLO"};
    checkFilter(f, "HELLO");
    f.words = {"hello", "again"};
    checkFilter(f, "two words");
    f.words = {"hel"};
    EXPECT_EQ(reader_->count(f), 0) << "a part of a word is not the word";
    f.words = {"hello"};
    f.sessions = {1};
    checkFilter(f, "one session's words (scanned)");
}

TEST_P(ReaderContractTest, QueryHonoursWheresOfEachType) {
    auto typed = [&](const std::string& where, std::optional<int64_t> type) {
        FrameFilter f;
        f.wheres = {parseWhere(where)};
        checkFilter(f, expected(f, [&](const FrameRow& row) { return modelFrame(row).messageType == type; }), where);
    };
    typed("payload.message.message_type=1", 1);
    typed("payload.message.message_type=2", 2);
    FrameFilter f;
    f.wheres = {parseWhere(R"(payload.message.content="hello again")")};
    checkFilter(f, expected(f, [](const FrameRow& row) { return row.message.payload.find("hello again") != std::string::npos; }),
                "text");
    f.wheres = {parseWhere("payload.message.message_type=0.0")};
    checkFilter(f, expected(f, [&](const FrameRow& row) { return modelFrame(row).messageType == 0; }), "real");
    f.wheres = {parseWhere("data.n=1"), parseWhere("command=ws_ping")};
    checkFilter(f, expected(f, [](const FrameRow& row) { return row.message.payload.find(R"("n":1)") != std::string::npos; }),
                "two conditions");
    f.wheres = {parseWhere("payload.message.content=null")};
    EXPECT_EQ(reader_->count(f), 0);
}

TEST_P(ReaderContractTest, QueryFindsTheFramesOfStoredFindings) {
    auto about = [&](const std::string& rule) {
        return [this, rule](const FrameRow& row) {
            for (const Finding& f : model_.byId(row.message.session).findings) {
                if ((rule == "*" || f.rule == rule) && f.seq == row.message.seq) {
                    return true;
                }
            }
            return false;
        };
    };
    FrameFilter f;
    f.findings = {"frame-rule"};
    checkFilter(f, expected(f, about("frame-rule")), "one rule");
    f.findings = {"*"};
    checkFilter(f, expected(f, about("*")), "any rule");
}

TEST_P(ReaderContractTest, QueryStopsWhenAskedInEitherOrder) {
    const Keys all = expected({});
    for (SearchOrder order : {SearchOrder::Ascending, SearchOrder::Descending}) {
        Keys got;
        reader_->query({}, order, [&](const FrameRow& row) {
            got.push_back(key(row));
            return got.size() < 3;
        });
        const Keys want = order == SearchOrder::Ascending ? Keys(all.begin(), all.begin() + 3) : Keys(all.rbegin(), all.rbegin() + 3);
        EXPECT_EQ(got, want);
    }
}

TEST_P(ReaderContractTest, FrameSummariesOfOneSessionAndOfAll) {
    std::vector<FrameSummary> all;
    reader_->frameSummaries(std::nullopt, [&](const FrameSummary& s) {
        all.push_back(s);
        return true;
    });
    const std::vector<FrameRow> rows = model_.rows();
    ASSERT_EQ(all.size(), rows.size());
    for (size_t i = 0; i < rows.size(); ++i) {
        const Message& m = rows[i].message;
        SCOPED_TRACE(key(rows[i]));
        EXPECT_EQ(all[i].session, m.session);
        EXPECT_EQ(all[i].seq, m.seq);
        EXPECT_EQ(all[i].dir, m.dir);
        EXPECT_EQ(all[i].op, m.op);
        EXPECT_EQ(all[i].flags, m.flags);
        EXPECT_EQ(all[i].t_us, m.t_us);
        EXPECT_EQ(all[i].fwd_us, m.fwd_us);
        EXPECT_EQ(all[i].wall_us, m.wall_us);
        EXPECT_EQ(all[i].size, m.size);
        EXPECT_EQ(toString(all[i].kind), rows[i].kind);
        EXPECT_EQ(all[i].name, rows[i].name);
        const bool keeps = m.op == Opcode::Ping || m.op == Opcode::Pong || m.op == Opcode::Close || rows[i].name == "system.ping";
        EXPECT_EQ(all[i].payload, keeps ? m.payload : "");
    }
    std::vector<int64_t> seqs;
    reader_->frameSummaries(2, [&](const FrameSummary& s) {
        EXPECT_EQ(s.session, 2);
        seqs.push_back(s.seq);
        return true;
    });
    EXPECT_EQ(seqs, (std::vector<int64_t>{1, 2, 3}));
    int seen = 0;
    reader_->frameSummaries(std::nullopt, [&](const FrameSummary&) { return ++seen < 4; });
    EXPECT_EQ(seen, 4);
}

TEST_P(ReaderContractTest, SessionApiCallsAreTheLoginsCallsOldestFirst) {
    const ModelSession& c = model_.byId(3);
    const std::vector<ApiCallRow> calls = reader_->sessionApiCalls(c.info.id);
    ASSERT_EQ(calls.size(), c.calls.size());
    for (size_t i = 0; i < calls.size(); ++i) {
        EXPECT_EQ(calls[i].started_wall_us, c.calls[i].started_wall_us);
        EXPECT_EQ(calls[i].method, c.calls[i].method);
        EXPECT_EQ(calls[i].path, c.calls[i].path);
        EXPECT_EQ(calls[i].status, c.calls[i].status);
        EXPECT_EQ(calls[i].response_body, c.calls[i].response_body);
        EXPECT_NE(calls[i].request_headers_json.find("x-www-form-urlencoded"), std::string::npos);
    }
    EXPECT_TRUE(reader_->sessionApiCalls(1).empty());
    EXPECT_TRUE(reader_->sessionApiCalls(99).empty());
}

TEST_P(ReaderContractTest, FindingsBySeqWithTheSessionsOwnLast) {
    const ModelSession& a = model_.byId(1);
    std::vector<Finding> want = a.findings;
    std::stable_sort(want.begin(), want.end(), [](const Finding& x, const Finding& y) {
        return std::make_pair(x.seq == 0, x.seq) < std::make_pair(y.seq == 0, y.seq);
    });
    const std::vector<StoredFinding> got = reader_->findings(a.info.id);
    ASSERT_EQ(got.size(), want.size());
    for (size_t i = 0; i < got.size(); ++i) {
        SCOPED_TRACE(i);
        EXPECT_EQ(got[i].source, FindingSource::Lint);
        EXPECT_EQ(got[i].finding.rule, want[i].rule);
        EXPECT_EQ(got[i].finding.severity, want[i].severity);
        EXPECT_EQ(got[i].finding.session, want[i].session);
        EXPECT_EQ(got[i].finding.seq, want[i].seq);
        EXPECT_EQ(got[i].finding.t_us, want[i].t_us);
        EXPECT_EQ(got[i].finding.wall_us, want[i].wall_us);
        EXPECT_EQ(got[i].finding.sentence, want[i].sentence);
        EXPECT_EQ(got[i].finding.section, want[i].section);
    }
    EXPECT_TRUE(reader_->findings(2).empty());
}

TEST_P(ReaderContractTest, SystemPingCallsBelongToTheirSession) {
    const ModelSession& c = model_.byId(3);
    for (const std::optional<int64_t>& which : {std::optional<int64_t>(c.info.id), std::optional<int64_t>()}) {
        const std::vector<SystemPingCall> calls = reader_->systemPingCalls(which);
        ASSERT_EQ(calls.size(), 1u);
        EXPECT_EQ(calls[0].session, c.info.id);
        EXPECT_EQ(calls[0].started_wall_us, c.calls[2].started_wall_us);
        EXPECT_EQ(calls[0].status, c.calls[2].status);
        EXPECT_EQ(calls[0].ping_token, "tok a");  // the form's tok+a, decoded
    }
    EXPECT_TRUE(reader_->systemPingCalls(1).empty());
}

TEST_P(ReaderContractTest, UnrecordedGapsOfOneSessionAndOfAll) {
    auto same = [](const std::vector<GapRow>& got, const std::vector<GapRow>& want) {
        ASSERT_EQ(got.size(), want.size());
        for (size_t i = 0; i < got.size(); ++i) {
            EXPECT_EQ(got[i].session, want[i].session);
            EXPECT_EQ(got[i].first_seq, want[i].first_seq);
            EXPECT_EQ(got[i].last_seq, want[i].last_seq);
            EXPECT_EQ(got[i].first_us, want[i].first_us);
            EXPECT_EQ(got[i].last_us, want[i].last_us);
            EXPECT_EQ(got[i].frames, want[i].frames);
            EXPECT_EQ(got[i].bytes, want[i].bytes);
            EXPECT_EQ(got[i].reason, want[i].reason);
        }
    };
    same(reader_->unrecordedGaps(std::nullopt), model_.gaps);
    same(reader_->unrecordedGaps(2), {model_.gaps[1]});
    EXPECT_TRUE(reader_->unrecordedGaps(3).empty());
}

TEST_P(ReaderContractTest, RuleCountsOfTheSpansThatOverlap) {
    auto lines = [](const std::vector<RuleCountRow>& rows) {
        std::vector<std::string> out;
        for (const RuleCountRow& r : rows) {
            out.push_back(std::to_string(r.started_us) + "-" + std::to_string(r.ended_us) + " " + r.file + ":" +
                          std::to_string(r.line) + " " + r.rule + " " + std::to_string(r.matched) + "/" +
                          std::to_string(r.touched) + "/" + std::to_string(r.missing));
        }
        return out;
    };
    auto overlapping = [&](int64_t from, int64_t to) {
        std::vector<RuleCountRow> want;
        for (const RuleCountRow& r : model_.rules) {
            if (r.ended_us >= from && r.started_us <= to) {
                want.push_back(r);
            }
        }
        std::stable_sort(want.begin(), want.end(),
                         [](const RuleCountRow& x, const RuleCountRow& y) { return x.started_us < y.started_us; });
        return lines(want);
    };
    const int64_t lo = std::numeric_limits<int64_t>::min(), hi = std::numeric_limits<int64_t>::max();
    EXPECT_EQ(lines(reader_->ruleCounts(lo, hi)), overlapping(lo, hi));
    EXPECT_EQ(lines(reader_->ruleCounts(kT0 + 16'000'000, kT0 + 17'000'000)), overlapping(kT0 + 16'000'000, kT0 + 17'000'000));
    EXPECT_EQ(lines(reader_->ruleCounts(kT0, kT0)).size(), 2u);
    EXPECT_TRUE(reader_->ruleCounts(kT0 + 26'000'000, hi).empty());
}

TEST_P(ReaderContractTest, FramesBetweenFollowTheFramesAddedSinceTheLastId) {
    const int64_t last = reader_->lastFrameId();
    Keys got;
    FrameFilter f;
    reader_->framesBetween(0, last, f, [&](const FrameRow& row) {
        got.push_back(key(row));
        return true;
    });
    EXPECT_EQ(got, expected(f));
    f.kinds = {Kind::Event};
    got.clear();
    reader_->framesBetween(0, last, f, [&](const FrameRow& row) {
        got.push_back(key(row));
        return got.size() < 2;
    });
    const Keys events = expected(f);
    ASSERT_GT(events.size(), 2u);
    EXPECT_EQ(got, Keys(events.begin(), events.begin() + 2));

    // Session B goes on: two more frames in a later transaction, published again.
    ModelSession& b = model_.sessions[1];
    std::vector<FrameRow> added;
    {
        FrameWriter writer(path_, false, 0, WriterRole::Importer);
        writer.begin();
        for (const char* payload : {R"({"event":"user.online","payload":{"user_id":105}})", R"({"command":"ws_ping"})"}) {
            Message m;
            m.session = b.info.id;
            m.seq = static_cast<int64_t>(b.frames.size()) + 1;
            m.t_us = m.seq * 1000;
            m.wall_us = b.info.started_wall_us + m.t_us;
            m.payload = payload;
            m.size = m.payload.size();
            writer.write(m);
            b.frames.push_back(ModelFrame{m, std::nullopt});
            added.push_back(Model::rowOf(m));
        }
        writer.commit();
    }
    reader_.reset();
    reader_ = openReader(GetParam().publish(path_));
    const int64_t now = reader_->lastFrameId();
    EXPECT_GT(now, last);
    std::vector<FrameRow> fresh;
    reader_->framesBetween(last, now, {}, [&](const FrameRow& row) {
        fresh.push_back(row);
        return true;
    });
    ASSERT_EQ(fresh.size(), added.size());
    for (size_t i = 0; i < fresh.size(); ++i) {
        expectSameFrame(fresh[i], added[i]);
    }
    size_t none = 0;
    reader_->framesBetween(now, now, {}, [&](const FrameRow&) { return ++none > 0; });
    EXPECT_EQ(none, 0u);
}

TEST_P(ReaderContractTest, LocationNamesTheDatabaseAsGiven) {
    EXPECT_EQ(reader_->location(), db_);
}

INSTANTIATE_TEST_SUITE_P(Backends, ReaderContractTest, ::testing::ValuesIn(test::readerBackends()),
                         [](const ::testing::TestParamInfo<test::ReaderBackend>& info) { return info.param.name; });

}  // namespace
}  // namespace rtmtap
