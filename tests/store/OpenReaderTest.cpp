// openReader: a path opens the SQLite file; a PostgreSQL URL is refused in one line that does not
// repeat the URL's password, until the pg module reads it.
#include "store/OpenReader.h"
#include "store/Recorder.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <stdexcept>

namespace rtmtap {
namespace {

std::string openError(const std::string& db) {
    try {
        openReader(db);
    } catch (const std::runtime_error& e) {
        return e.what();
    }
    return "";
}

TEST(OpenReaderTest, APathOpensTheSqliteFile) {
    test::TempDir dir;
    {
        RecorderOptions options;
        options.dbPath = dir.file("o.db");
        Recorder recorder(options);
        SessionInfo info;
        info.id = 1;
        recorder.onSessionStart(info);
    }
    std::unique_ptr<Reader> reader = openReader(dir.file("o.db"));
    EXPECT_EQ(reader->location(), dir.file("o.db"));
    EXPECT_EQ(reader->sessions().size(), 1u);
    EXPECT_NE(openError(dir.file("missing.db")), "");
}

TEST(OpenReaderTest, APostgresUrlIsRefusedWithoutItsPassword) {
    for (const std::string url : {"postgresql://ann:s3cret@db.test/rtm", "postgres://ann:s3cret@db.test/rtm"}) {
        EXPECT_TRUE(isPostgresUrl(url));
        const std::string error = openError(url);
        EXPECT_NE(error.find("this rtmtap reads PostgreSQL through the pg module"), std::string::npos) << error;
        EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
    }
    EXPECT_FALSE(isPostgresUrl("postgresql.db"));
    EXPECT_FALSE(isPostgresUrl("./postgres://x"));
}

}  // namespace
}  // namespace rtmtap
