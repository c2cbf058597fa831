// store/SystemPingCalls: which recorded system.ping calls belong to which session (the open
// session of the call's login, or the session an import names), and their decoded ping_token.
#include "store/Database.h"
#include "store/SystemPingCalls.h"
#include "tests/support/KeepaliveSessions.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

namespace rtmtap {
namespace {

constexpr int64_t kBase = 1'764'000'000'000'000;
constexpr int64_t kSecond = 1'000'000;

class SystemPingCallsTest : public ::testing::Test {
protected:
    void SetUp() override { test::recordKeepaliveSessions(db_, kBase); }

    std::vector<SystemPingCall> read(std::optional<int64_t> session) {
        Database db(db_, Database::Mode::ReadOnly);
        return SystemPingCalls::read(db, session);
    }

    test::TempDir dir_;
    std::string db_ = dir_.file("k.db");
};

TEST_F(SystemPingCallsTest, EachCallBelongsToTheOpenSessionOfItsLogin) {
    std::vector<SystemPingCall> all = read(std::nullopt);
    ASSERT_EQ(all.size(), 4u);  // the call made between sessions 1 and 2 belongs to none
    EXPECT_EQ(all[0].session, 1);
    EXPECT_EQ(all[0].ping_token, "tok-a");
    EXPECT_EQ(all[0].started_wall_us, kBase + 40 * kSecond);
    EXPECT_EQ(all[0].status, 200);
    EXPECT_EQ(all[1].session, 1);
    EXPECT_EQ(all[1].ping_token, "tok b");  // sent as tok+b
    EXPECT_EQ(all[2].session, 2);
    EXPECT_EQ(all[2].ping_token, "tok-c");
    EXPECT_EQ(all[3].session, 3);  // the same token from another login stays with its own session
    EXPECT_EQ(all[3].ping_token, "tok-c");

    std::vector<SystemPingCall> two = read(2);
    ASSERT_EQ(two.size(), 1u);
    EXPECT_EQ(two[0].id, all[2].id);
    EXPECT_EQ(read(1).size(), 2u);
    EXPECT_TRUE(read(99).empty());
}

TEST_F(SystemPingCallsTest, AnImportedCallBelongsToTheSessionItNames) {
    Database db(db_, Database::Mode::ReadWrite);
    db.exec("INSERT INTO api_calls(session, started_us, method, path, status, request_body, login_key) VALUES "
            "(3, 1, 'POST', '/api/v1/system.ping?v=2', 200, CAST('ping_token=imp%2Fx' AS BLOB), 'import:3'), "
            "(3, 2, 'POST', '/api/v1/system.pings', 200, CAST('ping_token=no' AS BLOB), 'import:3'), "
            "(3, 3, 'POST', '/api/v1/channel.list', 200, CAST('ping_token=no' AS BLOB), 'import:3')");
    std::vector<SystemPingCall> three = read(3);
    ASSERT_EQ(three.size(), 2u);  // only system.ping itself, with or without a query
    EXPECT_EQ(three[0].ping_token, "imp/x");
    EXPECT_EQ(three[0].started_wall_us, 1);
}

TEST(SystemPingTokenTest, DecodesTheFormFieldAndNothingElse) {
    EXPECT_EQ(SystemPingCalls::pingTokenOf("finger_print=a&ping_token=x%3Dy+z&last_latency=3"), "x=y z");
    EXPECT_EQ(SystemPingCalls::pingTokenOf("ping_token=a%2Bb"), "a+b");
    EXPECT_EQ(SystemPingCalls::pingTokenOf("ping_token=first"), "first");
    EXPECT_EQ(SystemPingCalls::pingTokenOf("my_ping_token=x&ping_tokens=y"), "");
    EXPECT_EQ(SystemPingCalls::pingTokenOf(""), "");
    EXPECT_EQ(SystemPingCalls::pingTokenOf("ping_token="), "");
    EXPECT_EQ(SystemPingCalls::pingTokenOf("ping_token=100%"), "100%");  // a stray '%' stays as sent
    EXPECT_EQ(SystemPingCalls::pingTokenOf("&&ping_token=z&"), "z");
}

TEST(SystemPingCallsEmptyTest, AFileWithoutApiCallsHasNone) {
    test::TempDir dir;
    Database db(dir.file("old.db"), Database::Mode::ReadWriteCreate);
    db.exec("CREATE TABLE sessions(id INTEGER PRIMARY KEY)");
    EXPECT_TRUE(SystemPingCalls::read(db, std::nullopt).empty());
}

}  // namespace
}  // namespace rtmtap
