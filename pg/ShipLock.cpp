#include "ShipLock.h"

#include "AdvisoryLocks.h"
#include "PgConnection.h"
#include "PgResult.h"

#include <set>
#include <string>
#include <thread>

namespace rtmtap::pg {
namespace {

// In pg_locks a bigint key shows as classid (high half), objid (low half), objsubid 1.
std::set<std::string> batchesInFlight(PgConnection& db) {
    PgResult r = db.query(
        "SELECT virtualtransaction FROM pg_locks WHERE locktype = 'advisory' AND granted AND objsubid = 1 AND "
        "(classid::bigint << 32 | objid::bigint) = $1 AND pid <> pg_backend_pid()",
        {std::to_string(lock::kShipBatch)});
    std::set<std::string> batches;
    for (int i = 0; i < r.rows(); ++i) {
        batches.insert(r.text(i, 0));
    }
    return batches;
}

}  // namespace

void holdShipLock(PgConnection& db) {
    db.query("SELECT pg_advisory_xact_lock_shared($1)", {std::to_string(lock::kShipBatch)});
}

int64_t settledFrameId(PgConnection& db, std::chrono::milliseconds wait) {
    PgResult handedOut = db.query("SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM rtmtap.frame_ids");
    const int64_t upTo = handedOut.rows() ? handedOut.integer(0, 0) : 0;
    // Read after the sequence: a batch holding an id up to upTo took it under the lock, so it is
    // among these until it commits or rolls back.
    std::set<std::string> inFlight = batchesInFlight(db);
    const auto deadline = std::chrono::steady_clock::now() + wait;
    while (!inFlight.empty() && std::chrono::steady_clock::now() < deadline) {
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
        std::set<std::string> now = batchesInFlight(db);
        std::set<std::string> still;
        for (const std::string& batch : inFlight) {
            if (now.count(batch)) {
                still.insert(batch);
            }
        }
        inFlight = std::move(still);
    }
    return upTo;
}

}  // namespace rtmtap::pg
