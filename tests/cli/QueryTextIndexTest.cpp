// `rtmtap query --text` on a database whose full-text index is far behind (a large import):
// the query builds the index first, once, and answers the same as a scan would.
#include "store/Database.h"
#include "store/SessionImporter.h"
#include "store/TextIndex.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

int64_t lagOf(const std::string& path) {
    Database db(path, Database::Mode::ReadOnly);
    return TextIndex::lag(db);
}

TEST(QueryTextIndexTest, ASearchFarBehindTheIndexBuildsItFirst) {
    test::TempDir dir;
    const std::string path = dir.file("big.db");
    constexpr int kFrames = 110'000;  // above cli::kTextScanLimit (100,000)
    {
        SessionImporter importer(path);
        for (int s = 0; s < 2; ++s) {
            importer.beginSession(ImportedSession{});
            for (int i = 0; i < kFrames / 2; ++i) {
                Message m;
                m.op = Opcode::Text;
                m.payload = i % 1000 == 0 ? R"({"event":"x","content":"needle"})" : R"({"event":"x","content":"hay"})";
                m.size = m.payload.size();
                importer.addFrame(std::move(m));
            }
        }
        importer.commit();
    }
    ASSERT_EQ(lagOf(path), kFrames);
    std::string out, err;
    test::ExitStatus status = test::Process::run({"query", "--db", path, "--text", "needle", "--count"}, out, err, 120'000);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << " " << err;
    EXPECT_EQ(out, "110\n");
    EXPECT_EQ(err, "");  // not a terminal: no progress bar, and nothing went wrong
    EXPECT_EQ(lagOf(path), 0);
    // One session's words are scanned: no index is needed, and none is built.
    {
        Database db(path, Database::Mode::ReadWrite);
        db.exec("UPDATE meta SET value = 0 WHERE key = 'text_indexed_upto'");
    }
    status = test::Process::run({"query", "--db", path, "--session", "2", "--text", "needle", "--count"}, out, err, 120'000);
    EXPECT_TRUE(status.exited && status.code == 0) << status.describe() << " " << err;
    EXPECT_EQ(out, "55\n");
    EXPECT_EQ(lagOf(path), kFrames);
}

}  // namespace
}  // namespace rtmtap
