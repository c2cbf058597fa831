#include "ReadConnection.h"

namespace rtmtap::test {

std::string columnText(sqlite3_stmt* stmt, int col) {
    const void* data = sqlite3_column_blob(stmt, col);
    int size = sqlite3_column_bytes(stmt, col);
    return data ? std::string(static_cast<const char*>(data), static_cast<size_t>(size)) : std::string();
}

ReadConnection::ReadConnection(const std::string& path) {
    if (sqlite3_open_v2(path.c_str(), &db_, SQLITE_OPEN_READONLY, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        throw std::runtime_error("cannot open " + path + ": " + message);
    }
    sqlite3_busy_timeout(db_, 5000);
}

ReadConnection::~ReadConnection() {
    sqlite3_close(db_);
}

int64_t ReadConnection::integer(const std::string& sql) {
    int64_t value = 0;
    each(sql, [&](sqlite3_stmt* s) { value = sqlite3_column_int64(s, 0); });
    return value;
}

std::string ReadConnection::text(const std::string& sql) {
    std::string value;
    each(sql, [&](sqlite3_stmt* s) { value = columnText(s, 0); });
    return value;
}

}  // namespace rtmtap::test
