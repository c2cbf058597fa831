#pragma once
// A failed SQLite call: what() is one line naming the database and the problem; code() and
// sqliteMessage() let the writer report a failure in its own words; sysErrno() is the errno of the
// failed system call behind an I/O error (0 when none), which tells a read-only file from a bad disk.
#include <stdexcept>
#include <string>

namespace rtmtap {

class DatabaseError : public std::runtime_error {
public:
    DatabaseError(const std::string& what, int code, std::string sqliteMessage, int sysErrno = 0)
        : std::runtime_error(what), code_(code), sysErrno_(sysErrno), sqliteMessage_(std::move(sqliteMessage)) {}
    int code() const { return code_; }  // SQLite's primary or extended result code
    int sysErrno() const { return sysErrno_; }
    const std::string& sqliteMessage() const { return sqliteMessage_; }

private:
    int code_;
    int sysErrno_;
    std::string sqliteMessage_;
};

}  // namespace rtmtap
