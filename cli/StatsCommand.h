#pragma once
// `rtmtap stats [ID] [--db F] [--json] [--gap-seconds S] [--color WHEN]`: what one session (or all of them) was
// like: traffic per direction, names, rate over time, ping and keepalive round trips, how long the proxy held
// frames, silences and how it ended. store/SessionStats computes; this file only renders.
#include "Color.h"
#include "store/SessionStats.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>

namespace rtmtap::cli {

struct StatsOptions {
    std::string db;
    std::optional<int64_t> session;  // nullopt: all sessions
    bool json = false;
    double gapSeconds = 25.0;
    ColorMode color = ColorMode::Never;  // text form only; the command line's default is auto (stdout)
};

// Returns 0, or 2 when the session does not exist or the database cannot be read (one line on
// err). unicode: draw the rate sparkline with block characters, else with ASCII.
int runStats(const StatsOptions& options, std::ostream& out, std::ostream& err, bool unicode);

// counts as one character each: ' ' for zero, then eight levels up to the largest count.
std::string sparkline(const std::vector<int64_t>& counts, bool unicode);

}  // namespace rtmtap::cli
