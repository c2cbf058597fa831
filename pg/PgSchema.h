#pragma once
// The server schema `rtmtap` (docs/postgresql.md) and its version, rtmtap.meta('version'). A
// schema is recognised as rtmtap's by meta('app') = 'rtmtap'; anything else is refused rather
// than touched.
#include <string>

namespace rtmtap::pg {

class PgConnection;

class PgSchema {
public:
    static constexpr int kVersion = 1;

    // Creates or migrates the schema, in one transaction under an advisory lock (two `ship
    // --init` at once are safe; a second one finds the work done). Returns the version found
    // before (0: none). Throws a one-line PgError for a schema that is not rtmtap's or newer.
    static int init(PgConnection& db, const std::string& url);
    // For shippers and readers: the schema must be rtmtap's and this build's version. Throws a
    // one-line PgError naming url (its password redacted) and what to do. Returns the version.
    static int check(PgConnection& db, const std::string& url);

private:
    // The version, 0 when there is no schema; throws for a schema that is not rtmtap's.
    static int version(PgConnection& db, const std::string& url);
};

}  // namespace rtmtap::pg
