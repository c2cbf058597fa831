// `rtmtap sessions` and `rtmtap show` on a database filled through the Recorder: the built
// binary is run as a user would, and its JSON must parse and carry the recorded bytes exactly.
#include "cli/SessionsCommand.h"
#include "cli/ShowCommand.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "tests/support/Files.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"

#include <Poco/Base64Decoder.h>
#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <cstdio>
#include <fstream>
#include <regex>
#include <sstream>
#include <sys/stat.h>
#include <sys/wait.h>

namespace rtmtap {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;

struct RunResult {
    int status = -1;
    std::string out;
    std::string err;
};

using test::base64Url;
using test::modeOf;
using test::slurp;
using test::spit;

std::string fromBase64(const std::string& text) {
    std::istringstream in(text);
    Poco::Base64Decoder decoder(in);
    std::ostringstream out;
    out << decoder.rdbuf();
    return out.str();
}

Message frame(int64_t seq, Opcode op, std::string payload, Direction dir = Direction::ClientToServer) {
    Message m;
    m.session = 1;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = seq * 1500;
    m.fwd_us = seq == 3 ? -1 : seq * 1500 + 20;
    m.wall_us = 1'764'000'000'000'000 + seq * 1500;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

class ReadCommandsTest : public ::testing::Test {
protected:
    void SetUp() override {
        db_ = dir_.file("cli.db");
        RecorderOptions options;
        options.dbPath = db_;
        Recorder recorder(options);
        SessionInfo info;
        info.id = 1;
        info.started_wall_us = 1'764'000'000'000'000;
        info.client = "127.0.0.1:40000";
        info.upstream = "ws://127.0.0.1:9001/ws";
        info.path = "/ws";
        info.headers = {{"Authorization", "Bearer secret"}};
        recorder.onSessionStart(info);
        std::string claims = R"({"user_id":42,"user_name":"Bob \"B\" Example","user_agent":"agent/1"})";
        token_ = base64Url(R"({"alg":"HS256"})") + "." + base64Url(claims) + ".c2ln";
        for (const Message& m : frames()) {
            recorder.onMessage(m);
        }
        SessionEnd end;
        end.id = 1;
        end.ended_wall_us = 1'764'000'002'000'000;
        end.duration_us = 2'000'000;
        end.close_code = 1000;
        end.close_reason = "";
        end.closed_by = "server";
        recorder.onSessionEnd(end);
        SessionInfo open;
        open.id = 2;
        open.started_wall_us = 1'764'000'003'000'000;
        open.client = "127.0.0.1:40001";
        recorder.onSessionStart(open);
    }

    std::vector<Message> frames() const {
        return {
            frame(1, Opcode::Text, R"({"command":"ws_auth","auth_token":")" + token_ + "\"}"),
            frame(2, Opcode::Text, "{\"event\":\"chat.postMessage\",\"payload\":{\"message\":{\"channel_id\":7,"
                                   "\"content\":\"h\xc3\xa9llo\\n\"}}}",
                  Direction::ServerToClient),
            frame(3, Opcode::Text, std::string("nul\0\xe2\x80\xae\x1b[31m\ttab", 16)),
            frame(4, Opcode::Text, "bad \xff utf8"),
            frame(5, Opcode::Binary, std::string("\x00\x01\x02\xfe\xff", 5), Direction::ServerToClient),
            frame(6, Opcode::Ping, ""),
            frame(7, Opcode::Text, std::string(500, 'w')),
            frame(8, Opcode::Close, std::string("\x03\xe8", 2), Direction::ServerToClient),
        };
    }

    RunResult run(const std::string& args, const std::string& env = "") const {
        std::string errFile = dir_.file("stderr.txt");
        std::string command = env + " " + RTMTAP_BINARY + " " + args + " 2>" + errFile;
        RunResult result;
        FILE* pipe = ::popen(command.c_str(), "r");
        if (!pipe) {
            return result;
        }
        char buf[4096];
        size_t n = 0;
        while ((n = std::fread(buf, 1, sizeof buf, pipe)) > 0) {
            result.out.append(buf, n);
        }
        int status = ::pclose(pipe);
        result.status = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
        result.err = slurp(errFile);
        return result;
    }

    static Object::Ptr parseObject(const std::string& line) {
        Poco::JSON::Parser parser;
        return parser.parse(line).extract<Object::Ptr>();
    }

    test::TempDir dir_;
    std::string db_;
    std::string token_;
};

TEST_F(ReadCommandsTest, SessionsJsonHasTheContractFields) {
    RunResult r = run("sessions --json --db " + db_);
    ASSERT_EQ(r.status, 0) << r.err;
    Poco::JSON::Parser parser;
    Array::Ptr sessions = parser.parse(r.out).extract<Array::Ptr>();
    ASSERT_EQ(sessions->size(), 2u);
    Object::Ptr first = sessions->getObject(0);
    EXPECT_EQ(first->getValue<int>("id"), 1);
    EXPECT_EQ(first->getValue<std::string>("started_at"), "2025-11-24T16:00:00.000000Z");
    EXPECT_EQ(first->getValue<std::string>("ended_at"), "2025-11-24T16:00:02.000000Z");
    EXPECT_EQ(first->getValue<std::string>("client"), "127.0.0.1:40000");
    EXPECT_EQ(first->getValue<std::string>("upstream"), "ws://127.0.0.1:9001/ws");
    EXPECT_EQ(first->getValue<std::string>("path"), "/ws");
    EXPECT_EQ(first->getValue<int>("user_id"), 42);
    EXPECT_EQ(first->getValue<std::string>("user_name"), "Bob \"B\" Example");
    EXPECT_EQ(first->getValue<std::string>("user_agent"), "agent/1");
    EXPECT_EQ(first->getValue<int>("frames"), 8);
    EXPECT_GT(first->getValue<int>("bytes"), 500);
    EXPECT_EQ(first->getValue<int>("close_code"), 1000);
    EXPECT_EQ(first->getValue<std::string>("close_reason"), "");
    EXPECT_EQ(first->getValue<std::string>("closed_by"), "server");
    EXPECT_TRUE(first->isNull("error"));
    EXPECT_EQ(first->getValue<int>("http_status"), 101);
    EXPECT_TRUE(first->isNull("subprotocol"));
    EXPECT_EQ(first->getValue<int64_t>("duration_us"), 2'000'000);
    EXPECT_EQ(first->getObject("headers")->getValue<std::string>("Authorization"), "[redacted]");

    Object::Ptr open = sessions->getObject(1);
    for (const char* field : {"ended_at", "user_id", "user_name", "user_agent", "close_code", "close_reason",
                              "closed_by", "error", "duration_us"}) {
        EXPECT_TRUE(open->has(field)) << field;
        EXPECT_TRUE(open->isNull(field)) << field;
    }
    EXPECT_EQ(open->getValue<int>("frames"), 0);
    EXPECT_EQ(open->getValue<int>("bytes"), 0);
}

TEST_F(ReadCommandsTest, ShowJsonlCarriesEveryFrameExactly) {
    RunResult r = run("show 1 --jsonl --db " + db_);
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    std::vector<Object::Ptr> objects;
    while (std::getline(lines, line)) {
        objects.push_back(parseObject(line));
    }
    std::vector<Message> sent = frames();
    ASSERT_EQ(objects.size(), sent.size());
    for (size_t i = 0; i < sent.size(); ++i) {
        const Object::Ptr& o = objects[i];
        const Message& m = sent[i];
        SCOPED_TRACE("seq " + std::to_string(m.seq));
        EXPECT_EQ(o->getValue<int>("session"), 1);
        EXPECT_EQ(o->getValue<int64_t>("seq"), m.seq);
        EXPECT_EQ(o->getValue<int64_t>("t_us"), m.t_us);
        EXPECT_EQ(o->getValue<int64_t>("wall_us"), m.wall_us);
        EXPECT_EQ(o->getValue<std::string>("dir"), toString(m.dir));
        EXPECT_EQ(o->getValue<std::string>("op"), toString(m.op));
        EXPECT_EQ(o->getValue<uint64_t>("size"), m.size);
        EXPECT_TRUE(o->getArray("flags"));
        for (const char* field : {"kind", "name", "channel_id", "message_id", "user_id", "fwd_us", "data"}) {
            EXPECT_TRUE(o->has(field)) << field;
        }
    }
    // ws_auth: stored redacted, so data is the redacted text.
    std::string redacted = R"({"command":"ws_auth","auth_token":")" + token_.substr(0, token_.rfind('.') + 1) + "\"}";
    EXPECT_EQ(objects[0]->getValue<std::string>("data"), redacted);
    EXPECT_EQ(objects[0]->getValue<std::string>("kind"), "command");
    EXPECT_EQ(objects[0]->getValue<std::string>("name"), "ws_auth");
    EXPECT_EQ(objects[0]->getArray("flags")->getElement<std::string>(0), "redacted");
    EXPECT_EQ(objects[1]->getValue<std::string>("data"), sent[1].payload);
    EXPECT_EQ(objects[1]->getValue<std::string>("kind"), "event");
    EXPECT_EQ(objects[1]->getValue<int>("channel_id"), 7);
    EXPECT_EQ(objects[2]->getValue<std::string>("data"), sent[2].payload);  // NUL and ESC survive
    EXPECT_TRUE(objects[2]->isNull("fwd_us"));
    EXPECT_TRUE(objects[2]->isNull("name"));
    // Invalid UTF-8 text and binary come as base64 of the exact bytes.
    EXPECT_EQ(fromBase64(objects[3]->getObject("data")->getValue<std::string>("base64")), sent[3].payload);
    EXPECT_EQ(objects[3]->getArray("flags")->size(), 2u);  // malformed, invalid_utf8
    EXPECT_EQ(fromBase64(objects[4]->getObject("data")->getValue<std::string>("base64")), sent[4].payload);
    EXPECT_EQ(objects[5]->getValue<std::string>("kind"), "control");
    EXPECT_EQ(objects[5]->getObject("data")->getValue<std::string>("base64"), "");
    EXPECT_EQ(fromBase64(objects[7]->getObject("data")->getValue<std::string>("base64")), sent[7].payload);
}

TEST_F(ReadCommandsTest, OutputIsValidJsonForPython) {
    if (std::system("command -v python3 >/dev/null 2>&1") != 0) {
        GTEST_SKIP() << "python3 is not installed";
    }
    RunResult sessions = run("sessions --json --db " + db_);
    std::ofstream(dir_.file("sessions.json")) << sessions.out;
    EXPECT_EQ(std::system(("python3 -m json.tool " + dir_.file("sessions.json") + " >/dev/null").c_str()), 0);
    RunResult show = run("show 1 --jsonl --db " + db_);
    std::ofstream(dir_.file("show.jsonl")) << show.out;
    std::string check = "python3 -c 'import json,sys\nfor l in open(sys.argv[1]): json.loads(l)' " + dir_.file("show.jsonl");
    EXPECT_EQ(std::system(check.c_str()), 0);
}

TEST_F(ReadCommandsTest, HumanOutputIsOneSafeLinePerFrame) {
    RunResult r = run("show 1 --db " + db_, "COLUMNS=100");
    ASSERT_EQ(r.status, 0) << r.err;
    std::istringstream lines(r.out);
    std::string line;
    int count = 0;
    while (std::getline(lines, line)) {
        ++count;
        size_t columns = 0;
        for (unsigned char c : line) {
            EXPECT_TRUE(c >= 0x20 && c != 0x7f) << "raw control byte in: " << line;
            columns += (c & 0xc0) != 0x80 ? 1 : 0;
        }
        EXPECT_LE(columns, 100u) << line;
    }
    EXPECT_EQ(count, 1 + 8);  // a header line, then one line a frame
    EXPECT_NE(r.out.find("ws_auth"), std::string::npos);
    EXPECT_NE(r.out.find("->"), std::string::npos);
    EXPECT_NE(r.out.find("<-"), std::string::npos);
    EXPECT_NE(r.out.find("\\x1b[31m"), std::string::npos);  // the escape sequence is shown, not run
    EXPECT_NE(r.out.find("\\xe2\\x80\\xae"), std::string::npos);  // so is a bidi override
    EXPECT_NE(r.out.find("code 1000"), std::string::npos);
    EXPECT_NE(r.out.find("[redacted]"), std::string::npos);
    EXPECT_NE(r.out.find("…"), std::string::npos);  // the 500-byte frame is cut

    RunResult table = run("sessions --db " + db_);
    ASSERT_EQ(table.status, 0) << table.err;
    EXPECT_NE(table.out.find("Bob \"B\" Example (42)"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("1000 by server"), std::string::npos) << table.out;
    EXPECT_NE(table.out.find("open"), std::string::npos) << table.out;
}

TEST_F(ReadCommandsTest, DbComesFromTheEnvironmentByDefault) {
    RunResult r = run("sessions --json", "RTMTAP_DB=" + db_);
    ASSERT_EQ(r.status, 0) << r.err;
    EXPECT_NE(r.out.find("\"id\":2"), std::string::npos);
}

TEST_F(ReadCommandsTest, UnknownSessionExitsTwoWithOneLine) {
    RunResult r = run("show 99 --db " + db_);
    EXPECT_EQ(r.status, 2);
    EXPECT_EQ(r.out, "");
    EXPECT_NE(r.err.find("no session 99 in"), std::string::npos) << r.err;
    EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1);
}

TEST_F(ReadCommandsTest, UnopenableDatabaseExitsTwoWithOneLine) {
    std::string missing = dir_.file("missing.db");
    for (const std::string& args : {"sessions --db " + missing, "show 1 --jsonl --db " + missing}) {
        RunResult r = run(args);
        EXPECT_EQ(r.status, 2) << args;
        EXPECT_NE(r.err.find("rtmtap: cannot open database '" + missing + "'"), std::string::npos) << r.err;
        EXPECT_EQ(std::count(r.err.begin(), r.err.end(), '\n'), 1) << r.err;
    }
    struct stat st {};
    EXPECT_NE(::stat(missing.c_str(), &st), 0);  // reading never creates a database
    std::ofstream(dir_.file("junk.db")) << std::string(4096, 'j');
    RunResult junk = run("sessions --json --db " + dir_.file("junk.db"));
    EXPECT_EQ(junk.status, 2);
    EXPECT_NE(junk.err.find("file is not a database"), std::string::npos) << junk.err;
}

TEST_F(ReadCommandsTest, RunFunctionsWorkWithoutTheBinary) {
    cli::ShowOptions show;
    show.db = db_;
    show.session = 1;
    show.width = 60;
    std::ostringstream out;
    std::ostringstream err;
    EXPECT_EQ(cli::runShow(show, out, err), 0);
    EXPECT_NE(out.str().find("chat.postMessage"), std::string::npos);
    cli::SessionsOptions sessions;
    sessions.db = db_;
    sessions.json = true;
    std::ostringstream json;
    EXPECT_EQ(cli::runSessions(sessions, json, err), 0);
    Poco::JSON::Parser parser;
    EXPECT_EQ(parser.parse(json.str()).extract<Array::Ptr>()->size(), 2u);
    EXPECT_EQ(err.str(), "");
}

}  // namespace
}  // namespace rtmtap
