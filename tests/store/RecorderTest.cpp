// The recorder against a real SQLite file: what goes in comes back byte for byte, indexed,
// redacted where it must be, durable after flush(); a database that refuses writes (full, locked
// by another process, read-only, removed) is waited for and loses nothing.
#include "protocol/Message.h"
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "store/Schema.h"
#include "store/Recorder.h"
#include "store/Statement.h"
#include "tests/support/Eventually.h"
#include "tests/support/ReadOnlyPath.h"
#include "tests/support/SqliteLock.h"
#include "tests/support/TempDir.h"
#include "tests/support/TestData.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <gtest/gtest.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <sys/stat.h>
#include <thread>
#include <vector>

namespace rtmtap {
namespace {

using test::makeJwt;
using test::eventually;
using test::occurrences;

const char* const kClaims =
    R"({"user_id":91000001,"user_name":"Alice Example","client_ip":"10.1.2.3","user_agent":"Mozilla/5.0 test",)"
    R"("expiry":"2026-12-01 10:00:00","finger_print":"abcdefghijkl","topic":"t","created_on":1764000000})";

Message makeMessage(int64_t session, int64_t seq, Opcode op, std::string payload,
                    Direction dir = Direction::ClientToServer) {
    Message m;
    m.session = session;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = seq * 1000;
    m.fwd_us = seq * 1000 + 50;
    m.wall_us = 1'764'000'000'000'000 + seq * 1000;
    m.size = payload.size();
    m.payload = std::move(payload);
    return m;
}

SessionInfo makeSession(int64_t id) {
    SessionInfo info;
    info.id = id;
    info.started_wall_us = 1'764'000'000'000'000 + id;
    info.client = "127.0.0.1:50000";
    info.upstream = "ws://127.0.0.1:9001/rtm?x=1";
    info.path = "/rtm?x=1";
    info.subprotocol = "rtm.v1";
    info.headers = {{"Host", "127.0.0.1"},
                    {"Authorization", "Bearer top-secret-bearer"},
                    {"cookie", "token=top-secret-cookie"},
                    {"User-Agent", "test-agent"},
                    {"X-Multi", "a"},
                    {"X-Multi", "b"}};
    return info;
}

SessionEnd makeEnd(int64_t id) {
    SessionEnd end;
    end.id = id;
    end.ended_wall_us = 1'764'000'001'000'000;
    end.duration_us = 1'000'000;
    end.close_code = 1000;
    end.close_reason = "bye";
    end.closed_by = "client";
    return end;
}

int64_t count(const std::string& path, const std::string& sql) {
    Database db(path, Database::Mode::ReadOnly);
    return db.queryInt(sql);
}

std::string text(const std::string& path, const std::string& sql) {
    Database db(path, Database::Mode::ReadOnly);
    Statement statement(db, sql);
    return statement.step() ? statement.columnText(0) : "";
}

std::vector<FrameRow> readFrames(const std::string& path, int64_t session) {
    const std::unique_ptr<Reader> reader = openReader(path);
    std::vector<FrameRow> rows;
    reader->frames(session, [&](const FrameRow& row) {
        rows.push_back(row);
        return true;
    });
    return rows;
}

RecorderOptions optionsFor(const test::TempDir& dir) {
    RecorderOptions options;
    options.dbPath = dir.file("rec.db");
    return options;
}

TEST(RecorderTest, CreatesVersionedSchemaWithQueryableViews) {
    test::TempDir dir;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, R"({"event":"chat.postMessage","payload":{}})"));
        recorder.onSessionEnd(makeEnd(1));
    }
    std::string path = dir.file("rec.db");
    EXPECT_EQ(count(path, "PRAGMA user_version"), Schema::kVersion);
    EXPECT_EQ(count(path, "SELECT count(*) FROM meta WHERE key = 'app' AND value = 'rtmtap'"), 1);
    EXPECT_EQ(count(path, "SELECT count(*) FROM v_sessions WHERE frames = 1 AND duration_ms = 1000 "
                          "AND started_at LIKE '2025-11-24T%Z' AND ended_at IS NOT NULL"),
              1);
    EXPECT_EQ(count(path, "SELECT count(*) FROM v_frames WHERE dir = 'c2s' AND op = 'text' AND kind = 'event' "
                          "AND name = 'chat.postMessage' AND text LIKE '{\"event\"%' AND hex IS NULL"),
              1);
    Database db(path, Database::Mode::ReadOnly);
    Statement mode(db, "PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.columnText(0), "wal");
}

TEST(RecorderTest, DatabaseAndWalFilesAreOwnerOnly) {
    test::TempDir dir;
    Recorder recorder(optionsFor(dir));
    recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
    recorder.flush();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        struct stat st {};
        ASSERT_EQ(::stat((dir.file("rec.db") + suffix).c_str(), &st), 0) << suffix;
        EXPECT_EQ(st.st_mode & 0777, 0600u) << suffix;
    }
}

TEST(RecorderTest, RoundTripKeepsExactBytesAndOrder) {
    test::TempDir dir;
    const std::string withNul("a\0b\"\\\n", 6);
    const std::string binary("\x00\xff\x10\x80{", 5);
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        recorder.onSessionStart(makeSession(2));
        // Two sessions interleaved, and one seq out of order: readers sort by seq.
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, withNul));
        recorder.onMessage(makeMessage(2, 1, Opcode::Text, "other session"));
        recorder.onMessage(makeMessage(1, 3, Opcode::Binary, binary, Direction::ServerToClient));
        recorder.onMessage(makeMessage(1, 2, Opcode::Text, ""));
        recorder.onMessage(makeMessage(1, 4, Opcode::Ping, "p"));
        recorder.onMessage(makeMessage(1, 5, Opcode::Close, std::string("\x03\xe8" "bye", 5)));
        recorder.onSessionEnd(makeEnd(1));
    }
    std::vector<FrameRow> rows = readFrames(dir.file("rec.db"), 1);
    ASSERT_EQ(rows.size(), 5u);
    for (size_t i = 0; i < rows.size(); ++i) {
        EXPECT_EQ(rows[i].message.seq, static_cast<int64_t>(i + 1));
        EXPECT_EQ(rows[i].message.session, 1);
    }
    EXPECT_EQ(rows[0].message.payload, withNul);
    EXPECT_EQ(rows[0].message.size, 6u);
    EXPECT_EQ(rows[0].message.t_us, 1000);
    EXPECT_EQ(rows[0].message.fwd_us, 1050);
    EXPECT_EQ(rows[0].message.wall_us, 1'764'000'000'001'000);
    EXPECT_EQ(rows[1].message.payload, "");
    EXPECT_EQ(rows[2].message.payload, binary);
    EXPECT_EQ(rows[2].message.op, Opcode::Binary);
    EXPECT_EQ(rows[2].message.dir, Direction::ServerToClient);
    EXPECT_EQ(rows[3].message.op, Opcode::Ping);
    EXPECT_EQ(rows[3].kind, "control");
    EXPECT_EQ(rows[4].message.payload, std::string("\x03\xe8" "bye", 5));

    const std::unique_ptr<Reader> reader = openReader(dir.file("rec.db"));
    std::optional<SessionRow> session = reader->session(1);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->client, "127.0.0.1:50000");
    EXPECT_EQ(session->upstream, "ws://127.0.0.1:9001/rtm?x=1");
    EXPECT_EQ(session->path, "/rtm?x=1");
    EXPECT_EQ(session->subprotocol, "rtm.v1");
    EXPECT_EQ(session->started_wall_us, 1'764'000'000'000'001);
    EXPECT_EQ(session->ended_wall_us, 1'764'000'001'000'000);
    EXPECT_EQ(session->duration_us, 1'000'000);
    EXPECT_EQ(session->close_code, 1000);
    EXPECT_EQ(session->close_reason, "bye");
    EXPECT_EQ(session->closed_by, "client");
    EXPECT_EQ(session->http_status, 101);
    EXPECT_EQ(session->frames, 5);
    EXPECT_EQ(session->bytes, 6 + 0 + 5 + 1 + 5);
    std::optional<SessionRow> open = reader->session(2);
    ASSERT_TRUE(open);
    EXPECT_FALSE(open->ended_wall_us);
    EXPECT_FALSE(open->close_code);
}

TEST(RecorderTest, AReplaySessionNamesTheSessionItReplayed) {
    test::TempDir dir;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        SessionInfo replay = makeSession(2);
        replay.replay_of = 1;
        recorder.onSessionStart(replay);
    }
    const std::unique_ptr<Reader> reader = openReader(dir.file("rec.db"));
    EXPECT_FALSE(reader->session(1)->replay_of);
    EXPECT_EQ(reader->session(2)->replay_of, 1);
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM v_sessions WHERE replay_of = 1"), 1);
}

TEST(RecorderTest, IndexesProtocolFields) {
    test::TempDir dir;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onMessage(makeMessage(
            1, 1, Opcode::Text,
            R"({"meta":{"api":"v1"},"event":"chat.postMessage","payload":{"message":{"id":77,"channel_id":11010000,"user_id":91000001}}})",
            Direction::ServerToClient));
        recorder.onMessage(makeMessage(1, 2, Opcode::Text, R"({"command":"ws_read_notification","channel_id":"11010000","message_id":78})"));
        recorder.onMessage(makeMessage(1, 3, Opcode::Text, R"({"command":"ws_ping")"));
        recorder.onMessage(makeMessage(1, 4, Opcode::Binary, " \n{\"event\":\"chat.postMessage\"}"));
        recorder.onMessage(makeMessage(1, 5, Opcode::Binary, "{not json"));
        recorder.onMessage(makeMessage(1, 6, Opcode::Binary, "plain bytes {\"event\":\"x\"}"));
        recorder.onMessage(makeMessage(1, 7, Opcode::Pong, ""));
        recorder.onMessage(makeMessage(1, 8, Opcode::Text, "\xff\xfe"));
    }
    std::vector<FrameRow> rows = readFrames(dir.file("rec.db"), 1);
    ASSERT_EQ(rows.size(), 8u);
    EXPECT_EQ(rows[0].kind, "event");
    EXPECT_EQ(rows[0].name, "chat.postMessage");
    EXPECT_EQ(rows[0].channel_id, 11010000);
    EXPECT_EQ(rows[0].message_id, 77);
    EXPECT_EQ(rows[0].user_id, 91000001);
    EXPECT_EQ(rows[0].message.flags, 0u);
    EXPECT_EQ(rows[1].kind, "command");
    EXPECT_EQ(rows[1].name, "ws_read_notification");
    EXPECT_EQ(rows[1].channel_id, 11010000);
    EXPECT_EQ(rows[1].message_id, 78);
    EXPECT_EQ(rows[2].kind, "other");
    EXPECT_EQ(rows[2].name, "");
    EXPECT_TRUE(rows[2].message.flags & MessageFlag::Malformed);
    EXPECT_EQ(rows[3].kind, "event");  // JSON in a binary frame is indexed like text
    EXPECT_EQ(rows[3].name, "chat.postMessage");
    EXPECT_EQ(rows[4].kind, "other");
    EXPECT_FALSE(rows[4].message.flags & MessageFlag::Malformed);  // the flag is for text only
    EXPECT_EQ(rows[5].kind, "other");
    EXPECT_EQ(rows[5].name, "");
    EXPECT_EQ(rows[6].kind, "control");
    EXPECT_TRUE(rows[7].message.flags & MessageFlag::InvalidUtf8);
    EXPECT_TRUE(rows[7].message.flags & MessageFlag::Malformed);
    // Names are interned once each.
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM names"), 2);
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM frames WHERE name_id IS NOT NULL"), 3);
}

TEST(RecorderTest, WsAuthTokenIsRedactedAndItsClaimsStored) {
    test::TempDir dir;
    const std::string token = makeJwt(kClaims);
    const std::string payload = "{ \"command\" : \"ws_auth\",\n  \"auth_token\":\"" + token + "\" }";
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, payload));
    }
    std::vector<FrameRow> rows = readFrames(dir.file("rec.db"), 1);
    ASSERT_EQ(rows.size(), 1u);
    std::string redactedToken = token.substr(0, token.rfind('.') + 1);
    // A byte splice: everything around the token, spacing included, is as the client sent it.
    EXPECT_EQ(rows[0].message.payload, "{ \"command\" : \"ws_auth\",\n  \"auth_token\":\"" + redactedToken + "\" }");
    EXPECT_EQ(rows[0].message.size, payload.size());
    EXPECT_TRUE(rows[0].message.flags & MessageFlag::Redacted);
    EXPECT_EQ(rows[0].name, "ws_auth");

    const std::unique_ptr<Reader> reader = openReader(dir.file("rec.db"));
    std::optional<SessionRow> session = reader->session(1);
    ASSERT_TRUE(session);
    EXPECT_EQ(session->user_id, 91000001);
    EXPECT_EQ(session->user_name, "Alice Example");
    EXPECT_EQ(session->client_ip, "10.1.2.3");
    EXPECT_EQ(session->user_agent, "Mozilla/5.0 test");
    EXPECT_EQ(session->token_expiry, "2026-12-01 10:00:00");
    EXPECT_EQ(session->finger_print, "abcdefghijkl");
    EXPECT_EQ(session->auth_token, redactedToken);
    EXPECT_NE(session->claims_json.find("\"finger_print\""), std::string::npos);
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM frames WHERE instr(payload, 'c2lnbmF0dXJl') > 0"), 0);
}

TEST(RecorderTest, KeepSecretsStoresTheTokenWhole) {
    test::TempDir dir;
    const std::string token = makeJwt(kClaims);
    const std::string payload = R"({"command":"ws_auth","auth_token":")" + token + "\"}";
    {
        RecorderOptions options = optionsFor(dir);
        options.keepSecrets = true;
        Recorder recorder(options);
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, payload));
    }
    std::vector<FrameRow> rows = readFrames(dir.file("rec.db"), 1);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].message.payload, payload);
    EXPECT_FALSE(rows[0].message.flags & MessageFlag::Redacted);
    const std::unique_ptr<Reader> reader = openReader(dir.file("rec.db"));
    EXPECT_EQ(reader->session(1)->auth_token, token);
    EXPECT_EQ(reader->session(1)->user_id, 91000001);
}

TEST(RecorderTest, AnUndecodableTokenIsStillRedacted) {
    test::TempDir dir;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, R"({"command":"ws_auth","auth_token":"not-a-jwt"})"));
    }
    std::vector<FrameRow> rows = readFrames(dir.file("rec.db"), 1);
    ASSERT_EQ(rows.size(), 1u);
    EXPECT_EQ(rows[0].message.payload, R"({"command":"ws_auth","auth_token":"[redacted]"})");
    const std::unique_ptr<Reader> reader = openReader(dir.file("rec.db"));
    EXPECT_EQ(reader->session(1)->auth_token, "[redacted]");
    EXPECT_FALSE(reader->session(1)->user_id);
}

TEST(RecorderTest, SecretHeadersAreRedacted) {
    test::TempDir dir;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
    }
    const std::unique_ptr<Reader> reader = openReader(dir.file("rec.db"));
    std::string headers = reader->session(1)->headers_json;
    EXPECT_EQ(headers.find("top-secret"), std::string::npos) << headers;
    Poco::JSON::Parser parser;
    auto object = parser.parse(headers).extract<Poco::JSON::Object::Ptr>();
    EXPECT_EQ(object->getValue<std::string>("Authorization"), "[redacted]");
    EXPECT_EQ(object->getValue<std::string>("cookie"), "[redacted]");
    EXPECT_EQ(object->getValue<std::string>("User-Agent"), "test-agent");
    EXPECT_EQ(object->getValue<std::string>("X-Multi"), "a, b");
}

// Every session's frames are an unbroken run 1..n.
int64_t brokenRuns(const std::string& path) {
    return count(path, "SELECT count(*) FROM (SELECT session FROM frames GROUP BY session "
                       "HAVING count(*) <> max(seq) OR min(seq) <> 1 OR count(DISTINCT seq) <> count(*))");
}

TEST(RecorderTest, AFullDiskKeepsTheRecordsUntilThereIsSpaceAgain) {
    test::TempDir dir;
    const std::string path = dir.file("rec.db");
    {
        // 4 MB of old recordings that the user will delete to make room.
        Recorder recorder(optionsFor(dir));
        for (int i = 1; i <= 500; ++i) {
            recorder.onMessage(makeMessage(99, i, Opcode::Binary, std::string(8000, 'p')));
        }
    }
    struct stat st {};
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    RecorderOptions options = optionsFor(dir);
    // The file may not grow by more than two of its pages (the writer reads PRAGMA page_size):
    // 3.2 MB of new frames do not fit until the old ones are deleted.
    options.maxDbBytes = st.st_size + 2 * count(path, "PRAGMA page_size");
    options.batchRows = 20;
    options.textIndex = false;  // its own writes would hit the full disk too
    testing::internal::CaptureStderr();
    RecorderStats stats;
    {
        Recorder recorder(options);
        for (int i = 1; i <= 400; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, std::string(8000, 'x')));
        }
        EXPECT_TRUE(eventually([&] { return recorder.stats().writeStalls > 0; })) << "the disk never filled";
        // Space comes back as a user makes it: old recordings deleted through another connection.
        Database(path, Database::Mode::ReadWrite).exec("DELETE FROM frames WHERE session = 99");
        recorder.onMessage(makeMessage(1, 401, Opcode::Text, "after"));
        recorder.flush();
        stats = recorder.stats();
    }
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(stats.recordsWritten, 401u);
    EXPECT_EQ(stats.writeStalls, 1u);
    EXPECT_EQ(occurrences(err, "database or disk is full: keeping "), 1u) << "one line, not one per retry:\n" << err;
    EXPECT_EQ(occurrences(err, "writable again after "), 1u) << err;
    EXPECT_EQ(occurrences(err, "\n"), 2u) << err;
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames WHERE session = 1"), 401);
    EXPECT_EQ(brokenRuns(path), 0);
    EXPECT_EQ(text(path, "PRAGMA integrity_check"), "ok");
}

TEST(RecorderTest, ARemovedFileIsReplacedWithTheLiveSessionsAndNothingIsLost) {
    test::TempDir dir;
    std::string path = dir.file("rec.db");
    RecorderOptions options = optionsFor(dir);
    options.fileCheckMs = 50;
    testing::internal::CaptureStderr();
    Recorder recorder(options);
    recorder.onSessionStart(makeSession(1));  // live across the removal
    recorder.onSessionStart(makeSession(2));
    recorder.onSessionEnd(makeEnd(2));        // over before it: in the old file only
    recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
    recorder.flush();
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove((path + suffix).c_str());
    }
    // Idle, the writer notices by itself and creates the new file.
    struct stat st {};
    EXPECT_TRUE(eventually([&] { return ::stat(path.c_str(), &st) == 0; })) << "no new file at the path";
    recorder.onMessage(makeMessage(1, 2, Opcode::Text, "{}"));
    recorder.flush();
    // Removed again, now with records on the way: a commit into the removed file is written again.
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove((path + suffix).c_str());
    }
    recorder.onMessage(makeMessage(1, 3, Opcode::Text, "{}"));
    recorder.flush();
    recorder.close();
    std::string err = testing::internal::GetCapturedStderr();
    RecorderStats stats = recorder.stats();
    EXPECT_EQ(stats.fileSwitches, 2u);
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(occurrences(err, "was removed or renamed: recording goes on in a new file there"), 2u) << err;
    EXPECT_EQ(occurrences(err, "1 live sessions carried over"), 2u) << err;
    EXPECT_EQ(text(path, "SELECT group_concat(seq) FROM frames"), "3");
    const std::unique_ptr<Reader> reader = openReader(path);
    std::optional<SessionRow> live = reader->session(1);
    ASSERT_TRUE(live) << "the live session's row was not carried over";
    EXPECT_EQ(live->client, "127.0.0.1:50000");
    EXPECT_FALSE(reader->session(2)) << "an ended session stays in the old file";
    ASSERT_EQ(::stat(path.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 0777, 0600u);
}

TEST(RecorderTest, ADatabaseLockedByAnotherProcessIsWaitedForAndNothingIsLost) {
    if (test::SqliteLock::shell().empty()) {
        GTEST_SKIP() << "the sqlite3 shell is not installed (scripts/install-deps installs it)";
    }
    test::TempDir dir;
    const std::string path = dir.file("rec.db");
    testing::internal::CaptureStderr();
    RecorderStats stats;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        for (int i = 1; i <= 10; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, "{\"event\":\"before\"}"));
        }
        recorder.flush();
        test::SqliteLock lock(path);
        ASSERT_TRUE(lock.held()) << lock.output();
        for (int i = 11; i <= 110; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, "{\"event\":\"during\"}"));
        }
        std::atomic<bool> flushed{false};
        std::thread flusher([&] {
            recorder.flush();
            flushed = true;
        });
        EXPECT_TRUE(eventually([&] { return recorder.stats().writeStalls > 0; }));
        EXPECT_FALSE(flushed.load()) << "nothing can be committed while the other process holds the lock";
        lock.release();
        flusher.join();
        stats = recorder.stats();
    }
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(stats.recordsWritten, 111u);
    EXPECT_EQ(occurrences(err, "' is locked by another process: waiting, "), 1u) << err;
    EXPECT_EQ(occurrences(err, "' free again after "), 1u) << err;
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames"), 110);
    EXPECT_EQ(brokenRuns(path), 0);
}

TEST(RecorderTest, AtCloseARefusingDatabaseIsRetriedForTheExitWaitThenGivenUpAndSaidSo) {
    if (test::SqliteLock::shell().empty()) {
        GTEST_SKIP() << "the sqlite3 shell is not installed (scripts/install-deps installs it)";
    }
    test::TempDir dir;
    const std::string path = dir.file("rec.db");
    RecorderOptions options = optionsFor(dir);
    options.exitWaitMs = 300;
    testing::internal::CaptureStderr();
    Recorder recorder(options);
    recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
    recorder.flush();
    test::SqliteLock lock(path);
    ASSERT_TRUE(lock.held()) << lock.output();
    for (int i = 2; i <= 51; ++i) {
        recorder.onMessage(makeMessage(1, i, Opcode::Text, "{}"));
    }
    EXPECT_TRUE(eventually([&] { return recorder.stats().writeStalls > 0; }));
    recorder.close();  // returns although the lock is still held
    std::string err = testing::internal::GetCapturedStderr();
    lock.release();
    EXPECT_EQ(recorder.stats().recordsLost, 50u);
    EXPECT_EQ(recorder.stats().recordsWritten, 1u);
    EXPECT_NE(err.find("rtmtap: stopping: 50 records wait for database '" + path + "'"), std::string::npos) << err;
    EXPECT_NE(err.find("rtmtap: gave up on database '" + path + "' at exit: 50 records not written"), std::string::npos)
        << err;
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames"), 1);
}

TEST(RecorderTest, WhenBehindRelayLetsFramesPassAndWritesAGapRowForThem) {
    if (test::SqliteLock::shell().empty()) {
        GTEST_SKIP() << "the sqlite3 shell is not installed (scripts/install-deps installs it)";
    }
    test::TempDir dir;
    const std::string path = dir.file("rec.db");
    RecorderOptions options = optionsFor(dir);
    options.whenBehind = WhenBehind::Relay;
    options.queueLimitBytes = 8 * 1300;  // about eight 1000-byte frames
    testing::internal::CaptureStderr();
    RecorderStats stats;
    {
        Recorder recorder(options);
        EXPECT_EQ(recorder.backpressure(), nullptr) << "relay never asks the traffic to wait";
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, std::string(1000, 'a')));
        recorder.flush();
        test::SqliteLock lock(path);
        ASSERT_TRUE(lock.held()) << lock.output();
        recorder.onMessage(makeMessage(1, 2, Opcode::Text, std::string(1000, 'b')));
        ASSERT_TRUE(eventually([&] { return recorder.stats().writeStalls > 0; }));
        for (int i = 3; i <= 100; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, std::string(1000, 'c')));
        }
        EXPECT_GT(recorder.stats().framesNotRecorded, 0u);
        lock.release();
        // The writer writes the gap row once it has room again, then the frames that follow.
        ASSERT_TRUE(eventually([&] {
            recorder.flush();
            return count(path, "SELECT count(*) FROM gaps") > 0;
        }));
        for (int i = 101; i <= 105; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, std::string(1000, 'd')));
        }
        recorder.onSessionEnd(makeEnd(1));
        recorder.close();
        stats = recorder.stats();
    }
    testing::internal::GetCapturedStderr();
    ASSERT_EQ(count(path, "SELECT count(*) FROM gaps"), 1);
    const int64_t first = count(path, "SELECT first_seq FROM gaps");
    const int64_t last = count(path, "SELECT last_seq FROM gaps");
    EXPECT_GT(first, 2);
    EXPECT_EQ(last, 100);
    EXPECT_EQ(count(path, "SELECT frames FROM gaps"), last - first + 1);
    EXPECT_EQ(count(path, "SELECT bytes FROM gaps"), (last - first + 1) * 1000);
    EXPECT_EQ(text(path, "SELECT reason FROM gaps"), "database locked by another process");
    EXPECT_EQ(count(path, "SELECT count(*) FROM gaps WHERE session = 1 AND first_us <= last_us"), 1);
    EXPECT_EQ(stats.framesNotRecorded, static_cast<uint64_t>(last - first + 1));
    EXPECT_EQ(stats.bytesNotRecorded, static_cast<uint64_t>((last - first + 1) * 1000));
    EXPECT_EQ(stats.gaps, 1u);
    EXPECT_EQ(stats.recordsLost, 0u);
    // Every frame outside the gap is there, and none inside it.
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames WHERE session = 1"), 105 - (last - first + 1));
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames WHERE seq BETWEEN " + std::to_string(first) + " AND " +
                              std::to_string(last)),
              0);
    EXPECT_EQ(count(path, "SELECT count(DISTINCT seq) FROM frames WHERE seq < " + std::to_string(first) +
                              " OR seq > 100"),
              105 - (last - first + 1));
    EXPECT_EQ(count(path, "SELECT count(*) FROM sessions WHERE id = 1 AND ended_us IS NOT NULL"), 1);
}

TEST(RecorderTest, AFileMadeReadOnlyKeepsTheRecordsUntilItIsWritableAgain) {
    test::TempDir dir;
    const std::string path = dir.file("rec.db");
    testing::internal::CaptureStderr();
    RecorderStats stats;
    {
        Recorder recorder(optionsFor(dir));
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
        recorder.flush();
        test::ReadOnlyPath wal(path + "-wal");
        test::ReadOnlyPath db(path);
        if (!wal.refusesOpenDescriptors()) {
            testing::internal::GetCapturedStderr();
            GTEST_SKIP() << "cannot make an open file refuse writes here: " << wal.why();
        }
        for (int i = 2; i <= 30; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, "{}"));
        }
        EXPECT_TRUE(eventually([&] { return recorder.stats().writeStalls > 0; }));
        wal.restore();
        db.restore();
        recorder.flush();
        stats = recorder.stats();
    }
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(occurrences(err, ": keeping "), 1u) << err;
    EXPECT_EQ(occurrences(err, "(make the file and its folder writable again)"), 1u) << err;
    EXPECT_EQ(occurrences(err, "writable again after "), 1u) << err;
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames"), 30);
    EXPECT_EQ(brokenRuns(path), 0);
}

TEST(RecorderTest, ARemovedFileInAReadOnlyFolderIsWaitedForUntilTheFolderIsWritable) {
    test::TempDir dir;
    const std::string folder = dir.file("db");
    ASSERT_EQ(::mkdir(folder.c_str(), 0700), 0);
    const std::string path = folder + "/rec.db";
    RecorderOptions options;
    options.dbPath = path;
    options.fileCheckMs = 50;
    testing::internal::CaptureStderr();
    RecorderStats stats;
    {
        Recorder recorder(options);
        recorder.onSessionStart(makeSession(1));
        recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
        recorder.flush();
        for (const char* suffix : {"", "-wal", "-shm"}) {
            std::remove((path + suffix).c_str());
        }
        test::ReadOnlyPath readOnly(folder);
        if (!readOnly.available()) {
            testing::internal::GetCapturedStderr();
            GTEST_SKIP() << "cannot make a folder read-only here: " << readOnly.why();
        }
        for (int i = 2; i <= 20; ++i) {
            recorder.onMessage(makeMessage(1, i, Opcode::Text, "{}"));
        }
        EXPECT_TRUE(eventually([&] { return recorder.stats().writeStalls > 0; }));
        struct stat st {};
        EXPECT_NE(::stat(path.c_str(), &st), 0) << "a file was created in a read-only folder";
        readOnly.restore();
        recorder.flush();
        stats = recorder.stats();
    }
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(stats.recordsLost, 0u);
    EXPECT_EQ(stats.fileSwitches, 1u);
    EXPECT_EQ(occurrences(err, "cannot create database '" + path + "'"), 1u) << err;
    EXPECT_EQ(occurrences(err, "writable again after "), 1u) << err;
    EXPECT_EQ(occurrences(err, "1 live sessions carried over"), 1u) << err;
    EXPECT_EQ(text(path, "SELECT min(seq) || '-' || max(seq) || ':' || count(*) FROM frames"), "2-20:19");
    EXPECT_EQ(count(path, "SELECT count(*) FROM sessions WHERE id = 1"), 1);
}

TEST(RecorderTest, FlushMakesRecordsVisibleToAnotherConnection) {
    test::TempDir dir;
    RecorderOptions options = optionsFor(dir);
    options.commitIntervalMs = 60'000;  // only flush() can commit within the test
    Recorder recorder(options);
    recorder.onSessionStart(makeSession(1));
    for (int i = 1; i <= 250; ++i) {
        recorder.onMessage(makeMessage(1, i, Opcode::Text, "{\"event\":\"e\"}"));
    }
    recorder.flush();
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM frames"), 250);
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM sessions"), 1);
    EXPECT_EQ(recorder.stats().recordsWritten, 251u);
}

TEST(RecorderTest, ALoneFrameIsCommittedWithoutFlush) {
    test::TempDir dir;
    Recorder recorder(optionsFor(dir));
    recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
    // No timing assertion: poll until the interval commit shows up (well under the test timeout).
    int64_t seen = 0;
    for (int i = 0; i < 600 && seen == 0; ++i) {
        std::this_thread::sleep_for(std::chrono::milliseconds(50));
        seen = count(dir.file("rec.db"), "SELECT count(*) FROM frames");
    }
    EXPECT_EQ(seen, 1);
}

TEST(RecorderTest, ProducersNeverWaitAndNothingIsLostBeyondTheLimit) {
    test::TempDir dir;
    RecorderOptions options = optionsFor(dir);
    options.queueLimitBytes = 4096;
    const int threads = 8;
    const int perThread = 400;
    RecorderStats stats;
    {
        Recorder recorder(options);
        ASSERT_NE(recorder.backpressure(), nullptr);
        std::vector<std::thread> writers;
        for (int t = 0; t < threads; ++t) {
            writers.emplace_back([&recorder, t] {
                for (int i = 1; i <= perThread; ++i) {
                    recorder.onMessage(makeMessage(t + 1, i, Opcode::Text, std::string(300, 'a' + t)));
                }
            });
        }
        for (auto& writer : writers) {
            writer.join();
        }
        recorder.close();
        stats = recorder.stats();
    }
    EXPECT_GT(stats.timesBehind, 0u) << "the signal never closed";
    EXPECT_EQ(stats.recordsWritten, static_cast<uint64_t>(threads * perThread));
    EXPECT_EQ(stats.recordsLost, 0u);
    std::string path = dir.file("rec.db");
    EXPECT_EQ(count(path, "SELECT count(*) FROM frames"), threads * perThread);
    EXPECT_EQ(brokenRuns(path), 0);
}

TEST(RecorderTest, SessionIdsContinueAfterReopen) {
    test::TempDir dir;
    {
        Recorder recorder(optionsFor(dir));
        EXPECT_EQ(recorder.nextSessionId(), 1);
        EXPECT_EQ(recorder.nextSessionId(), 2);
        recorder.onSessionStart(makeSession(2));
    }
    {
        Recorder recorder(optionsFor(dir));
        EXPECT_EQ(recorder.nextSessionId(), 3);
        // A session whose start record was lost still owns its id through its frames.
        recorder.onMessage(makeMessage(7, 1, Opcode::Text, "{}"));
    }
    Recorder recorder(optionsFor(dir));
    EXPECT_EQ(recorder.nextSessionId(), 8);
}

TEST(RecorderTest, CloseIsIdempotentAndLateRecordsAreCounted) {
    test::TempDir dir;
    testing::internal::CaptureStderr();
    Recorder recorder(optionsFor(dir));
    recorder.onMessage(makeMessage(1, 1, Opcode::Text, "{}"));
    recorder.close();
    recorder.close();
    recorder.onMessage(makeMessage(1, 2, Opcode::Text, "{}"));
    recorder.flush();
    std::string err = testing::internal::GetCapturedStderr();
    EXPECT_EQ(recorder.stats().recordsWritten, 1u);
    EXPECT_EQ(recorder.stats().recordsLost, 1u);
    EXPECT_NE(err.find("after the recorder was closed"), std::string::npos);
    EXPECT_EQ(count(dir.file("rec.db"), "SELECT count(*) FROM frames"), 1);
}

TEST(RecorderTest, RefusesADatabaseThatIsNotRtmtaps) {
    test::TempDir dir;
    std::string path = dir.file("other.db");
    {
        Database db(path, Database::Mode::ReadWriteCreate);
        db.exec("CREATE TABLE customers(id INTEGER PRIMARY KEY)");
    }
    RecorderOptions options;
    options.dbPath = path;
    try {
        Recorder recorder(options);
        FAIL() << "opened a foreign database";
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("is not an rtmtap database"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos);
    }
    Database db(path, Database::Mode::ReadOnly);
    Statement mode(db, "PRAGMA journal_mode");
    ASSERT_TRUE(mode.step());
    EXPECT_EQ(mode.columnText(0), "delete");  // untouched
}

TEST(RecorderTest, UnwritableLocationIsAOneLineError) {
    test::TempDir dir;
    RecorderOptions options;
    options.dbPath = dir.file("missing-dir/rec.db");
    try {
        Recorder recorder(options);
        FAIL() << "created a database in a missing directory";
    } catch (const std::runtime_error& e) {
        std::string what = e.what();
        EXPECT_NE(what.find("cannot create database"), std::string::npos) << what;
        EXPECT_NE(what.find("missing-dir/rec.db"), std::string::npos) << what;
        EXPECT_EQ(what.find('\n'), std::string::npos);
    }
}

}  // namespace
}  // namespace rtmtap
