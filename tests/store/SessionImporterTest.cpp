// The importer writes whole sessions through the recorder's FrameWriter: new ids after the
// existing ones, seq 1..N, the same classification, and nothing at all unless committed.
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Schema.h"
#include "store/SessionImporter.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

ImportedSession session(const std::string& label) {
    ImportedSession s;
    s.info.started_wall_us = 1'764'000'000'000'000;
    s.info.client = "file";
    s.info.upstream = "ws://h/rtm";
    s.info.path = "/rtm";
    s.info.headers = {{"Cookie", "secret"}, {"Host", "h"}};
    s.label = label;
    return s;
}

Message text(int64_t t, std::string payload) {
    Message m;
    m.session = 99;  // ignored: the importer sets session and seq
    m.seq = 99;
    m.op = Opcode::Text;
    m.t_us = t;
    m.wall_us = 1'764'000'000'000'000 + t;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

int64_t query(const std::string& db, const std::string& sql) {
    Database d(db, Database::Mode::ReadOnly);
    return d.queryInt(sql);
}

TEST(SessionImporterTest, WritesSessionsAfterTheExistingOnesAndClassifies) {
    test::TempDir dir;
    const std::string db = dir.file("i.db");
    {
        SessionImporter first(db);
        first.beginSession(session(""));
        first.addFrame(text(1, "{}"));
        first.commit();
    }
    SessionImporter importer(db);
    EXPECT_EQ(importer.beginSession(session("bug 7")), 2);
    importer.addFrame(text(10, R"({"event":"chat.postMessage","payload":{"message":{"id":5,"channel_id":11}}})"));
    importer.addFrame(text(20, "nope"));
    SessionEnd end;
    end.ended_wall_us = 1'764'000'000'100'000;
    end.close_code = 1000;
    ImportedSession ended = session("");
    ended.end = end;
    EXPECT_EQ(importer.beginSession(ended), 3);
    importer.addFrame(text(5, "[1]"));
    EXPECT_EQ(importer.commit(), (std::vector<int64_t>{2, 3}));
    EXPECT_EQ(importer.framesAdded(), 3);

    const std::unique_ptr<Reader> reader = openReader(db);
    std::vector<FrameRow> frames;
    reader->frames(2, [&](const FrameRow& f) {
        frames.push_back(f);
        return true;
    });
    ASSERT_EQ(frames.size(), 2u);
    EXPECT_EQ(frames[0].message.seq, 1);
    EXPECT_EQ(frames[1].message.seq, 2);
    EXPECT_EQ(frames[0].name, "chat.postMessage");
    EXPECT_EQ(frames[0].channel_id, std::optional<int64_t>(11));
    EXPECT_TRUE(frames[1].message.flags & MessageFlag::Malformed);
    std::optional<SessionRow> two = reader->session(2);
    ASSERT_TRUE(two);
    EXPECT_EQ(two->headers_json, R"({"Cookie":"[redacted]","Host":"h"})");
    EXPECT_FALSE(two->ended_wall_us);
    EXPECT_EQ(reader->session(3)->close_code, std::optional<int>(1000));
    EXPECT_EQ(query(db, "SELECT count(*) FROM sessions WHERE id = 2 AND label = 'bug 7'"), 1);
    EXPECT_EQ(query(db, "SELECT count(*) FROM sessions WHERE id = 3 AND label IS NULL"), 1);
    EXPECT_EQ(query(db, "PRAGMA user_version"), Schema::kVersion);
}

TEST(SessionImporterTest, NothingIsWrittenWithoutCommit) {
    test::TempDir dir;
    const std::string db = dir.file("i.db");
    {
        SessionImporter importer(db);
        importer.beginSession(session("x"));
        importer.addFrame(text(1, R"({"event":"brand.new.name"})"));
    }
    EXPECT_EQ(query(db, "SELECT count(*) FROM sessions"), 0);
    EXPECT_EQ(query(db, "SELECT count(*) FROM frames"), 0);
    EXPECT_EQ(query(db, "SELECT count(*) FROM names"), 0);
    SessionImporter again(db);
    EXPECT_EQ(again.beginSession(session("")), 1);  // the rolled-back id is free again
}

TEST(SessionImporterTest, ASessionDerivedFromAnotherNamesIt) {
    test::TempDir dir;
    const std::string db = dir.file("d.db");
    SessionImporter importer(db);
    const int64_t original = importer.beginSession(session(""));
    ImportedSession edited = session("");
    edited.info.derived_from = original;
    const int64_t derived = importer.beginSession(edited);
    importer.commit();
    const std::unique_ptr<Reader> reader = openReader(db);
    EXPECT_FALSE(reader->session(original)->derived_from);
    EXPECT_EQ(reader->session(derived)->derived_from, original);
    EXPECT_EQ(query(db, "SELECT count(*) FROM v_sessions WHERE derived_from = " + std::to_string(original)), 1);
}

TEST(SessionImporterTest, MigratesAVersion2DatabaseAddingTheLabelColumn) {
    test::TempDir dir;
    const std::string db = dir.file("old.db");
    {
        SessionImporter importer(db);
        importer.commit();
    }
    {
        Database d(db, Database::Mode::ReadWriteCreate);
        // Back to what version 2 looked like.
        d.exec("DROP TABLE frame_blocks; DROP TABLE frames_fts; DELETE FROM meta WHERE key = 'text_indexed_upto'; "
               "DROP VIEW v_findings; DROP TABLE findings; DROP VIEW v_gaps; DROP TABLE gaps; DROP TABLE rule_counts; DROP VIEW v_sessions; DROP VIEW v_frames; ALTER TABLE frames DROP COLUMN edit_of; "
               "ALTER TABLE sessions DROP COLUMN label; ALTER TABLE sessions DROP COLUMN replay_of; "
               "ALTER TABLE sessions DROP COLUMN derived_from; "
               "PRAGMA user_version = 2");
    }
    SessionImporter importer(db);
    importer.beginSession(session("after migration"));
    importer.commit();
    EXPECT_EQ(query(db, "SELECT count(*) FROM sessions WHERE label = 'after migration'"), 1);
    EXPECT_EQ(query(db, "PRAGMA user_version"), Schema::kVersion);
}

}  // namespace
}  // namespace rtmtap
