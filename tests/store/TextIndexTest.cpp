// The full-text index is built after the fact: an import leaves it behind, catchUp completes it,
// and a recorder completes it on its own when its queue is idle.
#include "store/Database.h"
#include "store/Reader.h"
#include "store/Recorder.h"
#include "store/SessionImporter.h"
#include "store/TextIndex.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace rtmtap {
namespace {

Message text(std::string payload, int64_t session = 0, int64_t seq = 0) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.op = Opcode::Text;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

int64_t lagOf(const std::string& path) {
    Database db(path, Database::Mode::ReadOnly);
    return TextIndex::lag(db);
}

int64_t ftsHits(const std::string& path, const std::string& match) {
    Database db(path, Database::Mode::ReadOnly);
    return db.queryInt("SELECT count(*) FROM frames_fts WHERE frames_fts MATCH '" + match + "'");
}

TEST(TextIndexTest, AnImportLeavesTheIndexBehindAndCatchUpCompletesIt) {
    test::TempDir dir;
    const std::string path = dir.file("t.db");
    {
        SessionImporter importer(path);
        importer.beginSession(ImportedSession{});
        for (int i = 0; i < 120; ++i) {
            importer.addFrame(text(R"({"event":"chat.postMessage","content":"word)" + std::to_string(i % 3) + R"("})"));
        }
        importer.addFrame(text("bad \xff utf8 word0"));  // not indexed: not UTF-8
        importer.commit();
    }
    EXPECT_EQ(lagOf(path), 121);
    EXPECT_EQ(ftsHits(path, "word0"), 0);
    int64_t calls = 0;
    EXPECT_EQ(TextIndex::catchUp(path, [&](int64_t covered, int64_t total) {
                  ++calls;
                  EXPECT_EQ(covered, 121);
                  EXPECT_EQ(total, 121);
              }),
              121);
    EXPECT_EQ(calls, 1);
    EXPECT_EQ(lagOf(path), 0);
    EXPECT_EQ(ftsHits(path, "word0"), 40);
    EXPECT_EQ(ftsHits(path, "postmessage"), 120);
    EXPECT_EQ(TextIndex::catchUp(path), 0);  // nothing more to do
}

TEST(TextIndexTest, CatchUpNeverCreatesADatabase) {
    test::TempDir dir;
    EXPECT_THROW(TextIndex::catchUp(dir.file("missing.db")), DatabaseError);
}

TEST(TextIndexTest, AnIdleRecorderCompletesTheIndexByItself) {
    test::TempDir dir;
    const std::string path = dir.file("r.db");
    RecorderOptions options;
    options.dbPath = path;
    Recorder recorder(options);
    for (int i = 1; i <= 3000; ++i) {
        recorder.onMessage(text(R"({"event":"x","content":"zebra)" + std::to_string(i % 2) + R"("})", 1, i));
    }
    recorder.flush();
    bool done = false;
    for (int i = 0; i < 1000 && !done; ++i) {  // up to ~20 s on a loaded machine
        done = lagOf(path) == 0;
        if (!done) {
            std::this_thread::sleep_for(std::chrono::milliseconds(20));
        }
    }
    EXPECT_TRUE(done) << "text index still behind by " << lagOf(path);
    EXPECT_EQ(ftsHits(path, "zebra1"), 1500);
}

TEST(TextIndexTest, ARecorderWithTheTextIndexOffLeavesIt) {
    test::TempDir dir;
    const std::string path = dir.file("off.db");
    {
        RecorderOptions options;
        options.dbPath = path;
        options.textIndex = false;
        Recorder recorder(options);
        recorder.onMessage(text(R"({"a":1})", 1, 1));
        recorder.flush();
    }
    EXPECT_EQ(lagOf(path), 1);
}

}  // namespace
}  // namespace rtmtap
