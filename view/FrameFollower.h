#pragma once
// Follows the frames committed to a database by any process recording into it, as `rtmtap tail`
// prints them and the viewer's /api/tail streams them: each poll reads the frames with an id
// above the last one read (frames.id is the order of insertion), in chunks, so that a slow
// consumer never holds a read transaction (and with it the proxy's WAL checkpoints) for long.
#include "store/FrameFilter.h"

#include <cstdint>
#include <functional>
#include <string>

namespace rtmtap {
class Reader;
struct FrameRow;
}  // namespace rtmtap

namespace rtmtap::view {

// A recorder creates the file empty, then writes the schema in one transaction: until then the
// file is a database on its way, not a foreign one (a follower waits for it).
enum class DatabaseState { Missing, BeingCreated, Ready };
// Ready also when the file is something else, and for a PostgreSQL URL (no file to look at):
// the Reader then says what is wrong in its words.
DatabaseState probeDatabase(const std::string& path);

class FrameFollower {
public:
    explicit FrameFollower(FrameFilter filter) : filter_(std::move(filter)) {}

    // Where the next poll starts: frames with a larger id. 0: from the first frame.
    void startAt(int64_t id) { last_ = id; }
    int64_t position() const { return last_; }

    // Calls each for every frame recorded since the last poll that passes the filter, and
    // chunkDone after each chunk (a flush); false as soon as either says stop.
    bool poll(Reader& reader, const std::function<bool(const FrameRow&)>& each, const std::function<bool()>& chunkDone);

private:
    FrameFilter filter_;
    int64_t last_ = 0;
};

}  // namespace rtmtap::view
