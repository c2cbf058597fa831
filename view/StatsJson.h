#pragma once
// What `rtmtap stats` says about one session or all of them, read and as JSON: `stats --json`
// prints it and the viewer's /api/stats answers it (field names are a contract: README,
// docs/ui-api.md). store/SessionStats computes; cli/StatsCommand also renders it as text.
#include "store/SessionStats.h"

#include <cstdint>
#include <optional>
#include <string>

namespace rtmtap::view {

// The stats of one session (nullopt: of all), with the rules' counts of the proxy runs that
// overlap it and the frames the recorder left out (the gaps table). nullopt when the session
// does not exist. Throws what Reader throws.
std::optional<SessionStats> readStats(Reader& reader, std::optional<int64_t> session,
                                      const SessionStatsSettings& settings);

// The whole report as one JSON object, with "timeline" when stats has one.
std::string statsJson(const SessionStats& stats, int64_t gapUs);

}  // namespace rtmtap::view
