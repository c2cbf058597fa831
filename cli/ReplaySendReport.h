#pragma once
// How `rtmtap replay --to URL` tells what its clients did: a few readable lines per client, the
// latency percentiles over all of them, and the --expect diff of events (colour on a terminal);
// or one JSON object for programs (--json).
#include "Color.h"
#include "replay/ClientReplayResult.h"

#include <cstddef>
#include <string>
#include <vector>

namespace rtmtap::cli {

// "client 1: 6 of 6 commands sent, 12 events received in 2.345 s; the replay closed it (1000)"
// and the lines under it: ids mapped, --reactive waits, events still missing at the end, failure.
std::string clientReport(const ClientReplayResult& result, const Palette& palette);

// "connect latency (TCP + upgrade + ws_auth sent): p50 1.234 ms, p90 ..., p99 ..., max ... (20 clients)"
// and the event latency line (a command to the answer attributed to it), over all clients.
std::string latencyReport(const std::vector<ClientReplayResult>& results);

// The --expect comparison of one client (nothing for a client that failed): "expect: the events
// received match the recording (12 events)" or the differences as diff(1) shows them, "-" recorded
// only, "+" received only, the fields of a changed event under it, runs of equal events cut short.
std::string expectEventsReport(const ClientReplayResult& result, const Palette& palette, bool nameClient);

// Missing and Extra steps of a client's --expect diff (0 without one).
size_t eventDifferences(const ClientReplayResult& result);

// {"to":..., "clients":[...], "connect_latency_ms":{...}, "event_latency_ms":{...}, "failures":N, "differences":N}
std::string sendJson(const std::vector<ClientReplayResult>& results, const std::string& to, bool expect);

}  // namespace rtmtap::cli
