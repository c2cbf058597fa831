#pragma once
// `rtmtap ship [--db FILE] --to URL [--init] [--follow] [--proxy-name NAME] [--batch N]`: moves a
// local recording into PostgreSQL (pg/Shipper, docs/postgresql.md), once or following the file.
#include "pg/Shipper.h"

#include <ostream>

namespace rtmtap::cli {

struct ShipOptions {
    pg::ShipperOptions shipper;
    bool init = false;
    bool follow = false;
    bool dbGiven = false;  // --init alone (no --db) only makes the schema
};

// 0 shipped (or stopped by a signal while following), 1 a failure (one line on err), 2 usage.
int runShip(const ShipOptions& options, std::ostream& out, std::ostream& err, const pg::Shipper::Pause& pause);

}  // namespace rtmtap::cli
