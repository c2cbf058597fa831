// The findings table (schema version 11): written through the recorder's writer thread
// (Recorder::recordFindings) or a FrameWriter transaction, read back by Reader::findings, a
// source's rows of a session replaced as one, frames found by FrameFilter::findings through every
// search path, and a version-10 database migrated.
#include "store/Database.h"
#include "store/FrameWriter.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "store/Schema.h"
#include "tests/support/CraftedSession.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <string>
#include <utility>
#include <vector>

namespace rtmtap {
namespace {

constexpr int64_t kWallUs = 1'764'000'000'000'000;

Finding finding(int64_t session, int64_t seq, const std::string& rule, Severity severity) {
    Finding f;
    f.rule = rule;
    f.severity = severity;
    f.session = session;
    f.seq = seq;
    f.t_us = seq * 1000;
    f.wall_us = kWallUs + session * 1'000'000 + f.t_us;
    f.sentence = rule + " at " + std::to_string(seq);
    f.section = "airsend-rtm.md: Commands";
    return f;
}

FindingBatch batch(int64_t session, const char* source, std::vector<Finding> findings, bool replace = false) {
    FindingBatch b;
    b.session = session;
    b.source = source;
    b.replace = replace;
    b.findings = std::move(findings);
    return b;
}

// Sessions 1 and 2, three frames each (c2s, s2c, c2s), and findings: live ones on 1:1, 1:3 and
// the whole of session 1 (seq 0), a lint one on 2:3. The findings of session 1 come in before
// and after its frames are queued: the writer needs nothing of the frame.
void record(const std::string& path) {
    RecorderOptions options;
    options.dbPath = path;
    Recorder recorder(options);
    std::vector<test::CraftedSession> sessions;
    for (int64_t id : {1, 2}) {
        sessions.emplace_back(id, kWallUs + id * 1'000'000);
        sessions.back().client(R"({"command":"ws_nope"})").server(R"({"event":"pong"})").client(R"({"command":"ws_nope"})");
        SessionInfo info;
        info.id = id;
        info.started_wall_us = sessions.back().startWallUs();
        recorder.onSessionStart(info);
    }
    recorder.recordFindings(batch(1, FindingSource::Live, {finding(1, 1, "first-not-auth", Severity::Warn)}));
    for (const test::CraftedSession& session : sessions) {
        for (const Message& m : session.messages()) {
            recorder.onMessage(m);
        }
    }
    recorder.recordFindings(batch(1, FindingSource::Live,
                                  {finding(1, 3, "unknown-command", Severity::Error),
                                   finding(1, 0, "reconnect-storm", Severity::Info)}));
    recorder.recordFindings(batch(2, FindingSource::Lint, {finding(2, 3, "unknown-command", Severity::Error)}, true));
}

std::vector<std::string> describe(const std::vector<StoredFinding>& rows) {
    std::vector<std::string> out;
    for (const StoredFinding& r : rows) {
        out.push_back(std::to_string(r.finding.session) + ":" + std::to_string(r.finding.seq) + " " + r.finding.rule +
                      " " + toString(r.finding.severity) + " " + r.source);
    }
    return out;
}

std::vector<std::string> found(Reader& reader, FrameFilter filter, SearchOrder order = SearchOrder::Ascending) {
    std::vector<std::string> out;
    reader.query(filter, order, [&](const FrameRow& row) {
        out.push_back(std::to_string(row.message.session) + ":" + std::to_string(row.message.seq));
        return true;
    });
    return out;
}

using Strings = std::vector<std::string>;

TEST(FindingsTest, RecordedFindingsReadBackInFrameOrder) {
    test::TempDir dir;
    record(dir.file("f.db"));
    const std::unique_ptr<Reader> reader = openReader(dir.file("f.db"));
    EXPECT_EQ(describe(reader->findings(1)), (Strings{"1:1 first-not-auth warn live", "1:3 unknown-command error live",
                                                     "1:0 reconnect-storm info live"}));
    EXPECT_EQ(describe(reader->findings(2)), (Strings{"2:3 unknown-command error lint"}));
    EXPECT_TRUE(reader->findings(3).empty());
    std::vector<StoredFinding> rows = reader->findings(1);
    EXPECT_EQ(rows[1].finding.sentence, "unknown-command at 3");
    EXPECT_EQ(rows[1].finding.section, "airsend-rtm.md: Commands");
    EXPECT_EQ(rows[1].finding.t_us, 3000);
    EXPECT_EQ(rows[1].finding.wall_us, kWallUs + 1'003'000);
}

TEST(FindingsTest, ReplaceSwapsOneSourceOfOneSession) {
    test::TempDir dir;
    const std::string path = dir.file("f.db");
    record(path);
    {
        FrameWriter writer(path, false, 0, WriterRole::Importer);
        writer.begin();
        writer.write(batch(1, FindingSource::Lint, {finding(1, 2, "event-unknown", Severity::Info)}, true));
        writer.write(batch(2, FindingSource::Lint, {}, true));  // clean now: its lint rows go
        writer.commit();
    }
    const std::unique_ptr<Reader> reader = openReader(path);
    EXPECT_EQ(describe(reader->findings(1)),
              (Strings{"1:1 first-not-auth warn live", "1:2 event-unknown info lint", "1:3 unknown-command error live",
                       "1:0 reconnect-storm info live"}));
    EXPECT_TRUE(reader->findings(2).empty());
}

TEST(FindingsTest, AnUnknownSeverityReadsAsAnError) {
    test::TempDir dir;
    const std::string path = dir.file("f.db");
    record(path);
    {
        Database db(path, Database::Mode::ReadWrite);
        db.exec("UPDATE findings SET severity = 'fatal' WHERE session = 2");
    }
    const std::unique_ptr<Reader> reader = openReader(path);
    ASSERT_EQ(reader->findings(2).size(), 1u);
    EXPECT_EQ(reader->findings(2)[0].finding.severity, Severity::Error);
}

TEST(FindingsTest, QueryFindsTheFramesOfAFindingByRule) {
    test::TempDir dir;
    record(dir.file("f.db"));
    const std::unique_ptr<Reader> reader = openReader(dir.file("f.db"));
    FrameFilter filter;
    filter.findings = {"unknown-command"};
    EXPECT_EQ(found(*reader, filter), (Strings{"1:3", "2:3"}));
    EXPECT_EQ(found(*reader, filter, SearchOrder::Descending), (Strings{"2:3", "1:3"}));
    EXPECT_EQ(reader->count(filter), 2);
    filter.findings = {"*"};  // --finding any; the seq 0 finding is about no frame
    EXPECT_EQ(found(*reader, filter), (Strings{"1:1", "1:3", "2:3"}));
    filter.findings = {"first-*", "nothing-like-it"};
    EXPECT_EQ(found(*reader, filter), (Strings{"1:1"}));
    filter.findings = {"no-such-rule"};
    EXPECT_TRUE(found(*reader, filter).empty());
    EXPECT_EQ(reader->count(filter), 0);
}

TEST(FindingsTest, FindingsCombineWithTheOtherFilters) {
    test::TempDir dir;
    record(dir.file("f.db"));
    const std::unique_ptr<Reader> reader = openReader(dir.file("f.db"));
    FrameFilter filter;
    filter.findings = {"*"};
    filter.sessions = {2};  // one session: its own search path
    EXPECT_EQ(found(*reader, filter), (Strings{"2:3"}));
    filter.sessions = {1, 2};
    filter.commands = {"ws_nope"};
    filter.sinceUs = kWallUs + 1'002'000;
    EXPECT_EQ(found(*reader, filter), (Strings{"1:3", "2:3"}));
    filter.dirs = {Direction::ServerToClient};
    EXPECT_TRUE(found(*reader, filter).empty());
    // A follower's path (rtmtap tail): the same condition over a rowid range.
    FrameFilter follow;
    follow.findings = {"unknown-command"};
    std::vector<std::string> followed;
    reader->framesBetween(0, reader->lastFrameId(), follow, [&](const FrameRow& row) {
        followed.push_back(std::to_string(row.message.session) + ":" + std::to_string(row.message.seq));
        return true;
    });
    EXPECT_EQ(followed, (Strings{"1:3", "2:3"}));
}

// A database the previous release wrote (version 10, no findings table) opens for reading and
// for recording, and findings can be written and read at once.
TEST(FindingsTest, AVersion10DatabaseIsMigrated) {
    test::TempDir dir;
    const std::string path = dir.file("v10.db");
    record(path);
    {
        Database db(path, Database::Mode::ReadWrite);
        db.exec("DROP VIEW v_findings; DROP TABLE findings; PRAGMA user_version = 10");
    }
    {
        const std::unique_ptr<Reader> reader = openReader(path);
        EXPECT_TRUE(reader->findings(1).empty());
        EXPECT_EQ(reader->sessions().size(), 2u);
        FrameFilter filter;
        filter.findings = {"*"};
        EXPECT_TRUE(found(*reader, filter).empty());
    }
    {
        Database check(path, Database::Mode::ReadOnly);
        EXPECT_EQ(check.queryInt("PRAGMA user_version"), Schema::kVersion);
        EXPECT_EQ(check.queryInt("SELECT count(*) FROM sqlite_master WHERE name IN "
                                 "('findings', 'findings_by_rule', 'findings_by_session', 'v_findings')"),
                  4);
    }
    {
        Database db(path, Database::Mode::ReadWrite);
        db.exec("DROP VIEW v_findings; DROP TABLE findings; PRAGMA user_version = 10");
    }
    {
        RecorderOptions options;
        options.dbPath = path;
        Recorder recorder(options);
        recorder.recordFindings(batch(2, FindingSource::Live, {finding(2, 1, "first-not-auth", Severity::Warn)}));
    }
    const std::unique_ptr<Reader> reader = openReader(path);
    EXPECT_EQ(describe(reader->findings(2)), (Strings{"2:1 first-not-auth warn live"}));
    Database check(path, Database::Mode::ReadOnly);
    EXPECT_EQ(check.queryInt("SELECT count(*) FROM v_findings WHERE at = '2025-11-24T16:00:02.001Z'"), 1);
    EXPECT_EQ(check.queryInt("SELECT count(*) FROM frames"), 6) << "the frames survived the migrations";
}

}  // namespace
}  // namespace rtmtap
