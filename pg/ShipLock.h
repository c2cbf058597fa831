#pragma once
// Frame ids come from one sequence (rtmtap.frame_ids), so two shippers' batches can commit out of
// id order: batch A takes ids 100-199, batch B 200-299 and commits first. A follower (tail, the
// ui's live list) that read up to 299 would then never see 100-199. Each batch transaction holds
// a shared advisory lock from before its first id until it ends (holdShipLock); a follower reads
// only up to settledFrameId(): the ids handed out so far, once every batch that was in flight
// when they were read has ended (pg_locks is readable by every role, unlike pg_stat_activity's
// other sessions).
#include <chrono>
#include <cstdint>

namespace rtmtap::pg {

class PgConnection;

// In a shipper's batch transaction, before anything takes an id.
void holdShipLock(PgConnection& db);

// The highest id below which no frame can still appear: waits (polling every 20 ms) until the
// batches in flight at the call have ended, at most `wait`; past it (a stalled shipper), the ids
// handed out so far anyway.
int64_t settledFrameId(PgConnection& db, std::chrono::milliseconds wait = std::chrono::seconds(5));

}  // namespace rtmtap::pg
