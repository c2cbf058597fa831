#pragma once
// Which sessions a reader lists: the filters of `rtmtap sessions` (--since, --user, --label),
// shared with the viewer's /api/sessions. Values of one filter are OR'ed, filters AND'ed.
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {
struct SessionRow;
}

namespace rtmtap::view {

struct SessionFilter {
    std::optional<int64_t> sinceUs;   // sessions started at or after (wall µs)
    std::vector<int64_t> users;       // sessions.user_id is one of these
    std::vector<std::string> labels;  // the label equals one of these or matches it as a glob

    bool matches(const SessionRow& row) const;
};

}  // namespace rtmtap::view
