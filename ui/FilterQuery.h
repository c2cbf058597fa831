#pragma once
// The frame filters of a request's query parameters (docs/ui-api.md, "Frame filters"): named as
// `rtmtap query`'s flags without their dashes and parsed by the very code that binds the flags
// (view/FrameFilterOptions), so a view's URL and a command line mean the same frames and a bad
// value gets the same words.
#include "store/FrameFilter.h"

#include <set>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap::ui {

using QueryParams = std::vector<std::pair<std::string, std::string>>;

// own: the endpoint's own parameters (offset, limit, ...), skipped here. Throws
// std::invalid_argument with one line on an unknown parameter or a bad value.
FrameFilter frameFilterOf(const QueryParams& params, const std::set<std::string>& own);

// The filters as `rtmtap query` flags ("--event 'chat.*' --dir s2c"), for a command to copy.
std::string filterFlags(const QueryParams& params, const std::set<std::string>& own);

}  // namespace rtmtap::ui
