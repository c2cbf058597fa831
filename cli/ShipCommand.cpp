#include "ShipCommand.h"

#include "Commands.h"
#include "StopSignals.h"

#include "pg/PgConnection.h"
#include "pg/PgError.h"
#include "pg/PgSchema.h"

#include <chrono>
#include <cstdio>
#include <iostream>
#include <memory>

namespace rtmtap::cli {
namespace {

int initOnly(const ShipOptions& options, std::ostream& out, std::ostream& err) {
    try {
        pg::PgConnection db(options.shipper.url);
        const int before = pg::PgSchema::init(db, options.shipper.url);
        const std::string where = pg::PgConnection::redacted(options.shipper.url);
        const std::string version = std::to_string(pg::PgSchema::kVersion);
        if (before == pg::PgSchema::kVersion) {
            out << where << ": rtmtap schema version " << version << " is in place\n";
        } else if (before == 0) {
            out << where << ": rtmtap schema version " << version << " created\n";
        } else {
            out << where << ": rtmtap schema migrated from version " << before << " to " << version << "\n";
        }
        return 0;
    } catch (const pg::PgError& e) {
        err << "rtmtap ship: " << e.what() << "\n";
        return 1;
    }
}

std::string rate(double frames, double seconds) {
    char text[64];
    std::snprintf(text, sizeof(text), "%.1f s, %.0f frames/s", seconds, seconds > 0 ? frames / seconds : 0.0);
    return text;
}

}  // namespace

int runShip(const ShipOptions& options, std::ostream& out, std::ostream& err, const pg::Shipper::Pause& pause) {
    if (options.shipper.batchFrames < 1) {
        err << "rtmtap ship: --batch must be at least 1\n";
        return 2;
    }
    if (options.init && !options.dbGiven && !options.follow) {
        return initOnly(options, out, err);
    }
    pg::ShipperOptions shipperOptions = options.shipper;
    shipperOptions.init = options.init;
    pg::Shipper shipper(shipperOptions, [&err](const std::string& line) { err << line << "\n" << std::flush; });
    const auto start = std::chrono::steady_clock::now();
    try {
        if (options.follow) {
            shipper.follow(pause);
        } else {
            shipper.shipAll(pause);
        }
    } catch (const std::exception& e) {
        // ShipError, and anything unforeseen: one line, never a crash.
        err << "rtmtap ship: " << e.what() << "\n";
        return 1;
    }
    const double seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
    const pg::ShipTotals& t = shipper.totals();
    err << "rtmtap ship: " << t.frames << " frames, " << t.sessions << " sessions, " << t.apiCalls << " API calls in "
        << rate(static_cast<double>(t.frames), seconds) << "\n";
    return 0;
}

void setupShip(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<ShipOptions>();
    options->shipper.dbPath = defaultDbPath();
    CLI::App* sub = app.add_subcommand("ship", "Copy a recording into PostgreSQL, once or as it grows");
    sub->footer(
        "Copies sessions, frames, API calls, findings, gaps and rule counts from the local database to\n"
        "the rtmtap schema of a PostgreSQL database (docs/postgresql.md), in batches of one transaction,\n"
        "exactly once: it resumes where it stopped (marks kept in the server per local file) and a\n"
        "repeat is skipped. Transient server errors are retried with back-off (--retry-for, then exit 1;\n"
        "with --follow for ever). --init creates or migrates the schema; alone with --to it does only that.\n"
        "Exit: 0 shipped (or stopped by SIGINT/SIGTERM with --follow), 1 failure, 2 usage.\n"
        "Examples:\n"
        "  rtmtap ship --init --to postgresql://rtmtap@db/rtmtap      create the schema\n"
        "  rtmtap ship --db proxy.db --to postgresql://rtmtap@db/rtmtap   ship what proxy.db holds\n"
        "  rtmtap ship --follow --proxy-name edge-1 --to postgresql:///rtmtap   ship as the proxy records");
    sub->add_option("--db", options->shipper.dbPath, "SQLite database to ship ($RTMTAP_DB, else ./rtmtap.db)")
        ->capture_default_str()
        ->each([options](const std::string&) { options->dbGiven = true; });
    sub->add_option("--to", options->shipper.url, "PostgreSQL URL (postgresql://user@host/database)")->required();
    sub->add_flag("--init", options->init, "Create or migrate the server schema first (alone with --to: only that)");
    sub->add_flag("--follow", options->follow, "Keep shipping as the database grows, until SIGINT/SIGTERM");
    sub->add_option("--proxy-name", options->shipper.proxyName,
                    "Name the server shows for this file's sessions (default: <hostname>/<db file name>)");
    sub->add_option("--batch", options->shipper.batchFrames, "Frames per batch (one transaction)")->capture_default_str();
    auto retryFor = std::make_shared<double>(60);
    sub->add_option("--retry-for", *retryFor, "Without --follow: seconds to keep retrying a server that is away")
        ->capture_default_str()
        ->check(CLI::NonNegativeNumber);
    sub->callback([options, retryFor, &exitCode] {
        options->shipper.retryForMs = static_cast<int>(*retryFor * 1000);
        StopSignals signals;
        exitCode = runShip(*options, std::cout, std::cerr, [&signals](int ms) { return signals.waitFor(ms); });
    });
}

}  // namespace rtmtap::cli
