#include "Database.h"

#include <sqlite3.h>

#include <cerrno>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

namespace rtmtap {
namespace {

std::string describeErrno(int err) {
    switch (err) {
        case ENOENT: return "no such file or directory";
        case EACCES: return "permission denied (check the file's owner and mode, or pass --db)";
        case EISDIR: return "is a directory";
        default: return std::strerror(err);
    }
}

// SQLite creates a missing database with mode 0644 (less umask); we want 0600, and SQLite gives
// the -wal and -shm files the mode of the database file, so creating it first covers all three.
void createPrivateFile(const std::string& path) {
    int fd = ::open(path.c_str(), O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0600);
    if (fd >= 0) {
        ::close(fd);
        return;
    }
    if (errno != EEXIST) {
        int err = errno;
        throw DatabaseError("cannot create database '" + path + "': " + describeErrno(err) +
                                " (check that the directory exists and is writable, or pass --db)",
                            SQLITE_CANTOPEN, describeErrno(err));
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) == 0 && S_ISDIR(st.st_mode)) {
        throw DatabaseError("cannot open database '" + path + "': it is a directory (pass --db with a file path)",
                            SQLITE_CANTOPEN, "is a directory");
    }
}

void requireExisting(const std::string& path) {
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        int err = errno;
        throw DatabaseError("cannot open database '" + path + "': " + describeErrno(err) +
                                " (rtmtap sessions lists what a database holds; pass --db or set RTMTAP_DB)",
                            SQLITE_CANTOPEN, describeErrno(err));
    }
    if (S_ISDIR(st.st_mode)) {
        throw DatabaseError("cannot open database '" + path + "': is a directory", SQLITE_CANTOPEN,
                            "is a directory");
    }
}

}  // namespace

Database::Database(const std::string& path, Mode mode) : path_(path) {
    int flags = SQLITE_OPEN_NOMUTEX;
    if (mode == Mode::ReadWriteCreate) {
        createPrivateFile(path);
    } else {
        requireExisting(path);
    }
    flags |= mode == Mode::ReadOnly ? SQLITE_OPEN_READONLY : SQLITE_OPEN_READWRITE;
    int rc = sqlite3_open_v2(path.c_str(), &db_, flags, nullptr);
    if (rc != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : sqlite3_errstr(rc);
        sqlite3_close(db_);
        db_ = nullptr;
        throw DatabaseError("cannot open database '" + path + "': " + message, rc, message);
    }
    if (mode != Mode::ReadOnly && sqlite3_db_readonly(db_, "main") == 1) {
        sqlite3_close(db_);
        db_ = nullptr;
        throw DatabaseError("cannot write database '" + path + "': the file is read-only (check its mode or pass --db)",
                            SQLITE_READONLY, "the file is read-only");
    }
    sqlite3_extended_result_codes(db_, 1);
    // Readers and a second writer wait briefly for a lock rather than failing at once.
    sqlite3_busy_timeout(db_, 5000);
}

Database::~Database() {
    // Statements are owned by their users and finalized before the connection goes.
    sqlite3_close_v2(db_);
}

void Database::exec(const std::string& sql) {
    char* error = nullptr;
    int rc = sqlite3_exec(db_, sql.c_str(), nullptr, nullptr, &error);
    if (rc != SQLITE_OK) {
        std::string message = error ? error : sqlite3_errstr(rc);
        sqlite3_free(error);
        throw DatabaseError("database '" + path_ + "': " + message, rc, message, sqlite3_system_errno(db_));
    }
}

int64_t Database::queryInt(const std::string& sql) {
    sqlite3_stmt* stmt = nullptr;
    int rc = sqlite3_prepare_v2(db_, sql.c_str(), -1, &stmt, nullptr);
    if (rc != SQLITE_OK) {
        fail(rc, "cannot read");
    }
    rc = sqlite3_step(stmt);
    int64_t value = rc == SQLITE_ROW ? sqlite3_column_int64(stmt, 0) : 0;
    sqlite3_finalize(stmt);
    if (rc != SQLITE_ROW && rc != SQLITE_DONE) {
        fail(rc, "cannot read");
    }
    return value;
}

bool Database::fileMoved() const {
    int moved = 0;
    return sqlite3_file_control(db_, "main", SQLITE_FCNTL_HAS_MOVED, &moved) == SQLITE_OK && moved != 0;
}

void Database::fail(int rc, const std::string& action, int sysErrno) const {
    std::string message = sqlite3_errmsg(db_);
    if (message.empty() || message == "not an error") {
        message = sqlite3_errstr(rc);
    }
    throw DatabaseError(action + " database '" + path_ + "': " + message, rc, message,
                        sysErrno >= 0 ? sysErrno : sqlite3_system_errno(db_));
}

}  // namespace rtmtap
