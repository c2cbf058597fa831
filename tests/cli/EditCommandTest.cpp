// `rtmtap edit ID` as a process, with $VISUAL or $EDITOR set to a shell script the test writes:
// the edited recording becomes a new session derived from ID that `rtmtap replay` serves at once;
// an unchanged file, an emptied one, a failing editor and an unknown id create nothing.
#include "replay/RtmClient.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/RecorderClaim.h"
#include "tests/support/Files.h"
#include "tests/support/EditorEnv.h"
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <condition_variable>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <mutex>
#include <sstream>
#include <sys/stat.h>

namespace rtmtap::test {
namespace {

const std::string kRecording =
    R"({"rtmtap":"session","version":1,"id":7,"started_at":"2026-11-25T14:03:07.000000Z","client":"127.0.0.1:1","upstream":"ws://127.0.0.1:9/","path":"/","headers":{},"label":"bug 7"})"
    "\n"
    R"({"t_us":1000000,"dir":"c2s","op":"text","flags":[],"data":{"command":"ws_auth","auth_token":"recorded.token."}})"
    "\n"
    R"({"t_us":1100000,"dir":"s2c","op":"text","flags":[],"data":{"meta":{"api":"v1"},"event":"user.online","payload":{"user":{"id":91010001}}}})"
    "\n"
    R"({"t_us":1600000,"dir":"s2c","op":"text","flags":[],"data":{"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":10004,"content":"hello"}}}})"
    "\n";

// A database holding the recording as session 1.
std::string recorded(const TempDir& dir) {
    std::ofstream(dir.file("rec.jsonl")) << kRecording;
    const std::string db = dir.file("rec.db");
    RunResult imported = Process::capture({"import", dir.file("rec.jsonl"), "--db", db});
    EXPECT_EQ(imported.code(), 0) << imported.err;
    EXPECT_EQ(imported.out, "1\n");
    return db;
}

size_t sessionCount(const std::string& db) {
    return openReader(db)->sessions().size();
}

std::string payloadOf(const std::string& db, int64_t session, int64_t seq) {
    std::string payload;
    openReader(db)->frames(session, [&](const FrameRow& row) {
        if (row.message.seq == seq) {
            payload = row.message.payload;
        }
        return true;
    });
    return payload;
}

std::vector<std::string> errLines(const RunResult& r) {
    std::vector<std::string> lines;
    std::istringstream in(r.err);
    for (std::string line; std::getline(in, line);) {
        if (!line.empty()) {
            lines.push_back(line);
        }
    }
    return lines;
}

TEST(EditCommandTest, AnEditedFrameBecomesANewSessionDerivedFromTheOld) {
    TempDir dir;
    const std::string db = recorded(dir);
    EditorEnv env(dir, "cp \"$1\" " + dir.file("seen.jsonl") + " && sed -i 's/\"hello\"/\"edited\"/' \"$1\"");
    RunResult r = Process::capture({"edit", "1", "--db", db});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.out, "2\n");
    EXPECT_EQ(r.err, "");
    // The editor got the file rtmtap export writes.
    RunResult exported = Process::capture({"export", "1", "--db", db});
    EXPECT_EQ(slurp(dir.file("seen.jsonl")), exported.out);
    const std::unique_ptr<Reader> reader = openReader(db);
    std::optional<SessionRow> derived = reader->session(2);
    ASSERT_TRUE(derived);
    EXPECT_EQ(derived->derived_from, 1);
    EXPECT_EQ(derived->label, "bug 7");
    EXPECT_FALSE(reader->session(1)->derived_from);
    EXPECT_NE(payloadOf(db, 2, 3).find("\"content\":\"edited\""), std::string::npos) << payloadOf(db, 2, 3);
    EXPECT_NE(payloadOf(db, 1, 3).find("\"content\":\"hello\""), std::string::npos);
    RunResult json = Process::capture({"sessions", "--json", "--db", db});
    EXPECT_NE(json.out.find("\"derived_from\":1"), std::string::npos) << json.out;
}

TEST(EditCommandTest, EditorComesFromEditorWhenVisualIsUnset) {
    TempDir dir;
    const std::string db = recorded(dir);
    EditorEnv env(dir, "sed -i 's/\"hello\"/\"from editor\"/' \"$1\"", "EDITOR");
    RunResult r = Process::capture({"edit", "1", "--db", db});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_NE(payloadOf(db, 2, 3).find("from editor"), std::string::npos);
}

TEST(EditCommandTest, AnUnchangedFileCreatesNothing) {
    TempDir dir;
    const std::string db = recorded(dir);
    EditorEnv env(dir, "touch \"$1\"");
    RunResult r = Process::capture({"edit", "1", "--db", db});
    EXPECT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.out, "");
    EXPECT_EQ(r.err, "rtmtap: session 1 unchanged; no session created\n");
    EXPECT_EQ(sessionCount(db), 1u);
}

// The first round breaks the frame line (and edits it), the second keeps the file it was shown
// and repairs it.
TEST(EditCommandTest, ABrokenFileIsReopenedWithTheErrorOnTop) {
    TempDir dir;
    const std::string db = recorded(dir);
    const std::string rounds = dir.file("rounds");
    EditorEnv env(dir, "if [ -e " + rounds + " ]; then cp \"$1\" " + dir.file("reopened.jsonl") +
                           "; sed -i 's/\"sideways\"/\"s2c\"/' \"$1\"; else touch " + rounds +
                           "; sed -i '4s/\"s2c\"/\"sideways\"/; s/\"hello\"/\"edited\"/' \"$1\"; fi");
    RunResult r = Process::capture({"edit", "1", "--db", db});
    ASSERT_EQ(r.code(), 0) << r.err;
    EXPECT_EQ(r.out, "2\n");
    const std::string reopened = slurp(dir.file("reopened.jsonl"));
    // Line 4 of the saved file is line 6 of the reopened one, below the two lines on top.
    EXPECT_EQ(reopened.substr(0, reopened.find('\n')),
              R"(# rtmtap: line 6: "dir" must be "c2s" or "s2c", not "sideways")");
    EXPECT_NE(payloadOf(db, 2, 3).find("edited"), std::string::npos);
    EXPECT_EQ(openReader(db)->session(2)->derived_from, 1);
}

TEST(EditCommandTest, AFailingEditorOrAnEmptiedFileAbortsWithOneLine) {
    TempDir dir;
    const std::string db = recorded(dir);
    {
        EditorEnv env(dir, "sed -i 's/hello/edited/' \"$1\"; exit 3");
        RunResult r = Process::capture({"edit", "1", "--db", db});
        EXPECT_EQ(r.code(), 2);
        ASSERT_EQ(errLines(r).size(), 1u) << r.err;
        EXPECT_EQ(errLines(r)[0].rfind("rtmtap: the editor 'sh ", 0), 0u) << r.err;
        EXPECT_NE(r.err.find("exited with status 3; nothing imported"), std::string::npos) << r.err;
    }
    {
        EditorEnv env(dir, ": > \"$1\"");
        RunResult r = Process::capture({"edit", "1", "--db", db});
        EXPECT_EQ(r.code(), 2);
        EXPECT_EQ(r.err, "rtmtap: the file was emptied: edit aborted, nothing imported\n");
    }
    EXPECT_EQ(sessionCount(db), 1u);
}

// The import fails for a reason no edit fixes: here a proxy began recording into the database
// while the editor was open (its mark names this test process, which is alive). The edits must
// not be lost: the file stays, and the one error line names it.
TEST(EditCommandTest, AnImportThatFailsForAnotherReasonKeepsTheEditedFileAndNamesIt) {
    TempDir dir;
    const std::string db = recorded(dir);
    EditorEnv env(dir, "sed -i 's/\"hello\"/\"edited\"/' \"$1\" && sqlite3 '" + db +
                           "' \"INSERT OR REPLACE INTO meta(key, value) VALUES ('recording', '" +
                           RecorderClaim::ownMark() + "')\"");
    RunResult r = Process::capture({"edit", "1", "--db", db});
    EXPECT_EQ(r.code(), 2);
    ASSERT_EQ(errLines(r).size(), 1u) << r.err;
    const std::string line = errLines(r)[0];
    EXPECT_EQ(line.rfind("rtmtap: ", 0), 0u) << line;
    EXPECT_NE(line.find("nothing imported"), std::string::npos) << line;
    const std::string before = "your edits are kept in '";
    const size_t at = line.find(before);
    ASSERT_NE(at, std::string::npos) << line;
    const size_t end = line.find('\'', at + before.size());
    ASSERT_NE(end, std::string::npos) << line;
    const std::string kept = line.substr(at + before.size(), end - at - before.size());
    EXPECT_NE(slurp(kept).find("\"content\":\"edited\""), std::string::npos) << kept;
    std::remove(kept.c_str());
    EXPECT_EQ(sessionCount(db), 1u);
}

TEST(EditCommandTest, AnUnknownIdIsAnError) {
    TempDir dir;
    const std::string db = recorded(dir);
    EditorEnv env(dir, "touch " + dir.file("ran"));
    RunResult r = Process::capture({"edit", "9", "--db", db});
    EXPECT_EQ(r.code(), 2);
    EXPECT_EQ(r.err, "rtmtap: no session 9 in '" + db + "' (rtmtap sessions lists them)\n");
    EXPECT_FALSE(std::ifstream(dir.file("ran")));  // no editor for nothing
}

// rtmtap replay NEW serves the edited frame to a client under test.
TEST(EditCommandTest, TheDerivedSessionReplaysAtOnce) {
    TempDir dir;
    const std::string db = recorded(dir);
    {
        EditorEnv env(dir, "sed -i 's/\"hello\"/\"edited\"/' \"$1\"");
        ASSERT_EQ(Process::capture({"edit", "1", "--db", db}).out, "2\n");
    }
    Process replay({"replay", "2", "--db", db, "--listen", "127.0.0.1:0", "--no-timing", "--expect", "--color", "never"});
    const uint16_t port = replay.waitForListening();
    ASSERT_NE(port, 0) << replay.err();
    std::mutex mutex;
    std::condition_variable changed;
    std::vector<std::string> got;
    {
        RtmClient client;
        client.connect("ws://127.0.0.1:" + std::to_string(port) + "/", "fresh.token", [&](const Message& m) {
            std::lock_guard lock(mutex);
            got.push_back(m.payload);
            changed.notify_all();
        });
        std::unique_lock lock(mutex);
        ASSERT_TRUE(changed.wait_for(lock, std::chrono::seconds(10), [&] { return got.size() >= 2; }));
        lock.unlock();
        client.close();
    }
    EXPECT_NE(got[1].find("\"content\":\"edited\""), std::string::npos) << got[1];
    ExitStatus status = replay.waitExit();
    EXPECT_EQ(status.code, 0) << replay.out() << replay.err();
}

}  // namespace
}  // namespace rtmtap::test
