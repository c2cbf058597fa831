#include "FrameRecheck.h"

#include <sqlite3.h>

#include <stdexcept>
#include <utility>
#include <variant>

namespace rtmtap::pg {
namespace {

// ?1..?4 are the frame's columns; the condition's own parameters follow.
constexpr int kFirstConditionParam = 5;

void bindValue(sqlite3_stmt* stmt, int index, const SqlValue& value) {
    if (const auto* i = std::get_if<int64_t>(&value)) {
        sqlite3_bind_int64(stmt, index, *i);
    } else if (const auto* d = std::get_if<double>(&value)) {
        sqlite3_bind_double(stmt, index, *d);
    } else {
        const std::string& text = std::get<std::string>(value);
        sqlite3_bind_text(stmt, index, text.data(), static_cast<int>(text.size()), SQLITE_STATIC);
    }
}

}  // namespace

FrameRecheck::FrameRecheck(std::vector<std::string> words, std::vector<JsonCondition> wheres) {
    FrameFilter filter;
    filter.words = std::move(words);
    filter.wheres = std::move(wheres);
    if (filter.empty()) {
        return;
    }
    sql_ = toSql(filter, kFirstConditionParam, WordMatch::Scan);
    std::string select = "SELECT (" + sql_.condition +
                         ") FROM (SELECT ?1 AS op, ?2 AS kind, ?3 AS flags, ?4 AS payload) AS f";
    if (sqlite3_open_v2(":memory:", &db_, SQLITE_OPEN_READWRITE | SQLITE_OPEN_MEMORY, nullptr) != SQLITE_OK ||
        sqlite3_prepare_v2(db_, select.c_str(), -1, &stmt_, nullptr) != SQLITE_OK) {
        std::string message = db_ ? sqlite3_errmsg(db_) : "out of memory";
        sqlite3_close(db_);
        db_ = nullptr;
        throw std::runtime_error("cannot check frames in memory: " + message);
    }
    for (size_t i = 0; i < sql_.values.size(); ++i) {
        bindValue(stmt_, kFirstConditionParam + static_cast<int>(i), sql_.values[i]);
    }
}

FrameRecheck::~FrameRecheck() {
    sqlite3_finalize(stmt_);
    sqlite3_close(db_);
}

bool FrameRecheck::passes(int op, int kind, uint32_t flags, std::string_view payload) {
    if (!stmt_) {
        return true;
    }
    sqlite3_bind_int(stmt_, 1, op);
    sqlite3_bind_int(stmt_, 2, kind);
    sqlite3_bind_int64(stmt_, 3, flags);
    // As the recorder stores it: a blob (store/FrameWriter.cpp), zero-length rather than NULL.
    if (payload.empty()) {
        sqlite3_bind_zeroblob(stmt_, 4, 0);
    } else {
        sqlite3_bind_blob64(stmt_, 4, payload.data(), payload.size(), SQLITE_STATIC);
    }
    bool pass = sqlite3_step(stmt_) == SQLITE_ROW && sqlite3_column_int(stmt_, 0) != 0;
    sqlite3_reset(stmt_);
    return pass;
}

}  // namespace rtmtap::pg
