#pragma once
// How `rtmtap replay` tells what each replay did: a few readable lines per client when it goes
// (colour on a terminal), the --expect diff as diff(1) would show it, or one JSON object for
// programs (--json) with every result.
#include "Color.h"
#include "replay/ReplayResult.h"

#include <Poco/JSON/Array.h>
#include <Poco/JSON/Object.h>

#include <functional>
#include <string>
#include <vector>

namespace rtmtap::cli {

// "replay 1 (127.0.0.1:50412): the client closed it (1000 bye) after 12.301 s" and the lines
// under it: frames sent, scheduling error, pings and pongs, held frames never released.
std::string replayReport(const ReplayResult& result, const Palette& palette);

// The --expect comparison: "expect: the client's commands match the recording (11 commands)"
// or the differences, each line "  - recorded only", "  + sent only", "    both".
std::string expectReport(const ReplayResult& result, const Palette& palette);

// The Missing and Extra steps of a diff as JSON, each {"change":"missing"|"extra",
// "recorded_position":N, "<replayedKey>":N, "<itemKey>":item(step, missing)}: both ways of
// replaying report their differences in this shape.
Poco::JSON::Array::Ptr diffStepsJson(const std::vector<DiffStep>& steps, const char* replayedKey, const char* itemKey,
                                     const std::function<Poco::JSON::Object::Ptr(const DiffStep&, bool missing)>& item);

// {"replays":[{...result...}], "differences": N}: N counts Missing and Extra steps over all.
std::string replayJson(const std::vector<ReplayResult>& results, bool expect);

}  // namespace rtmtap::cli
