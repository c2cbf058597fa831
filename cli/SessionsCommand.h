#pragma once
// `rtmtap sessions [--db F] [--live] [--json] [--since T] [--user ID] [--label TEXT] [--color WHEN]`:
// one line per recorded session (or per session the running proxy holds), or a JSON array.
#include "Color.h"

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

struct SessionsOptions {
    SessionsOptions() = default;
    // No filters, no colour: what `rtmtap demo` prints at its end.
    SessionsOptions(std::string dbPath, bool asJson) : db(std::move(dbPath)), json(asJson) {}

    std::string db;
    bool json = false;
    bool live = false;                // --live: the sessions the running proxy on db holds now
    std::optional<int64_t> sinceUs;   // --since, parsed: sessions started at or after (wall µs)
    std::vector<int64_t> users;       // --user: sessions.user_id is one of these
    std::vector<std::string> labels;  // --label: the label equals one of these or matches it as a glob
    ColorMode color = ColorMode::Never;  // the command line's default is auto, judged on stdout
};

// Whether row passes every filter of options (filters of one kind are OR'ed, kinds AND'ed).
bool sessionMatches(const SessionRow& row, const SessionsOptions& options);

// Returns 0 when at least one session is listed, 1 when none is (an empty database, or filters
// that leave nothing: ripgrep's "nothing matched"), 2 when the database cannot be read (one line
// on err).
int runSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err);

// --live: asks the proxy recording into options.db (its control socket) for the sessions it
// holds. 0 when one is listed, 1 when none is, 2 when no proxy answers (one line on err).
int runLiveSessions(const SessionsOptions& options, std::ostream& out, std::ostream& err);

// One session as the JSON object `sessions --json` prints (field names are a contract).
std::string sessionJson(const SessionRow& row);

}  // namespace rtmtap::cli
