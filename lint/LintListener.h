#pragma once
// Where lint/LintTap hands what it finds in live traffic (`rtmtap proxy --lint` prints and stores
// it: cli/LiveFindings). Most calls come from the tap's own lint thread, one at a time;
// onBehind comes from a relay thread and must be quick.
#include "Finding.h"

#include <cstddef>
#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {

class LintListener {
public:
    virtual ~LintListener() = default;
    // Lint thread: what the rules found in a session since the last call (a relay round's frames,
    // or the session-end rules at its end), in order; never empty.
    virtual void onFindings(int64_t session, std::vector<Finding> findings) = 0;
    enum class Drop { QueueFull, RuleFailed };
    // Lint thread: the session's linting stopped before its end: frames of it were left out while
    // the queue was full (onBehind said so once for all of them), or a rule threw (detail: its
    // message). What was given for it so far is not the whole session's, and nothing more comes.
    virtual void onSessionDropped(int64_t session, Drop why, const std::string& detail) = 0;
    // A relay thread, once each time the queue fills (heldBytes: what it holds): new frames go
    // unlinted until it has drained to half. Must be quick and must not wait on the lint thread.
    virtual void onBehind(size_t heldBytes) = 0;
};

}  // namespace rtmtap
