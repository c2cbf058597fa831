#include "cli/DemoCommand.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <sqlite3.h>

#include <map>
#include <sstream>

using namespace rtmtap;

namespace {

int64_t queryInt(const std::string& db, const std::string& sql) {
    sqlite3* handle = nullptr;
    sqlite3_open_v2(db.c_str(), &handle, SQLITE_OPEN_READONLY, nullptr);
    sqlite3_stmt* stmt = nullptr;
    int64_t value = -1;
    if (sqlite3_prepare_v2(handle, sql.c_str(), -1, &stmt, nullptr) == SQLITE_OK && sqlite3_step(stmt) == SQLITE_ROW) {
        value = sqlite3_column_int64(stmt, 0);
    }
    sqlite3_finalize(stmt);
    sqlite3_close(handle);
    return value;
}

}  // namespace

// The demo's whole flow: simulator, proxy (API and WebSocket) and clients logging in through it;
// the database must hold what the clients did and what the simulator answered.
TEST(DemoCommand, RecordsWhatTheClientsDidThroughTheWholeLoginFlow) {
    test::TempDir dir;
    cli::DemoOptions options;
    options.db = dir.file("demo.db");
    options.seconds = 3;
    options.quiet = true;
    std::ostringstream out, err;
    ASSERT_EQ(cli::runDemo(options, out, err), 0) << err.str();
    EXPECT_EQ(err.str(), "");

    const std::unique_ptr<Reader> reader = openReader(options.db);
    auto sessions = reader->sessions();
    ASSERT_EQ(sessions.size(), 3u);
    for (const SessionRow& s : sessions) {
        ASSERT_TRUE(s.user_id.has_value());
        EXPECT_EQ(s.closed_by, "client");
        EXPECT_EQ(s.close_code.value_or(0), 1000);
        EXPECT_EQ(s.upstream.rfind("ws://127.0.0.1:", 0), 0u) << s.upstream;
        std::map<std::string, int> sent, received;
        int64_t seq = 0;
        reader->frames(s.id, [&](const FrameRow& row) {
            EXPECT_EQ(row.message.seq, ++seq);
            (row.message.dir == Direction::ClientToServer ? sent : received)[row.name]++;
            return true;
        });
        EXPECT_EQ(sent["ws_auth"], 1);
        EXPECT_EQ(sent["ws_ephemeral_typing"], 1);
        EXPECT_EQ(sent["ws_ping"], 2);
        EXPECT_EQ(received["pong"], 2);
        EXPECT_GE(received["chat.updateMessage"], 1);    // read notification and reactions
        EXPECT_GE(received["chat.userTyping"], 2);       // the other two clients typed
    }
    // Each client's login and rtm.connect went through the proxy; rtm.connect leads to a session.
    EXPECT_EQ(queryInt(options.db, "SELECT count(*) FROM api_calls WHERE path = '/api/v1/user.login' AND status = 200"), 3);
    EXPECT_EQ(queryInt(options.db, "SELECT count(DISTINCT session) FROM api_calls WHERE path = '/api/v1/rtm.connect'"), 3);
    // ... and the whole login of a session, user.login included, is one query away.
    for (int64_t session = 1; session <= 3; ++session) {
        const std::string where = " FROM v_session_api WHERE session = " + std::to_string(session);
        EXPECT_EQ(queryInt(options.db, "SELECT count(*)" + where + " AND path = '/api/v1/user.login'"), 1) << session;
        EXPECT_EQ(queryInt(options.db, "SELECT count(*)" + where + " AND path = '/api/v1/rtm.connect'"), 1) << session;
    }
    EXPECT_NE(out.str().find("Events and commands per session"), std::string::npos);
}
