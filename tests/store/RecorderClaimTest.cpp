// A database a live recorder writes to is refused by a second recorder and by an import (they
// would take the session ids the recorder hands out next); a mark left by a dead process is not.
#include "store/Database.h"
#include "store/DatabaseError.h"
#include "store/Recorder.h"
#include "store/RecorderClaim.h"
#include "store/SessionImporter.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <csignal>
#include <sys/wait.h>
#include <unistd.h>

namespace rtmtap {
namespace {

// A live process that is not this one, for as long as the object lives.
class OtherProcess {
public:
    OtherProcess() : pid_(::fork()) {
        if (pid_ == 0) {
            ::pause();
            ::_exit(0);
        }
    }
    ~OtherProcess() { stop(); }
    void stop() {
        if (pid_ > 0) {
            ::kill(pid_, SIGKILL);
            ::waitpid(pid_, nullptr, 0);
            pid_ = -1;
        }
    }
    std::string mark() const { return markOf(pid_); }
    static std::string markOf(pid_t pid);

private:
    pid_t pid_;
};

std::string OtherProcess::markOf(pid_t pid) {
    // Field 22 of /proc/PID/stat, as RecorderClaim reads it.
    FILE* f = std::fopen(("/proc/" + std::to_string(pid) + "/stat").c_str(), "r");
    std::string stat;
    char buf[1024];
    size_t n = 0;
    while (f && (n = std::fread(buf, 1, sizeof buf, f)) > 0) {
        stat.append(buf, n);
    }
    if (f) {
        std::fclose(f);
    }
    std::string rest = stat.substr(stat.rfind(')') + 2);
    size_t at = 0;
    for (int field = 3; field < 22; ++field) {
        at = rest.find(' ', at) + 1;
    }
    return std::to_string(pid) + " " + rest.substr(at, rest.find(' ', at) - at);
}

void setMark(const std::string& path, const std::string& mark) {
    Database db(path, Database::Mode::ReadWrite);
    db.exec("INSERT OR REPLACE INTO meta(key, value) VALUES ('recording', '" + mark + "')");
}

std::string markIn(const std::string& path) {
    Database db(path, Database::Mode::ReadOnly);
    return db.queryInt("SELECT count(*) FROM meta WHERE key = 'recording'") ? "set" : "";
}

std::string importError(const std::string& path) {
    try {
        SessionImporter importer(path);
        importer.beginSession(ImportedSession{});
        importer.commit();
    } catch (const DatabaseError& e) {
        return e.what();
    }
    return "";
}

TEST(RecorderClaimTest, AnImportIsRefusedWhileARecorderRecordsAndAllowedAfter) {
    test::TempDir dir;
    const std::string path = dir.file("c.db");
    {
        RecorderOptions options;
        options.dbPath = path;
        Recorder recorder(options);
        EXPECT_EQ(markIn(path), "set");
        std::string error = importError(path);
        EXPECT_NE(error.find("is being recorded by rtmtap proxy (pid " + std::to_string(::getpid()) + ")"),
                  std::string::npos)
            << error;
        EXPECT_NE(error.find("import into another file"), std::string::npos) << error;
    }
    EXPECT_EQ(markIn(path), "");  // a clean close removes the mark
    EXPECT_EQ(importError(path), "");
}

TEST(RecorderClaimTest, AnotherLiveProcessMarkRefusesASecondRecorderAndAnImport) {
    test::TempDir dir;
    const std::string path = dir.file("o.db");
    { SessionImporter(path).commit(); }
    OtherProcess other;
    setMark(path, other.mark());
    EXPECT_TRUE(RecorderClaim::isAlive(other.mark()));
    RecorderOptions options;
    options.dbPath = path;
    try {
        Recorder recorder(options);
        ADD_FAILURE() << "a second recorder started on a file another live recorder holds";
    } catch (const std::exception& e) {
        EXPECT_NE(std::string(e.what()).find("record into another file"), std::string::npos) << e.what();
    }
    EXPECT_NE(importError(path), "");
    other.stop();
    // The mark's process is gone: the mark is stale and no longer refuses anything.
    EXPECT_EQ(importError(path), "");
    Recorder recorder(options);
    EXPECT_EQ(recorder.nextSessionId(), 2);
}

TEST(RecorderClaimTest, AReusedPidWithAnotherStartTimeIsNotAlive) {
    std::string own = RecorderClaim::ownMark();
    EXPECT_TRUE(RecorderClaim::isAlive(own));
    EXPECT_FALSE(RecorderClaim::isAlive(std::to_string(::getpid()) + " 1"));
    EXPECT_FALSE(RecorderClaim::isAlive("garbage"));
    EXPECT_FALSE(RecorderClaim::isAlive(""));
    EXPECT_FALSE(RecorderClaim::isAlive("../../etc 5"));
}

}  // namespace
}  // namespace rtmtap
