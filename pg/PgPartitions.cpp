#include "PgPartitions.h"

#include "AdvisoryLocks.h"
#include "PgConnection.h"
#include "PgError.h"

#include <ctime>

namespace rtmtap::pg {
namespace {

constexpr int64_t kDayUs = 86'400'000'000;
constexpr int64_t kFirstDay = 10'957;  // 2000-01-01
constexpr int64_t kEndDay = 47'482;    // 2100-01-01

}  // namespace

int64_t PgPartitions::dayOf(int64_t wallUs) {
    // Floor division: a time before 1970 belongs to the day before, not to day 0.
    int64_t day = wallUs / kDayUs;
    if (wallUs % kDayUs < 0) {
        --day;
    }
    return day;
}

bool PgPartitions::hasOwnPartition(int64_t day) {
    return day >= kFirstDay && day < kEndDay;
}

std::string PgPartitions::tableName(int64_t day) {
    std::time_t seconds = static_cast<std::time_t>(day * 86'400);
    std::tm utc{};
    gmtime_r(&seconds, &utc);
    char name[32];
    std::strftime(name, sizeof(name), "frames_%Y%m%d", &utc);
    return name;
}

std::vector<int64_t> PgPartitions::unknownDays(const std::vector<int64_t>& wallUs) const {
    std::set<int64_t> days;
    for (int64_t us : wallUs) {
        int64_t day = dayOf(us);
        if (hasOwnPartition(day) && !known_.count(day)) {
            days.insert(day);
        }
    }
    return {days.begin(), days.end()};
}

void PgPartitions::make(PgConnection& db, int64_t day) {
    const std::string table = "rtmtap." + tableName(day);
    try {
        db.exec("CREATE TABLE IF NOT EXISTS " + table + " PARTITION OF rtmtap.frames FOR VALUES FROM (" +
                std::to_string(day * kDayUs) + ") TO (" + std::to_string((day + 1) * kDayUs) + ")");
    } catch (const PgError& e) {
        // 42P07: made by a shipper that did not take the lock (an older rtmtap, a person).
        if (e.sqlstate() != "42P07") {
            throw;
        }
    }
}

void PgPartitions::ensureInTransaction(PgConnection& db, const std::vector<int64_t>& wallUs) {
    std::vector<int64_t> days = unknownDays(wallUs);
    if (days.empty()) {
        return;
    }
    db.exec(lock::transactionLock(lock::kPartitions));
    for (int64_t day : days) {
        make(db, day);
    }
    // Not remembered: the caller's transaction may still roll back, and the next ensure() finds
    // the days made (CREATE ... IF NOT EXISTS) if it did not.
}

void PgPartitions::ensure(PgConnection& db, const std::vector<int64_t>& wallUs) {
    std::vector<int64_t> days = unknownDays(wallUs);
    for (int64_t day : days) {
        db.exec("BEGIN");
        try {
            db.exec(lock::transactionLock(lock::kPartitions));
            make(db, day);
            db.exec("COMMIT");
        } catch (...) {
            if (db.inTransaction()) {
                db.exec("ROLLBACK");
            }
            throw;
        }
        known_.insert(day);
    }
}

}  // namespace rtmtap::pg
