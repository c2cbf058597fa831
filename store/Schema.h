#pragma once
// The database layout (docs/schema.md) and its version, PRAGMA user_version. A database is
// recognised as rtmtap's by meta.app = 'rtmtap'; anything else is refused rather than touched.
#include "Database.h"

#include <string>

namespace rtmtap {

class Schema {
public:
    static constexpr int kVersion = 12;

    // For the recorder: checks the file is empty or rtmtap's, switches it to WAL with
    // synchronous=NORMAL and creates or migrates the tables. Throws a one-line DatabaseError.
    static void prepareForWriting(Database& db);
    // For readers: the file must be an rtmtap database this build understands. An older one is
    // migrated first (through a writable connection of its own); a file that cannot be written
    // then is refused with a one-line DatabaseError.
    static void checkForReading(Database& db);
    // The file's identity, meta.db_id (version 12): 32 hex digits made once when the file was
    // created or migrated. Throws a one-line DatabaseError when it has none (an older file).
    static std::string databaseId(Database& db);

private:
    // Returns the user_version after checking the file can be used at all.
    static int checkedVersion(Database& db, bool emptyIsOk);
    static void migrate(Database& db);
};

}  // namespace rtmtap
