// pg/ShipLock: frame ids come from one sequence, so concurrent shippers commit out of id order; a
// follower reads only up to settledFrameId(), which waits for the batches in flight, and every
// shipper batch holds the lock that makes it visible as in flight.
#include "pg/AdvisoryLocks.h"
#include "pg/PgConnection.h"
#include "pg/PgSchema.h"
#include "pg/ShipLock.h"
#include "pg/Shipper.h"
#include "tests/support/BigSession.h"
#include "tests/support/PgCluster.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <chrono>
#include <thread>

namespace rtmtap {
namespace {

using pg::PgConnection;
using test::PgCluster;

class ShipLockTest : public ::testing::Test {
protected:
    void SetUp() override {
        RTMTAP_SKIP_WITHOUT_POSTGRES();
        url_ = PgCluster::shared().createDatabase();
    }

    int64_t count(const std::string& sql) {
        PgConnection db(url_);
        return db.query(sql).integer(0, 0);
    }

    test::TempDir dir_;
    std::string url_;
};

// Batch a takes ids 1 and 2, batch b id 3 and commits first: the follower is told 3 only once a
// has committed too, so what it then reads holds a's frames.
TEST_F(ShipLockTest, AFollowerIsToldWhereToReadUpToOnlyOnceTheBatchesInFlightEnded) {
    PgConnection setup(url_);
    pg::PgSchema::init(setup, url_);
    PgConnection a(url_), b(url_), follower(url_);
    a.exec("BEGIN");
    pg::holdShipLock(a);
    a.query("SELECT nextval('rtmtap.frame_ids'), nextval('rtmtap.frame_ids')");
    b.exec("BEGIN");
    pg::holdShipLock(b);
    b.query("SELECT nextval('rtmtap.frame_ids')");
    b.exec("COMMIT");
    std::thread late([&] {
        std::this_thread::sleep_for(std::chrono::milliseconds(300));
        a.exec("INSERT INTO rtmtap.meta VALUES ('batch a', 'committed')");
        a.exec("COMMIT");
    });
    const int64_t upTo = pg::settledFrameId(follower, std::chrono::seconds(30));
    const bool aVisible = follower.query("SELECT count(*) FROM rtmtap.meta WHERE key = 'batch a'").integer(0, 0) == 1;
    late.join();
    EXPECT_EQ(upTo, 3);
    EXPECT_TRUE(aVisible) << "told where to read before batch a ended";

    // Nothing in flight: no wait, the ids handed out so far.
    EXPECT_EQ(pg::settledFrameId(follower, std::chrono::seconds(0)), 3);
}

// With the lock held exclusively (as no follower does; here to see the shipper wait for it), a
// ship commits nothing until it is released: every batch takes it before its first id.
TEST_F(ShipLockTest, EveryShipperBatchHoldsTheLock) {
    const std::string db = dir_.file("a.db");
    test::writeBigSession(db, 500);
    {
        PgConnection setup(url_);
        pg::PgSchema::init(setup, url_);
    }
    PgConnection holder(url_);
    holder.query("SELECT pg_advisory_lock($1)", {std::to_string(pg::lock::kShipBatch)});
    pg::ShipperOptions options;
    options.dbPath = db;
    options.url = url_;
    options.retryForMs = 60'000;
    pg::Shipper shipper(options, [](const std::string&) {});
    std::thread ship([&] { shipper.shipAll([](int) { return false; }); });
    std::this_thread::sleep_for(std::chrono::milliseconds(500));
    const int64_t whileHeld = count("SELECT count(*) FROM rtmtap.frames");
    holder.query("SELECT pg_advisory_unlock($1)", {std::to_string(pg::lock::kShipBatch)});
    ship.join();
    EXPECT_EQ(whileHeld, 0);
    EXPECT_EQ(count("SELECT count(*) FROM rtmtap.frames"), 500);
}

}  // namespace
}  // namespace rtmtap
