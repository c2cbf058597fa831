// openReader: a path opens the SQLite file, a PostgreSQL URL the server's rtmtap schema; a server
// that is not there is one line that does not repeat the URL's password.
#include "pg/OpenReader.h"
#include "pg/PgReader.h"
#include "store/Recorder.h"
#include "tests/support/PgCluster.h"
#include "tests/support/PgShip.h"
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

TEST(OpenReaderTest, APostgresUrlOpensTheServerAndSaysInOneLineWhenItCannot) {
    RTMTAP_SKIP_WITHOUT_POSTGRES();
    for (const std::string url : {"postgresql://ann:s3cret@127.0.0.1:1/rtm", "postgres://ann:s3cret@127.0.0.1:1/rtm"}) {
        EXPECT_TRUE(isPostgresUrl(url));
        const std::string error = openError(url);
        EXPECT_NE(error, "");
        EXPECT_EQ(error.find('\n'), std::string::npos) << error;
        EXPECT_EQ(error.find("s3cret"), std::string::npos) << error;
    }
    std::string url = test::PgCluster::shared().createDatabase();
    test::TempDir dir;
    {
        RecorderOptions options;
        options.dbPath = dir.file("o.db");
        Recorder recorder(options);
        SessionInfo info;
        info.id = 1;
        recorder.onSessionStart(info);
    }
    test::shipInto(dir.file("o.db"), url, "edge");
    std::unique_ptr<Reader> reader = openReader(url);
    EXPECT_NE(dynamic_cast<pg::PgReader*>(reader.get()), nullptr);
    ASSERT_EQ(reader->sessions().size(), 1u);
    EXPECT_EQ(reader->sessions()[0].source, "edge");
    EXPECT_FALSE(isPostgresUrl("postgresql.db"));
    EXPECT_FALSE(isPostgresUrl("./postgres://x"));
}

}  // namespace
}  // namespace rtmtap
