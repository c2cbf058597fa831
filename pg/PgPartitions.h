#pragma once
// The day partitions of rtmtap.frames (docs/postgresql.md): rtmtap.frames_YYYYMMDD holds one UTC
// day of wall_us; times before 2000-01-01 or from 2100-01-01 go to the DEFAULT partition
// rtmtap.frames_other (made with the schema). Remembers the days it made or found, so a batch of
// known days costs no round trip.
#include <cstdint>
#include <set>
#include <string>
#include <vector>

namespace rtmtap::pg {

class PgConnection;

class PgPartitions {
public:
    // The day (days since 1970-01-01 UTC, floor) of a wall clock time in µs.
    static int64_t dayOf(int64_t wallUs);
    // True when the day has a partition of its own (2000-01-01 <= day < 2100-01-01).
    static bool hasOwnPartition(int64_t day);
    // "frames_20240131" for the day.
    static std::string tableName(int64_t day);

    // Makes the partitions the times need that are not known yet, each in a short transaction of
    // its own (the connection must not be in one). Two shippers making the same day at once are
    // serialised by an advisory lock; a day someone else made meanwhile is simply found.
    void ensure(PgConnection& db, const std::vector<int64_t>& wallUs);
    // The same inside the caller's transaction (a batch met a day ensure() was not told about).
    void ensureInTransaction(PgConnection& db, const std::vector<int64_t>& wallUs);

    // Forgets what it knows (a day may have been dropped while the shipper was away).
    void forget() { known_.clear(); }

private:
    std::vector<int64_t> unknownDays(const std::vector<int64_t>& wallUs) const;
    static void make(PgConnection& db, int64_t day);

    std::set<int64_t> known_;
};

}  // namespace rtmtap::pg
