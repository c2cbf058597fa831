#pragma once
// A small RAII wrapper over one sqlite3 connection. Every failure throws DatabaseError with the
// SQLite message and the database path.
#include "DatabaseError.h"

#include <string>

struct sqlite3;

namespace rtmtap {

class Database {
public:
    enum class Mode { ReadOnly, ReadWrite, ReadWriteCreate };

    // ReadWriteCreate creates a missing file with mode 0600 before SQLite opens it (SQLite then
    // gives the -wal and -shm files the same mode). ReadOnly never creates: a missing file is an
    // error. ReadWrite writes an existing file and never creates one.
    Database(const std::string& path, Mode mode);
    ~Database();
    Database(const Database&) = delete;
    Database& operator=(const Database&) = delete;

    // Runs one or more statements that return no rows the caller needs.
    void exec(const std::string& sql);
    int64_t queryInt(const std::string& sql);  // the first column of the first row (0 when none)

    // True when the file was unlinked or renamed since it was opened: writes then go nowhere.
    bool fileMoved() const;

    sqlite3* handle() const { return db_; }
    const std::string& path() const { return path_; }

    // Throws DatabaseError for rc, built from the connection's current error message (and errno,
    // unless the caller saved it: -1).
    [[noreturn]] void fail(int rc, const std::string& action, int sysErrno = -1) const;

private:
    std::string path_;
    sqlite3* db_ = nullptr;
};

}  // namespace rtmtap
