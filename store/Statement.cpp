#include "Statement.h"

#include <sqlite3.h>

namespace rtmtap {

Statement::Statement(Database& db, const std::string& sql) : db_(db) {
    // PERSISTENT: these statements live as long as the connection and are reused for every row.
    int rc = sqlite3_prepare_v3(db.handle(), sql.c_str(), -1, SQLITE_PREPARE_PERSISTENT, &stmt_, nullptr);
    if (rc != SQLITE_OK) {
        db.fail(rc, "cannot prepare a statement on");
    }
}

Statement::~Statement() {
    sqlite3_finalize(stmt_);
}

void Statement::bind(int index, int64_t value) {
    sqlite3_bind_int64(stmt_, index, value);
}

void Statement::bind(int index, const std::optional<int64_t>& value) {
    if (value) {
        sqlite3_bind_int64(stmt_, index, *value);
    } else {
        sqlite3_bind_null(stmt_, index);
    }
}

void Statement::bindText(int index, std::string_view text) {
    // A non-null pointer even for "": a null one would bind NULL.
    sqlite3_bind_text64(stmt_, index, text.empty() ? "" : text.data(), text.size(), SQLITE_STATIC, SQLITE_UTF8);
}

void Statement::bindTextOrNull(int index, std::string_view text) {
    if (text.empty()) {
        sqlite3_bind_null(stmt_, index);
    } else {
        bindText(index, text);
    }
}

void Statement::bindBlob(int index, std::string_view bytes) {
    sqlite3_bind_blob64(stmt_, index, bytes.empty() ? "" : bytes.data(), bytes.size(), SQLITE_STATIC);
}

void Statement::bindReal(int index, double value) {
    sqlite3_bind_double(stmt_, index, value);
}

void Statement::bindNull(int index) {
    sqlite3_bind_null(stmt_, index);
}

bool Statement::step() {
    int rc = sqlite3_step(stmt_);
    if (rc == SQLITE_ROW) {
        return true;
    }
    if (rc == SQLITE_DONE) {
        return false;
    }
    // Reset first so the statement is reusable; the error message survives the reset, the
    // errno behind an I/O error does not.
    const int sysErrno = sqlite3_system_errno(db_.handle());
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
    db_.fail(rc, sqlite3_stmt_readonly(stmt_) ? "cannot read" : "cannot write", sysErrno);
}

void Statement::run() {
    while (step()) {
    }
    reset();
}

void Statement::reset() {
    sqlite3_reset(stmt_);
    sqlite3_clear_bindings(stmt_);
}

bool Statement::isNull(int column) const {
    return sqlite3_column_type(stmt_, column) == SQLITE_NULL;
}

int64_t Statement::columnInt(int column) const {
    return sqlite3_column_int64(stmt_, column);
}

std::optional<int64_t> Statement::columnOptInt(int column) const {
    if (isNull(column)) {
        return std::nullopt;
    }
    return sqlite3_column_int64(stmt_, column);
}

std::string Statement::columnText(int column) const {
    const unsigned char* text = sqlite3_column_text(stmt_, column);
    if (!text) {
        return {};
    }
    return std::string(reinterpret_cast<const char*>(text), sqlite3_column_bytes(stmt_, column));
}

std::string Statement::columnBlob(int column) const {
    const void* data = sqlite3_column_blob(stmt_, column);
    if (!data) {
        return {};
    }
    return std::string(static_cast<const char*>(data), sqlite3_column_bytes(stmt_, column));
}

}  // namespace rtmtap
