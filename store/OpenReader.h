#pragma once
// The one place that turns a --db string into a Reader: every command, the viewer and replay
// call openReader, so a new backend is added here and nowhere else.
#include "Reader.h"

#include <memory>
#include <string>

namespace rtmtap {

// True for a postgresql:// or postgres:// URL (libpq's two schemes), false for a file path.
bool isPostgresUrl(const std::string& db);

// A Reader of db: a SQLite file's path. Throws std::runtime_error with a one-line reason (what
// SqliteReader throws; a PostgreSQL URL, which this build does not read yet).
std::unique_ptr<Reader> openReader(const std::string& db);

}  // namespace rtmtap
