#pragma once
// Finds the frames a FrameFilter names across a whole database through its query indexes
// (docs/schema.md), never by reading every payload unless asked to (--where alone, --text on
// frames the full-text index does not cover yet):
//   - one session: the (session, seq) index (with --text, its frames' words are scanned);
//   - --text: frames_fts for the frames it covers, a scan of the few after its mark; unless the
//     blocks of another filter (--channel, a time range) hold fewer frames than the word's
//     matches, then those blocks with their words scanned;
//   - --finding: the findings table by rule, then those frames by (session, seq);
//   - anything else: frame_blocks, whose time ranges and Bloom filters leave only the blocks
//     that may hold a match to scan, then the frames after the last block.
// Frames come in recording order (frames.id), ascending or descending.
#include "FrameFilter.h"
#include "Reader.h"
#include "Statement.h"

#include <functional>
#include <map>
#include <memory>
#include <string>

namespace rtmtap {

class Database;

class FrameSearch {
public:
    explicit FrameSearch(Database& db);
    ~FrameSearch();

    // Calls fn for each frame that passes filter, in order; fn returns false to stop.
    void run(const FrameFilter& filter, SearchOrder order, const std::function<bool(const FrameRow&)>& fn);
    // How many frames pass filter.
    int64_t count(const FrameFilter& filter);

private:
    class Plan;
    // The statement for sql, prepared once per connection: a query runs the same range scan for
    // each block it reads.
    Statement& statement(const std::string& sql);

    Database& db_;
    std::map<std::string, std::unique_ptr<Statement>> statements_;
};

// Binds value to parameter index.
void bindValue(Statement& statement, int index, const SqlValue& value);

}  // namespace rtmtap
