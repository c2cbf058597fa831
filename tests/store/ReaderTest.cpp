// Reading a recorded database back, and refusing, in one line, anything that is not one.
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Schema.h"
#include "store/Recorder.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sys/stat.h>

namespace rtmtap {
namespace {

Message frame(int64_t session, int64_t seq, std::string payload) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.t_us = seq;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

void record(const std::string& path, int sessions, int framesEach) {
    RecorderOptions options;
    options.dbPath = path;
    Recorder recorder(options);
    for (int s = 1; s <= sessions; ++s) {
        SessionInfo info;
        info.id = s;
        info.client = "127.0.0.1:1";
        recorder.onSessionStart(info);
    }
    for (int i = 1; i <= framesEach; ++i) {
        for (int s = 1; s <= sessions; ++s) {
            recorder.onMessage(frame(s, i, std::string(static_cast<size_t>(s * 10), 'x')));
        }
    }
}

// The error a Reader gives for path; "" when it opens.
std::string openError(const std::string& path) {
    try {
        const std::unique_ptr<Reader> reader = openReader(path);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(ReaderTest, CountsFramesAndBytesPerSession) {
    test::TempDir dir;
    record(dir.file("r.db"), 3, 4);
    const std::unique_ptr<Reader> reader = openReader(dir.file("r.db"));
    std::vector<SessionRow> sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 3u);
    for (int s = 1; s <= 3; ++s) {
        EXPECT_EQ(sessions[s - 1].id, s);
        EXPECT_EQ(sessions[s - 1].frames, 4);
        EXPECT_EQ(sessions[s - 1].bytes, 4 * s * 10);
    }
    EXPECT_FALSE(reader->session(99));
}

TEST(ReaderTest, FramesStopWhenTheCallbackSaysSo) {
    test::TempDir dir;
    record(dir.file("r.db"), 1, 10);
    const std::unique_ptr<Reader> reader = openReader(dir.file("r.db"));
    std::vector<int64_t> seqs;
    reader->frames(1, [&](const FrameRow& row) {
        seqs.push_back(row.message.seq);
        return seqs.size() < 3;
    });
    EXPECT_EQ(seqs, (std::vector<int64_t>{1, 2, 3}));
    // The statement is reusable after stopping early.
    int all = 0;
    reader->frames(1, [&](const FrameRow&) { return ++all > 0; });
    EXPECT_EQ(all, 10);
}

TEST(ReaderTest, ReadsWhileTheRecorderIsWriting) {
    test::TempDir dir;
    RecorderOptions options;
    options.dbPath = dir.file("live.db");
    Recorder recorder(options);
    recorder.onMessage(frame(1, 1, "one"));
    recorder.flush();
    const std::unique_ptr<Reader> reader = openReader(dir.file("live.db"));
    int seen = 0;
    reader->frames(1, [&](const FrameRow&) { return ++seen > 0; });
    EXPECT_EQ(seen, 1);
    recorder.onMessage(frame(1, 2, "two"));
    recorder.flush();
    seen = 0;
    reader->frames(1, [&](const FrameRow&) { return ++seen > 0; });
    EXPECT_EQ(seen, 2);
}

TEST(ReaderTest, MissingFileIsAnErrorAndIsNotCreated) {
    test::TempDir dir;
    std::string error = openError(dir.file("nope.db"));
    EXPECT_NE(error.find("cannot open database"), std::string::npos) << error;
    EXPECT_NE(error.find("nope.db"), std::string::npos) << error;
    EXPECT_NE(error.find("no such file"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);
    struct stat st {};
    EXPECT_NE(::stat(dir.file("nope.db").c_str(), &st), 0);
}

TEST(ReaderTest, ForeignSqliteDatabaseIsRefused) {
    test::TempDir dir;
    {
        Database db(dir.file("other.db"), Database::Mode::ReadWriteCreate);
        db.exec("CREATE TABLE t(x)");
    }
    std::string error = openError(dir.file("other.db"));
    EXPECT_NE(error.find("is not an rtmtap database"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);

    // A versioned database without rtmtap's marker is refused too.
    {
        Database db(dir.file("versioned.db"), Database::Mode::ReadWriteCreate);
        db.exec("CREATE TABLE t(x); PRAGMA user_version = 1");
    }
    error = openError(dir.file("versioned.db"));
    EXPECT_NE(error.find("is not an rtmtap database"), std::string::npos) << error;
}

TEST(ReaderTest, EmptyFileIsNotAnRtmtapDatabase) {
    test::TempDir dir;
    std::ofstream(dir.file("empty.db")).close();
    std::string error = openError(dir.file("empty.db"));
    EXPECT_NE(error.find("is not an rtmtap database"), std::string::npos) << error;
}

TEST(ReaderTest, FileThatIsNotSqliteIsRefused) {
    test::TempDir dir;
    std::ofstream(dir.file("text.db")) << "this is not a database, it is a text file with enough bytes in it "
                                          "to look like a header and more besides, lorem ipsum dolor sit amet\n";
    std::string error = openError(dir.file("text.db"));
    EXPECT_NE(error.find("file is not a database"), std::string::npos) << error;
    EXPECT_NE(error.find("text.db"), std::string::npos) << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);
}

// A database the previous release wrote (schema version 4): the read commands must open it as
// they did, so the reader brings it up to date before its queries name the newer columns.
TEST(ReaderTest, AnOlderSchemaIsMigratedBeforeReading) {
    test::TempDir dir;
    const std::string path = dir.file("v4.db");
    record(path, 2, 3);
    {
        Database db(path, Database::Mode::ReadWrite);
        db.exec("DROP VIEW v_findings; DROP TABLE findings; DROP VIEW v_gaps; DROP TABLE gaps; DROP TABLE rule_counts; DROP VIEW v_sessions; DROP VIEW v_frames; ALTER TABLE frames DROP COLUMN edit_of; "
                "ALTER TABLE sessions DROP COLUMN replay_of; ALTER TABLE sessions DROP COLUMN derived_from; "
                "PRAGMA user_version = 4");
    }
    const std::unique_ptr<Reader> reader = openReader(path);
    std::vector<SessionRow> sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 2u);
    EXPECT_EQ(sessions[0].frames, 3);
    EXPECT_FALSE(sessions[0].replay_of);
    int n = 0;
    reader->frames(1, [&](const FrameRow&) { return ++n > 0; });
    EXPECT_EQ(n, 3);
    Database check(path, Database::Mode::ReadOnly);
    EXPECT_EQ(check.queryInt("PRAGMA user_version"), Schema::kVersion);
    EXPECT_EQ(check.queryInt("SELECT count(*) FROM v_frames WHERE edit_of IS NULL"), 6);
    EXPECT_EQ(check.queryInt("SELECT count(*) FROM rule_counts"), 0) << "version 8 made it";
    EXPECT_EQ(check.queryInt("SELECT count(*) FROM v_gaps"), 0) << "version 9 made it";
}

TEST(ReaderTest, NewerSchemaVersionIsRefused) {
    test::TempDir dir;
    record(dir.file("new.db"), 1, 1);
    {
        Database db(dir.file("new.db"), Database::Mode::ReadWriteCreate);
        db.exec("PRAGMA user_version = " + std::to_string(Schema::kVersion + 1));
    }
    std::string error = openError(dir.file("new.db"));
    EXPECT_NE(error.find("newer rtmtap (schema version " + std::to_string(Schema::kVersion + 1)), std::string::npos)
        << error;
    EXPECT_EQ(error.find('\n'), std::string::npos);
    RecorderOptions options;
    options.dbPath = dir.file("new.db");
    EXPECT_THROW(Recorder{options}, std::runtime_error);
}

}  // namespace
}  // namespace rtmtap
