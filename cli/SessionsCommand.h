#pragma once
// `rtmtap sessions [--db F] [--json]`: one line per recorded session, or a JSON array.
#include <ostream>
#include <string>

namespace rtmtap {
struct SessionRow;
}

namespace rtmtap::cli {

struct SessionsOptions {
    std::string db;
    bool json = false;
};

// Returns 0, or 2 when the database cannot be read (one line on err).
int runSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err);

// One session as the JSON object `sessions --json` prints (field names are a contract).
std::string sessionJson(const SessionRow& row);

}  // namespace rtmtap::cli
