#pragma once
// Ships a recorded SQLite file into a PostgreSQL database (pg::Shipper, schema made on the way),
// for the tests that read the same recording from both stores.
#include <cstdint>
#include <map>
#include <string>

namespace rtmtap::test {

// Ships dbPath into url as source proxyName ("" for the shipper's default). Throws
// std::runtime_error with the shipper's one line when it fails.
void shipInto(const std::string& dbPath, const std::string& url, const std::string& proxyName = "");
// A new database of PgCluster::shared() holding dbPath, shipped once; its URL.
std::string shipToNewDatabase(const std::string& dbPath, const std::string& proxyName = "");

struct ShippedSession {
    int64_t localId = 0;
    std::string source;  // rtmtap.sources.name
};
// rtmtap.sessions.id -> what it was in its file.
std::map<int64_t, ShippedSession> shippedSessions(const std::string& url);
// The server's id of local session localId of source (by name); throws when there is none.
int64_t serverSessionId(const std::string& url, const std::string& source, int64_t localId);

}  // namespace rtmtap::test
