#pragma once
// A frame filter (store/FrameFilter: the query flags) as the JSON object a rule's "match" holds,
// both ways: `rtmtap intercept` sends its flags to the proxy this way, and the proxy reads them
// with the rule reader's own checks, so a breakpoint matches exactly what a rule would.
#include "store/FrameFilter.h"

#include <string>
#include <string_view>

namespace rtmtap {

// {"dir":"s2c","event":["chat.*"],...}: every key the filter sets, nothing else ({} for an empty
// filter). Throws std::invalid_argument for what a match cannot say: --since and --until (a rule
// or a breakpoint sees each frame as it arrives, now).
std::string matchJson(const FrameFilter& filter);

// A match object as a rule file writes it, without nth and every (only a rule counts matches).
// Throws std::invalid_argument "match.FIELD: what is wrong". (Defined in RuleSet.cpp, beside the
// rule reader whose field checks it shares.)
FrameFilter parseMatchJson(std::string_view json);

}  // namespace rtmtap
