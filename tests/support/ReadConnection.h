#pragma once
// A read-only SQLite connection to a recording, for tests that check rows (ProxyHarness, process
// tests of the binary). The recorder may still be writing: WAL allows it, and a busy database is
// waited for up to 5 s. Errors throw std::runtime_error with the SQL and SQLite's message.
#include <sqlite3.h>

#include <cstdint>
#include <stdexcept>
#include <string>

namespace rtmtap::test {

// A TEXT or BLOB column as bytes ("" for NULL).
std::string columnText(sqlite3_stmt* stmt, int col);

class ReadConnection {
public:
    explicit ReadConnection(const std::string& path);
    ~ReadConnection();
    ReadConnection(const ReadConnection&) = delete;
    ReadConnection& operator=(const ReadConnection&) = delete;

    // Runs sql and calls fn for each row.
    template <class Fn>
    void each(const std::string& sql, Fn fn) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            throw std::runtime_error("bad query '" + sql + "': " + sqlite3_errmsg(db_));
        }
        int rc;
        while ((rc = sqlite3_step(stmt)) == SQLITE_ROW) {
            fn(stmt);
        }
        sqlite3_finalize(stmt);
        if (rc != SQLITE_DONE) {
            throw std::runtime_error("query failed '" + sql + "': " + sqlite3_errmsg(db_));
        }
    }

    // The first column of the last row (0 or "" when there is none).
    int64_t integer(const std::string& sql);
    std::string text(const std::string& sql);

private:
    sqlite3* db_ = nullptr;
};

}  // namespace rtmtap::test
