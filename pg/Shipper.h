#pragma once
// `rtmtap ship`: moves what a local SQLite recording holds into the rtmtap schema of a PostgreSQL
// server (docs/postgresql.md), in batches of one transaction each, exactly once: the high-water
// marks in rtmtap.sources move in the batch's own transaction, and a repeat (marks reset, a file
// restored from a backup) meets the frames' key and is skipped (ON CONFLICT DO NOTHING).
#include "FrameBatch.h"
#include "PgPartitions.h"

#include <chrono>
#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <set>
#include <stdexcept>
#include <string>

namespace rtmtap {
class Database;
}

namespace rtmtap::pg {

class PgConnection;

struct ShipperOptions {
    std::string dbPath;
    std::string url;
    std::string proxyName;            // "": defaultProxyName(dbPath)
    bool init = false;                // create or migrate the schema first
    int64_t batchFrames = 10'000;
    int64_t batchBytes = 64 << 20;    // a batch also ends after this many payload bytes
    int pollMs = 250;                 // follow: how often the local file is looked at
    int retryForMs = 60'000;          // one-shot: how long transient errors are retried
};

struct ShipTotals {
    int64_t frames = 0;    // frames inserted (a repeat skipped is not counted)
    int64_t sessions = 0;  // sessions new to the server
    int64_t apiCalls = 0;  // API calls new to the server
};

// A failure that ends a one-shot ship: one line, the password never in it.
class ShipError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

class Shipper {
public:
    using Log = std::function<void(const std::string& line)>;
    // Waits up to ms milliseconds; true when it is time to stop (a signal).
    using Pause = std::function<bool(int ms)>;

    Shipper(ShipperOptions options, Log log);
    ~Shipper();

    // "<hostname>/<db file name>"
    static std::string defaultProxyName(const std::string& dbPath);

    // Ships everything recorded so far and returns. Transient server errors are retried (one
    // line, back-off) for up to retryForMs; throws ShipError for a permanent one, when that time
    // has passed, or when pause says stop while waiting.
    void shipAll(const Pause& pause);
    // Ships as the file grows until pause says stop. Server errors never end it: said once, then
    // retried (a permanent one slowly: someone may fix it). Throws ShipError for a local one.
    void follow(const Pause& pause);

    // One batch (connecting first when needed); true when more is waiting. Throws PgError.
    bool shipBatch();

    const ShipTotals& totals() const { return totals_; }

private:
    void run(const Pause& pause, bool follow);
    void connect();
    bool shipBatch(bool staged);
    void rollbackQuietly();
    std::map<int64_t, int64_t> upsertNames(const std::set<int64_t>& localIds);
    std::map<int64_t, int64_t> upsertSessions(const std::string& copyData);
    void insertFrames(const std::map<int64_t, int64_t>& sessionIds, const std::map<int64_t, int64_t>& nameIds,
                      bool staged);
    int64_t upsertTable(const class ShipTable& table, const std::string& copyData, const std::string& insertSql);

    ShipperOptions options_;
    Log log_;
    std::unique_ptr<Database> local_;
    std::unique_ptr<PgConnection> server_;
    std::string identity_;
    std::string source_;  // rtmtap.sources.id as text, for parameters
    int64_t framesUpto_ = 0;  // the last marks seen (a hint for the partitions; the server's rule)
    PgPartitions partitions_;
    std::map<int64_t, int64_t> nameCache_;  // local names.id -> rtmtap.names.id, committed ones only
    FrameBatch batch_;
    bool saidJson_ = false;
    int64_t insertedFrames_ = 0;       // by the last insertFrames
    int64_t newSessionsInserted_ = 0;  // by the last upsertSessions
    ShipTotals totals_;
};

}  // namespace rtmtap::pg
