#pragma once
// The findings table (schema version 11, docs/schema.md): what lint found about recorded frames,
// live (`rtmtap proxy --lint`) or afterwards (`rtmtap lint --store`). Written by the store's one
// writer (FrameWriter: the recorder's writer thread, or lint's own transaction); read back by
// store/Reader, and `rtmtap query --finding` finds the frames they are about.
#include "lint/Finding.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {

// findings.source: who found them.
namespace FindingSource {
constexpr const char* Live = "live";  // rtmtap proxy --lint, as the traffic passed
constexpr const char* Lint = "lint";  // rtmtap lint --store, over the recording
}  // namespace FindingSource

// Findings of one session to write in one go (a recorder record). Findings for a frame may
// come after the frame was written: they name it by (session, seq) and need nothing of it.
struct FindingBatch {
    int64_t session = 0;
    std::string source;             // FindingSource
    bool replace = false;           // first delete the session's rows of this source
    std::vector<Finding> findings;  // each of this session
};

// A row of findings as read back.
struct StoredFinding {
    Finding finding;
    std::string source;
};

}  // namespace rtmtap
