#include "OpenReader.h"

#include "PgConnection.h"
#include "PgReader.h"
#include "store/SqliteReader.h"

namespace rtmtap {

bool isPostgresUrl(const std::string& db) {
    return pg::PgConnection::isUrl(db);
}

std::unique_ptr<Reader> openReader(const std::string& db) {
    if (isPostgresUrl(db)) {
        return std::make_unique<pg::PgReader>(db);
    }
    return std::make_unique<SqliteReader>(db);
}

}  // namespace rtmtap
