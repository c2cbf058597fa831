#pragma once
// `rtmtap sessions [--db F] [--live] [--json] [--since T] [--user ID] [--label TEXT] [--color WHEN]`:
// one line per recorded session (or per session the running proxy holds), or a JSON array.
#include "Color.h"
#include "view/SessionFilter.h"

#include <cstdint>
#include <optional>
#include <ostream>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap {
struct SessionRow;
}

namespace rtmtap::cli {

// The filters are view::SessionFilter's (shared with the viewer's /api/sessions).
struct SessionsOptions : view::SessionFilter {
    SessionsOptions() = default;
    // No filters, no colour: what `rtmtap demo` prints at its end.
    SessionsOptions(std::string dbPath, bool asJson) : db(std::move(dbPath)), json(asJson) {}

    std::string db;
    bool json = false;
    bool live = false;                // --live: the sessions the running proxy on db holds now
    ColorMode color = ColorMode::Never;  // the command line's default is auto, judged on stdout
};

// Returns 0 when at least one session is listed, 1 when none is (an empty database, or filters
// that leave nothing: ripgrep's "nothing matched"), 2 when the database cannot be read (one line
// on err).
int runSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err);

// --live: asks the proxy recording into options.db (its control socket) for the sessions it
// holds. 0 when one is listed, 1 when none is, 2 when no proxy answers (one line on err).
int runLiveSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rtmtap::cli
