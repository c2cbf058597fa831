#include "OpenReader.h"

#include "SqliteReader.h"

#include <stdexcept>

namespace rtmtap {

bool isPostgresUrl(const std::string& db) {
    return db.rfind("postgresql://", 0) == 0 || db.rfind("postgres://", 0) == 0;
}

std::unique_ptr<Reader> openReader(const std::string& db) {
    if (isPostgresUrl(db)) {
        // Only the scheme: the rest of the URL may hold a password.
        throw std::runtime_error(db.substr(0, db.find("://")) + "://...: this rtmtap reads PostgreSQL through the pg module");
    }
    return std::make_unique<SqliteReader>(db);
}

}  // namespace rtmtap
