#pragma once
// The time arguments of --since/--until (query, show, tail, sessions): an ISO 8601 time or a
// span back from now. Parsed once, on the command line, into wall-clock µs since the epoch.
#include <CLI/CLI.hpp>

#include <cstdint>
#include <optional>
#include <string>

namespace rtmtap::view {

// Accepts, all as UTC unless an offset is given:
//   relative:  "10m", "90s", "1h30m", "2d", "500ms" (units ms s m h d, summed): now minus that;
//   ISO 8601 (protocol/IsoTime.h):  "2026-11-25T10:00:00Z", "...:00.123456Z", "...:00+01:00", "2026-11-25 10:00:00",
//              "2026-11-25T10:00" and "2026-11-25" (midnight);
//   epoch:     "@1764064800" or "@1764064800.25" (seconds).
// Throws std::invalid_argument with a one-line reason naming the text on anything else
// (empty, unknown unit, month 13, a 25th hour, trailing junk, overflow).
int64_t parseTimeArg(const std::string& text, int64_t nowWallUs);

// The same as a CLI11 validator-friendly check: "" when text parses, else the reason.
std::string timeArgError(const std::string& text);

// The wall clock now, µs since the epoch: what relative spans count back from.
int64_t nowWallUs();

// A time flag (--since, --until): parsed when given, so "10m" means ten minutes before the
// command ran; a bad value is a CLI11 usage error naming the flag.
CLI::Option* addTimeOption(CLI::App& app, const std::string& name, std::optional<int64_t>& target,
                           const std::string& help);

}  // namespace rtmtap::view
