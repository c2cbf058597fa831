#pragma once
// The one place that turns a --db string into a Reader: every command, the viewer and replay
// call openReader, so a new backend is added here and nowhere else. In pg/, which knows both
// backends (store/ cannot depend on libpq).
#include "store/Reader.h"

#include <memory>
#include <string>

namespace rtmtap {

// True for a postgresql:// or postgres:// URL (libpq's two schemes), false for a file path.
bool isPostgresUrl(const std::string& db);

// A Reader of db: a PostgreSQL URL's rtmtap schema (pg/PgReader), else a SQLite file's path
// (store/SqliteReader). Throws std::runtime_error with a one-line reason (what they throw).
std::unique_ptr<Reader> openReader(const std::string& db);

}  // namespace rtmtap
