#pragma once
// Writes frame_blocks (docs/schema.md): as frames are inserted, collects each one's wall time
// and keys, and when kBlockFrames consecutive frames are in, writes their block row (id range,
// time range, KeyBloom) in the same transaction. Frames after the last block are the "tail" a
// query scans directly; there are fewer than kBlockFrames of them.
//
// Several writers may share a file (the recorder, an import in another process): each one calls
// sync() inside its write transaction, and when the last block is not the one it wrote, it
// reloads the tail from the database, so blocks never overlap and no frame is left out.
#include "Statement.h"

#include <cstdint>
#include <optional>
#include <vector>

namespace rtmtap {

class Database;

// The columns of a frame that go into its block.
struct BlockFrame {
    int64_t id = 0;
    int64_t wall_us = 0;
    int64_t session = 0;
    std::optional<int64_t> name_id, channel_id, message_id, user_id;
    uint32_t flags = 0;
};

class BlockIndexer {
public:
    static constexpr int64_t kBlockFrames = 1024;

    explicit BlockIndexer(Database& db);

    // Inside a write transaction, before the first add(): catches up with the database.
    void sync();
    // A frame just inserted, in id order. May write a block row (throws DatabaseError).
    void add(const BlockFrame& frame);
    // The transaction was rolled back: what was collected may not exist; reload at next sync().
    void invalidate() { stale_ = true; }

private:
    void reset(int64_t lastBlockId);
    void writeBlock();

    Statement lastBlock_, tailFrames_, insertBlock_;
    bool stale_ = true;
    int64_t lastBlockId_ = 0;  // last_id of the newest block, as this writer knows it
    int64_t first_ = 0, last_ = 0, count_ = 0, minWall_ = 0, maxWall_ = 0;
    std::vector<uint64_t> keys_;
};

}  // namespace rtmtap
