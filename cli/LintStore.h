#pragma once
// `rtmtap lint`'s side of the findings table (store/Findings.h): what `rtmtap proxy --lint`
// recorded about a session, read back instead of running the rules again, and what `--store`
// writes so that `rtmtap query --finding` finds the frames of sessions recorded without --lint.
#include "lint/Finding.h"
#include "store/Findings.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {
class Reader;
}

namespace rtmtap::cli {

class LintStore {
public:
    // The session's findings recorded live (source "live"), into out; false when there are none
    // (recorded without --lint, or its live linting stopped before its end).
    static bool recordedLive(Reader& reader, int64_t session, std::vector<Finding>& out);

    // Keeps what the rules found in a session (possibly nothing) for write().
    void add(int64_t session, const std::vector<Finding>& findings);
    // Writes what add() kept in one transaction through the store's writer (FrameWriter), each
    // session's earlier "lint" rows replaced: a session that is clean now has none left. Throws
    // DatabaseError (a database that cannot be written: one line).
    void write(const std::string& db) const;

private:
    std::vector<FindingBatch> batches_;
};

}  // namespace rtmtap::cli
