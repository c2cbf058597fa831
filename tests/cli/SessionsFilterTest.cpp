// `rtmtap sessions` filters (--since, --user, --label), each alone and combined, its exit codes
// (0 listed, 1 none, 2 error) and --color, over a database written by store/SessionImporter.
#include "cli/SessionsCommand.h"
#include "store/SessionImporter.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <regex>
#include <sstream>

namespace rtmtap {
namespace {

using Poco::JSON::Array;
using Poco::JSON::Object;
using test::ExitStatus;
using test::Process;
using test::RunResult;

constexpr int64_t kHour = 3'600'000'000;
constexpr int64_t kNine = 1'795'597'200'000'000;  // 2026-11-25T09:00:00Z

struct Listed {
    int code = -1;
    std::vector<int64_t> ids;
    std::string out, err;
};

class SessionsFilterTest : public ::testing::Test {
protected:
    // 1: 09:00, user 42, no label, closed normally
    // 2: 10:00, user 7, "bug 7", dropped with an error
    // 3: 11:00, user 43, "bug 12", still open
    // 4: 12:00, no user, "release [1]" (glob characters in the label itself), closed normally
    void SetUp() override {
        SessionImporter importer(db_);
        add(importer, 0, 42, "", end(1000, "client", ""));
        add(importer, 1, 7, "bug 7", end(1006, "server", "connection reset"));
        add(importer, 2, 43, "bug 12", std::nullopt);
        add(importer, 3, std::nullopt, "release [1]", end(1000, "server", ""));
        ASSERT_EQ(importer.commit(), (std::vector<int64_t>{1, 2, 3, 4}));
    }

    static std::optional<SessionEnd> end(int code, const std::string& by, const std::string& error) {
        SessionEnd e;
        e.close_code = code;
        e.closed_by = by;
        e.error = error;
        return e;
    }

    static void add(SessionImporter& importer, int hours, std::optional<int64_t> user, const std::string& label,
                    std::optional<SessionEnd> sessionEnd) {
        ImportedSession s;
        s.info.started_wall_us = kNine + hours * kHour;
        s.info.client = "file";
        s.info.path = "/rtm";
        s.label = label;
        if (sessionEnd) {
            sessionEnd->ended_wall_us = s.info.started_wall_us + 5'000'000;
            sessionEnd->duration_us = 5'000'000;
            s.end = sessionEnd;
        }
        importer.beginSession(s);
        if (user) {
            Message m;
            m.op = Opcode::Text;
            m.t_us = 1000;
            m.wall_us = s.info.started_wall_us + 1000;
            m.payload = R"({"command":"ws_auth","auth_token":")" +
                        test::makeJwt(R"({"user_id":)" + std::to_string(*user) + "}") + "\"}";
            m.size = m.payload.size();
            importer.addFrame(std::move(m));
        }
    }

    cli::SessionsOptions options() const {
        cli::SessionsOptions o;
        o.db = db_;
        o.json = true;
        return o;
    }

    static Listed list(const cli::SessionsOptions& o) {
        Listed l;
        std::ostringstream out, err;
        l.code = cli::runSessions(o, out, err);
        l.out = out.str();
        l.err = err.str();
        if (o.json) {
            Array::Ptr rows = Poco::JSON::Parser().parse(l.out).extract<Array::Ptr>();
            for (size_t i = 0; i < rows->size(); ++i) {
                l.ids.push_back(rows->getObject(i)->getValue<int64_t>("id"));
            }
        }
        return l;
    }

    static std::vector<int64_t> ids(const cli::SessionsOptions& o) { return list(o).ids; }

    RunResult run(std::vector<std::string> args) const {
        args.insert(args.begin(), {"sessions", "--db", db_});
        return Process::capture(args);
    }

    static void expectExit(const RunResult& r, int code) {
        EXPECT_TRUE(r.status.exited && r.status.code == code) << r.status.describe() << "\n" << r.err;
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("sessions.db");
};

using Ids = std::vector<int64_t>;

TEST_F(SessionsFilterTest, NoFilterListsEverySessionWithItsLabel) {
    Listed l = list(options());
    EXPECT_EQ(l.code, 0);
    EXPECT_EQ(l.ids, (Ids{1, 2, 3, 4}));
    Array::Ptr rows = Poco::JSON::Parser().parse(l.out).extract<Array::Ptr>();
    EXPECT_TRUE(rows->getObject(0)->has("label"));
    EXPECT_TRUE(rows->getObject(0)->isNull("label"));
    EXPECT_EQ(rows->getObject(1)->getValue<std::string>("label"), "bug 7");
    EXPECT_EQ(rows->getObject(3)->getValue<std::string>("label"), "release [1]");
    EXPECT_EQ(rows->getObject(0)->getValue<int64_t>("user_id"), 42);
    EXPECT_EQ(l.err, "");
}

TEST_F(SessionsFilterTest, SinceKeepsSessionsStartedAtOrAfter) {
    cli::SessionsOptions o = options();
    o.sinceUs = kNine + kHour;  // exactly session 2's start
    EXPECT_EQ(ids(o), (Ids{2, 3, 4}));
    o.sinceUs = kNine + kHour + 1;
    EXPECT_EQ(ids(o), (Ids{3, 4}));
    o.sinceUs = kNine - 1;
    EXPECT_EQ(ids(o), (Ids{1, 2, 3, 4}));
    o.sinceUs = kNine + 4 * kHour;
    Listed none = list(o);
    EXPECT_EQ(none.code, 1);
    EXPECT_TRUE(none.ids.empty());
    EXPECT_EQ(none.out, "[]\n");
}

TEST_F(SessionsFilterTest, UsersAreOredAndUnknownUsersNeverMatch) {
    cli::SessionsOptions o = options();
    o.users = {42};
    EXPECT_EQ(ids(o), (Ids{1}));
    o.users = {42, 43};
    EXPECT_EQ(ids(o), (Ids{1, 3}));
    o.users = {43, 7, 42};
    EXPECT_EQ(ids(o), (Ids{1, 2, 3}));
    o.users = {999};
    EXPECT_EQ(list(o).code, 1);
}

TEST_F(SessionsFilterTest, LabelsMatchExactlyOrAsGlobs) {
    cli::SessionsOptions o = options();
    o.labels = {"bug 7"};
    EXPECT_EQ(ids(o), (Ids{2}));
    o.labels = {"bug *"};
    EXPECT_EQ(ids(o), (Ids{2, 3}));
    o.labels = {"bug ?"};
    EXPECT_EQ(ids(o), (Ids{2}));
    o.labels = {"release [1]"};  // a label holding glob characters finds itself
    EXPECT_EQ(ids(o), (Ids{4}));
    o.labels = {"release*", "bug 7"};
    EXPECT_EQ(ids(o), (Ids{2, 4}));
    o.labels = {"*"};  // any label, but not the unlabelled session
    EXPECT_EQ(ids(o), (Ids{2, 3, 4}));
    o.labels = {"bug"};
    EXPECT_EQ(list(o).code, 1);
    o.labels = {"BUG 7"};  // case matters
    EXPECT_EQ(list(o).code, 1);
}

TEST_F(SessionsFilterTest, DifferentFiltersAreAnded) {
    cli::SessionsOptions o = options();
    o.users = {42, 43};
    o.labels = {"bug *"};
    EXPECT_EQ(ids(o), (Ids{3}));
    o.labels.clear();
    o.sinceUs = kNine + kHour;
    EXPECT_EQ(ids(o), (Ids{3}));
    o.labels = {"bug 7"};
    EXPECT_EQ(list(o).code, 1);  // bug 7 is user 7's
    o.users = {7};
    o.sinceUs = kNine;
    EXPECT_EQ(ids(o), (Ids{2}));
}

TEST_F(SessionsFilterTest, NothingListedExitsOneWithALineOnStderr) {
    cli::SessionsOptions o = options();
    o.json = false;
    o.users = {999};
    Listed filtered = list(o);
    EXPECT_EQ(filtered.code, 1);
    EXPECT_EQ(filtered.out, "");
    EXPECT_EQ(filtered.err, "rtmtap: no session in '" + db_ + "' matches the filters (4 recorded)\n");

    const std::string empty = dir_.file("empty.db");
    SessionImporter(empty).commit();
    o = options();
    o.db = empty;
    EXPECT_EQ(list(o).code, 1);  // an empty database matches nothing either
    EXPECT_EQ(list(o).out, "[]\n");
    o.json = false;
    Listed readable = list(o);
    EXPECT_EQ(readable.code, 1);
    EXPECT_EQ(readable.err, "rtmtap: no sessions recorded in '" + empty + "'\n");
}

TEST_F(SessionsFilterTest, LabelColumnOnlyWhenAListedSessionHasOne) {
    cli::SessionsOptions o = options();
    o.json = false;
    Listed all = list(o);
    ASSERT_EQ(all.code, 0);
    EXPECT_EQ(all.out.rfind("ID  LABEL ", 0), 0u) << all.out;
    EXPECT_NE(all.out.find("release [1]"), std::string::npos);
    o.users = {42};
    Listed plain = list(o);
    ASSERT_EQ(plain.code, 0);
    EXPECT_EQ(plain.out.find("LABEL"), std::string::npos) << plain.out;
    EXPECT_EQ(plain.out.rfind("ID  STARTED ", 0), 0u) << plain.out;
}

TEST_F(SessionsFilterTest, CommandLineFiltersAndExitCodes) {
    RunResult since = run({"--json", "--since", "2026-11-25T11:00:00+01:00"});  // 10:00Z
    expectExit(since, 0);
    EXPECT_NE(since.out.find("\"id\":2"), std::string::npos);
    EXPECT_EQ(since.out.find("\"id\":1"), std::string::npos);

    RunResult combined = run({"--json", "--user", "43", "--user", "7", "--label", "bug 1*", "--since", "@1795597200"});
    expectExit(combined, 0);
    Array::Ptr rows = Poco::JSON::Parser().parse(combined.out).extract<Array::Ptr>();
    ASSERT_EQ(rows->size(), 1u) << combined.out;
    EXPECT_EQ(rows->getObject(0)->getValue<int64_t>("id"), 3);

    expectExit(run({"--label", "no such label"}), 1);
    expectExit(run({"--since", "2026-11-25T12:00:00.000001Z"}), 1);  // a µs after the last start
    expectExit(run({"--since", "2026-11-25T12:00:00Z"}), 0);
}

TEST_F(SessionsFilterTest, BadArgumentsAreUsageErrors) {
    RunResult bad = run({"--since", "10x"});
    expectExit(bad, 2);
    EXPECT_EQ(bad.out, "");
    EXPECT_NE(bad.err.find("invalid time '10x': expected an ISO 8601 time (2026-11-25T10:00:00Z) or a span such as 10m"),
              std::string::npos)
        << bad.err;
    RunResult feb = run({"--since", "2026-02-30"});
    expectExit(feb, 2);
    EXPECT_NE(feb.err.find("day 30 is not in 2026-02"), std::string::npos) << feb.err;
    expectExit(run({"--since", ""}), 2);
    expectExit(run({"--user", "abc"}), 2);
    expectExit(run({"--color", "sometimes"}), 2);
    expectExit(run({"--db", dir_.file("missing.db")}), 2);
}

// The colour codes removed, what is left: coloured and plain tables must line up the same.
std::string withoutSgr(const std::string& text) {
    return std::regex_replace(text, std::regex("\x1b\\[[0-9;]*m"), "");
}

TEST_F(SessionsFilterTest, ColorAlwaysColoursTheTableAndNeverOrAPipeDoesNot) {
    RunResult always = run({"--color=always"});
    expectExit(always, 0);
    EXPECT_NE(always.out.find("\x1b["), std::string::npos);
    EXPECT_EQ(always.out.rfind("\x1b[1mID\x1b[0m", 0), 0u) << always.out;  // bold header
    EXPECT_NE(always.out.find("\x1b[31m1006 by server: connection reset\x1b[0m"), std::string::npos) << always.out;
    EXPECT_EQ(always.out.find("\x1b[31m1000"), std::string::npos) << "a normal close is not red";
    EXPECT_EQ(always.out.find("\x1b[31mopen"), std::string::npos) << "an open session is not red";
    EXPECT_NE(always.out.find("\x1b[2m5.0s\x1b[0m"), std::string::npos) << always.out;  // dim duration

    RunResult never = run({"--color=never"});
    expectExit(never, 0);
    EXPECT_EQ(never.out.find('\x1b'), std::string::npos);
    RunResult piped = run({});  // auto: stdout is a pipe here
    expectExit(piped, 0);
    EXPECT_EQ(piped.out.find('\x1b'), std::string::npos);
    EXPECT_EQ(piped.out, never.out);
    EXPECT_EQ(withoutSgr(always.out), never.out);

    RunResult json = run({"--json", "--color=always"});
    expectExit(json, 0);
    EXPECT_EQ(json.out.find('\x1b'), std::string::npos) << "JSON is never coloured";
}

}  // namespace
}  // namespace rtmtap
