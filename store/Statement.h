#pragma once
// A prepared statement, prepared once and reused. Bound text and blobs are not copied: they must
// stay alive until the statement is reset (run() and the end of a row loop do that).
#include "Database.h"

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

struct sqlite3_stmt;

namespace rtmtap {

class Statement {
public:
    Statement(Database& db, const std::string& sql);
    ~Statement();
    Statement(const Statement&) = delete;
    Statement& operator=(const Statement&) = delete;

    // Parameter indexes start at 1, as in SQLite.
    void bind(int index, int64_t value);
    void bind(int index, const std::optional<int64_t>& value);
    void bindText(int index, std::string_view text);            // "" binds '' (not NULL)
    void bindTextOrNull(int index, std::string_view text);      // "" binds NULL
    void bindBlob(int index, std::string_view bytes);           // empty binds a zero-length blob
    void bindNull(int index);
    void bindText(int index, const char* text) { bindText(index, std::string_view(text)); }
    // A temporary would be gone before the statement runs: refused at compile time.
    void bindText(int index, std::string&& text) = delete;
    void bindTextOrNull(int index, std::string&& text) = delete;
    void bindBlob(int index, std::string&& bytes) = delete;
    void bindReal(int index, double value);

    // true when a row is ready, false when done. Throws DatabaseError.
    bool step();
    // Steps to completion, then resets and clears the bindings.
    void run();
    void reset();

    // Column indexes start at 0.
    bool isNull(int column) const;
    int64_t columnInt(int column) const;
    std::optional<int64_t> columnOptInt(int column) const;
    std::string columnText(int column) const;  // NULL gives ""
    std::string columnBlob(int column) const;  // exact bytes, NUL included

private:
    Database& db_;
    sqlite3_stmt* stmt_ = nullptr;
};

}  // namespace rtmtap
