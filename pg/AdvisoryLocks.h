#pragma once
// The keys of rtmtap's PostgreSQL advisory locks, in one place so that no two uses share one.
// Every rtmtap on a server must take the same key for the same use: never renumber them.
#include <cstdint>
#include <string>

namespace rtmtap::pg::lock {

constexpr int64_t kSchema = 125779640411232;  // schema creation and migration (PgSchema), exclusive
constexpr int64_t kPartitions = kSchema + 1;  // making day partitions (PgPartitions), exclusive
constexpr int64_t kShipBatch = kSchema + 2;   // a ship batch in flight (ShipLock), shared

// "SELECT pg_advisory_xact_lock(key)": held until the transaction ends.
inline std::string transactionLock(int64_t key) {
    return "SELECT pg_advisory_xact_lock(" + std::to_string(key) + ")";
}

}  // namespace rtmtap::pg::lock
