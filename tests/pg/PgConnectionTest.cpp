#include "pg/PgConnection.h"
#include "pg/PgError.h"
#include "tests/support/PgCluster.h"

#include <gtest/gtest.h>

#include <string>

namespace rtmtap::pg {
namespace {

using test::PgCluster;

// Every byte value, NUL and 0xff included.
std::string allBytes() {
    std::string bytes;
    for (int i = 0; i < 256; ++i) {
        bytes += static_cast<char>(i);
    }
    return bytes;
}

bool oneLine(const std::string& text) {
    return !text.empty() && text.find('\n') == std::string::npos;
}

// A connection to a database of its own in the shared cluster.
class PgConnectionTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        url_ = PgCluster::shared().createDatabase();
        conn_ = std::make_unique<PgConnection>(url_);
    }
    std::string url_;
    std::unique_ptr<PgConnection> conn_;
};

TEST(PgConnectionUrl, TellsUrlsFromFiles) {
    EXPECT_TRUE(PgConnection::isUrl("postgresql://host/db"));
    EXPECT_TRUE(PgConnection::isUrl("postgres:///db?host=/tmp"));
    EXPECT_FALSE(PgConnection::isUrl("rtmtap.db"));
    EXPECT_FALSE(PgConnection::isUrl("/var/lib/postgresql.db"));
}

TEST(PgConnectionUrl, RedactsPasswords) {
    EXPECT_EQ(PgConnection::redacted("postgresql://ship:s3cr@t/x@db.example:5432/rec"),
              "postgresql://ship:***@db.example:5432/rec");
    EXPECT_EQ(PgConnection::redacted("postgres://ship@db/rec?password=s3cret&sslmode=require"),
              "postgres://ship@db/rec?password=***&sslmode=require");
    EXPECT_EQ(PgConnection::redacted("host=db password='a b\\' c' user=ship"), "host=db password=*** user=ship");
    EXPECT_EQ(PgConnection::redacted("postgresql://[::1]:5432/rec"), "postgresql://[::1]:5432/rec");
    EXPECT_EQ(PgConnection::redacted("postgresql://ship@db/rec?old_password=x"), "postgresql://ship@db/rec?old_password=x");
}

TEST(PgErrorLine, KeepsTheFirstMeaningfulLineWithoutSeverity) {
    PgError e("\nconnection to server on socket \"/x/.s.PGSQL.5432\" failed: FATAL:  password authentication "
              "failed for user \"shipper\"\n\tsecond line\n",
              "28P01", false);
    EXPECT_STREQ(e.what(), "connection to server on socket \"/x/.s.PGSQL.5432\" failed: password authentication failed "
                           "for user \"shipper\"");
    EXPECT_EQ(e.sqlstate(), "28P01");
    EXPECT_EQ(PgError::firstLine("ERROR:  relation \"x\" does not exist\nLINE 1: ..."), "relation \"x\" does not exist");
}

TEST_F(PgConnectionTest, QueriesIntegersTextBytesAndNulls) {
    conn_->exec("CREATE TABLE t (a smallint, b integer, c bigint, d boolean, e text, f bytea, g jsonb);"
                "CREATE INDEX ON t (c)");
    const std::string bytes = allBytes() + std::string("\0\xff\0", 3);
    conn_->query("INSERT INTO t VALUES ($1, $2, $3, $4, $5, $6, $7)",
                 {"-7", "-2147483648", "9007199254740993", "true", "grüße ✓", PgConnection::byteaParam(bytes),
                  R"({"k": [1, "v"]})"});
    conn_->query("INSERT INTO t VALUES (NULL, NULL, NULL, NULL, NULL, NULL, NULL)");
    PgResult r = conn_->query("SELECT a, b, c, d, e, f, g FROM t ORDER BY c NULLS LAST");
    ASSERT_EQ(r.rows(), 2);
    ASSERT_EQ(r.columns(), 7);
    EXPECT_EQ(r.integer(0, 0), -7);
    EXPECT_EQ(r.integer(0, 1), -2147483648LL);
    EXPECT_EQ(r.integer(0, 2), 9007199254740993LL);
    EXPECT_EQ(r.integer(0, 3), 1);
    EXPECT_EQ(r.text(0, 4), "grüße ✓");
    EXPECT_EQ(r.text(0, 5), bytes);
    EXPECT_EQ(r.text(0, r.column("g")), R"({"k": [1, "v"]})");
    EXPECT_EQ(r.text(0, 2), "9007199254740993");
    for (int c = 0; c < 7; ++c) {
        EXPECT_TRUE(r.isNull(1, c)) << c;
    }
    EXPECT_EQ(r.optInteger(1, 2), std::nullopt);
    EXPECT_EQ(r.optInteger(0, 1), -2147483648LL);
    EXPECT_EQ(r.optText(1, 4), std::nullopt);
    EXPECT_THROW(r.integer(0, 4), PgError);  // text is not an integer
    EXPECT_THROW(r.integer(1, 0), PgError);  // NULL
    EXPECT_THROW(r.text(2, 0), PgError);     // no such row
    EXPECT_THROW(conn_->query("SELECT now()").text(0, 0), PgError);  // timestamptz: cast it
    EXPECT_EQ(conn_->query("SELECT $1::text IS NULL", {std::nullopt}).integer(0, 0), 1);
    EXPECT_THROW(conn_->query("SELECT $1::text", {std::string("a\0b", 3)}), PgError);
}

TEST_F(PgConnectionTest, StreamsTenThousandRowsAndStopsEarly) {
    conn_->exec("CREATE TABLE n AS SELECT g AS v, repeat('x', g % 50) AS s FROM generate_series(1, 10000) g");
    int64_t count = 0, sum = 0;
    conn_->forEachRow(
        "SELECT v, s FROM n WHERE v >= $1 ORDER BY v", {"1"},
        [&](const PgResult& rows, int row) {
            ++count;
            sum += rows.integer(row, 0);
            EXPECT_EQ(rows.text(row, 1).size(), static_cast<size_t>(rows.integer(row, 0) % 50));
            return true;
        },
        700);
    EXPECT_EQ(count, 10000);
    EXPECT_EQ(sum, 10000LL * 10001 / 2);
    EXPECT_FALSE(conn_->inTransaction());

    std::vector<int64_t> seen;
    conn_->forEachRow("SELECT v FROM n ORDER BY v;", {}, [&](const PgResult& rows, int row) {
        seen.push_back(rows.integer(row, 0));
        return seen.size() < 1500;
    });
    ASSERT_EQ(seen.size(), 1500u);
    EXPECT_EQ(seen.back(), 1500);
    EXPECT_FALSE(conn_->inTransaction());
    EXPECT_EQ(conn_->query("SELECT count(*) FROM n").integer(0, 0), 10000);

    // Inside the caller's transaction the cursor leaves it open.
    conn_->exec("BEGIN");
    int inside = 0;
    conn_->forEachRow("SELECT v FROM n WHERE v <= $1", {"5"}, [&](const PgResult&, int) { return ++inside > 0; });
    EXPECT_EQ(inside, 5);
    EXPECT_TRUE(conn_->inTransaction());
    conn_->exec("COMMIT");

    // A failure in the callback leaves a usable connection too.
    EXPECT_THROW(conn_->forEachRow("SELECT v FROM n", {}, [](const PgResult& rows, int row) {
        return rows.text(row, 5).empty();
    }),
                 PgError);
    EXPECT_FALSE(conn_->inTransaction());
    EXPECT_EQ(conn_->query("SELECT 1").integer(0, 0), 1);
}

TEST_F(PgConnectionTest, CopiesRowsInByteExact) {
    conn_->exec("CREATE TABLE c (id bigint, body bytea, note text)");
    // COPY text format: bytea as \\x hex, NULL as \N, a tab separates columns.
    std::string data;
    const std::string bytes = allBytes();
    for (int i = 0; i < 3000; ++i) {
        data += std::to_string(i) + "\t\\\\x" + PgConnection::byteaParam(bytes + std::to_string(i)).substr(2) + "\t" +
                (i % 2 ? "\\N" : "n" + std::to_string(i)) + "\n";
    }
    ASSERT_GT(data.size(), 1u << 20);  // more than one chunk
    conn_->copyIn("COPY c (id, body, note) FROM STDIN", data);
    PgResult r = conn_->query("SELECT id, body, note FROM c ORDER BY id");
    ASSERT_EQ(r.rows(), 3000);
    for (int i = 0; i < 3000; ++i) {
        ASSERT_EQ(r.integer(i, 0), i);
        ASSERT_EQ(r.text(i, 1), bytes + std::to_string(i));
        ASSERT_EQ(r.optText(i, 2), i % 2 ? std::nullopt : std::optional<std::string>("n" + std::to_string(i)));
    }

    try {
        conn_->copyIn("COPY c (id, body, note) FROM STDIN", "1\t\\\\x00\tok\nnot-a-number\t\\\\x00\tbad\n");
        FAIL() << "a bad row was copied";
    } catch (const PgError& e) {
        EXPECT_TRUE(oneLine(e.what())) << e.what();
        EXPECT_NE(std::string(e.what()).find("not-a-number"), std::string::npos) << e.what();
        EXPECT_NE(std::string(e.what()).find("line 2"), std::string::npos) << e.what();
        EXPECT_EQ(e.sqlstate(), "22P02");
        EXPECT_FALSE(e.connectionLost());
    }
    EXPECT_EQ(conn_->query("SELECT count(*) FROM c").integer(0, 0), 3000);
    EXPECT_THROW(conn_->copyIn("SELECT 1", "x"), PgError);
    EXPECT_THROW(conn_->exec("COPY c FROM STDIN"), PgError);  // not through exec: and no hang
    EXPECT_EQ(conn_->query("SELECT 2").integer(0, 0), 2);
}

TEST_F(PgConnectionTest, BadSqlIsOneLineWithItsSqlstate) {
    try {
        conn_->exec("SELECT * FROM no_such_table");
        FAIL() << "no error";
    } catch (const PgError& e) {
        EXPECT_STREQ(e.what(), "relation \"no_such_table\" does not exist");
        EXPECT_EQ(e.sqlstate(), "42P01");
        EXPECT_FALSE(e.connectionLost());
    }
    try {
        conn_->query("SELEC 1");
        FAIL() << "no error";
    } catch (const PgError& e) {
        EXPECT_TRUE(oneLine(e.what())) << e.what();
        EXPECT_EQ(e.sqlstate(), "42601");
    }
    EXPECT_EQ(conn_->query("SELECT 3").integer(0, 0), 3);
}

TEST_F(PgConnectionTest, WrongPasswordIsOneLineWithoutThePassword) {
    PgCluster& cluster = PgCluster::shared();
    EXPECT_EQ(PgConnection(cluster.passwordUrl("secret")).query("SELECT current_user").text(0, 0), "shipper");
    try {
        PgConnection wrong(cluster.passwordUrl("hunter2-wrong"));
        FAIL() << "a wrong password connected";
    } catch (const PgError& e) {
        const std::string what = e.what();
        EXPECT_TRUE(oneLine(what)) << what;
        EXPECT_EQ(what.find("hunter2"), std::string::npos) << what;
        EXPECT_NE(what.find("password authentication failed"), std::string::npos) << what;
        EXPECT_NE(what.find("password=***"), std::string::npos) << what;
        EXPECT_EQ(what.find("FATAL"), std::string::npos) << what;
    }
}

TEST(PgConnectionLoss, NoServerIsConnectionLost) {
    try {
        PgConnection conn("postgresql:///postgres?host=/nonexistent/rtmtap-socket&port=5432&user=x&password=pw1");
        FAIL() << "connected to nothing";
    } catch (const PgError& e) {
        const std::string what = e.what();
        EXPECT_TRUE(e.connectionLost());
        EXPECT_TRUE(oneLine(what)) << what;
        EXPECT_EQ(what.rfind("cannot connect to postgresql:///postgres?host=/nonexistent/rtmtap-socket", 0), 0u) << what;
        EXPECT_EQ(what.find("pw1"), std::string::npos) << what;
    }
}

TEST(PgConnectionLoss, RestartSurfacesAsConnectionLostThenReconnects) {
    RTMTAP_SKIP_WITHOUT_POSTGRES();
    PgCluster cluster;
    std::string url = cluster.createDatabase();
    PgConnection conn(url);
    conn.exec("CREATE TABLE k (v int); INSERT INTO k VALUES (41)");
    EXPECT_GE(conn.serverVersion(), 100000);
    cluster.restart();
    try {
        conn.query("SELECT v FROM k");
        FAIL() << "the old session survived a restart";
    } catch (const PgError& e) {
        EXPECT_TRUE(e.connectionLost()) << e.what() << " " << e.sqlstate();
        EXPECT_TRUE(oneLine(e.what())) << e.what();
    }
    PgConnection again(url);
    EXPECT_EQ(again.query("SELECT v + 1 FROM k").integer(0, 0), 42);

    cluster.stop();
    EXPECT_THROW(again.query("SELECT 1"), PgError);
    try {
        PgConnection none(url);
        FAIL() << "connected to a stopped server";
    } catch (const PgError& e) {
        EXPECT_TRUE(e.connectionLost());
    }
    cluster.start();
    EXPECT_EQ(PgConnection(url).query("SELECT count(*) FROM k").integer(0, 0), 1);
}

}  // namespace
}  // namespace rtmtap::pg
