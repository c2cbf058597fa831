#include "SessionFilter.h"

#include "store/Reader.h"

#include <algorithm>
#include <fnmatch.h>

namespace rtmtap::view {

bool SessionFilter::matches(const SessionRow& row) const {
    if (sinceUs && row.started_wall_us < *sinceUs) {
        return false;
    }
    if (!users.empty() &&
        (!row.user_id || std::find(users.begin(), users.end(), *row.user_id) == users.end())) {
        return false;
    }
    // A session without a label matches no --label, not even '*'. The exact comparison comes
    // first so that a label holding glob characters ("bug [7]") still finds itself.
    auto labelMatches = [&](const std::string& pattern) {
        return row.label == pattern || ::fnmatch(pattern.c_str(), row.label.c_str(), 0) == 0;
    };
    return labels.empty() ||
           (!row.label.empty() && std::any_of(labels.begin(), labels.end(), labelMatches));
}

}  // namespace rtmtap::view
