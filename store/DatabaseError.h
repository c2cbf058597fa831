#pragma once
// A failed SQLite call: what() is one line naming the database and the problem; code() and
// sqliteMessage() let the writer report a failure in its own words.
#include <stdexcept>
#include <string>

namespace rtmtap {

class DatabaseError : public std::runtime_error {
public:
    DatabaseError(const std::string& what, int code, std::string sqliteMessage)
        : std::runtime_error(what), code_(code), sqliteMessage_(std::move(sqliteMessage)) {}
    int code() const { return code_; }  // SQLite's primary or extended result code
    const std::string& sqliteMessage() const { return sqliteMessage_; }

private:
    int code_;
    std::string sqliteMessage_;
};

}  // namespace rtmtap
