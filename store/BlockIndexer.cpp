#include "BlockIndexer.h"

#include "KeyBloom.h"
#include "protocol/Message.h"

#include <algorithm>

namespace rtmtap {
namespace {

// Flag bits worth a key: the rare ones a query asks for (--malformed). Common bits would only
// fill the filter.
constexpr uint32_t kKeyedFlags = MessageFlag::Oversize | MessageFlag::Malformed | MessageFlag::Injected |
                                 MessageFlag::Dropped | MessageFlag::InvalidUtf8 | MessageFlag::Synthetic |
                                 MessageFlag::Edited;

void addKey(std::vector<uint64_t>& keys, KeyTag tag, const std::optional<int64_t>& value) {
    if (value) {
        keys.push_back(frameKey(tag, *value));
    }
}

}  // namespace

BlockIndexer::BlockIndexer(Database& db)
    : lastBlock_(db, "SELECT last_id FROM frame_blocks ORDER BY first_id DESC LIMIT 1"),
      tailFrames_(db,
                  "SELECT id, wall_us, session, name_id, channel_id, message_id, user_id, flags FROM frames "
                  "WHERE id > ?1 ORDER BY id"),
      insertBlock_(db,
                   "INSERT INTO frame_blocks(first_id, last_id, frames, min_wall_us, max_wall_us, keys) "
                   "VALUES (?1, ?2, ?3, ?4, ?5, ?6)") {}

void BlockIndexer::sync() {
    int64_t newest = lastBlock_.step() ? lastBlock_.columnInt(0) : 0;
    lastBlock_.reset();
    if (!stale_ && newest == lastBlockId_) {
        return;
    }
    reset(newest);
    tailFrames_.bind(1, newest);
    try {
        while (tailFrames_.step()) {
            BlockFrame frame;
            frame.id = tailFrames_.columnInt(0);
            frame.wall_us = tailFrames_.columnInt(1);
            frame.session = tailFrames_.columnInt(2);
            frame.name_id = tailFrames_.columnOptInt(3);
            frame.channel_id = tailFrames_.columnOptInt(4);
            frame.message_id = tailFrames_.columnOptInt(5);
            frame.user_id = tailFrames_.columnOptInt(6);
            frame.flags = static_cast<uint32_t>(tailFrames_.columnInt(7));
            add(frame);
        }
    } catch (...) {
        tailFrames_.reset();
        stale_ = true;
        throw;
    }
    tailFrames_.reset();
    stale_ = false;
}

void BlockIndexer::add(const BlockFrame& frame) {
    if (count_ == 0) {
        first_ = frame.id;
        minWall_ = maxWall_ = frame.wall_us;
    }
    last_ = frame.id;
    ++count_;
    minWall_ = std::min(minWall_, frame.wall_us);
    maxWall_ = std::max(maxWall_, frame.wall_us);
    keys_.push_back(frameKey(KeyTag::Session, frame.session));
    addKey(keys_, KeyTag::Name, frame.name_id);
    addKey(keys_, KeyTag::Channel, frame.channel_id);
    addKey(keys_, KeyTag::Message, frame.message_id);
    addKey(keys_, KeyTag::User, frame.user_id);
    for (uint32_t bit = 1; bit != 0 && bit <= kKeyedFlags; bit <<= 1) {
        if (frame.flags & kKeyedFlags & bit) {
            keys_.push_back(frameKey(KeyTag::Flag, bit));
        }
    }
    if (count_ >= kBlockFrames) {
        writeBlock();
    }
}

void BlockIndexer::reset(int64_t lastBlockId) {
    lastBlockId_ = lastBlockId;
    count_ = 0;
    keys_.clear();
}

void BlockIndexer::writeBlock() {
    std::string filter = KeyBloom::build(keys_);
    insertBlock_.bind(1, first_);
    insertBlock_.bind(2, last_);
    insertBlock_.bind(3, count_);
    insertBlock_.bind(4, minWall_);
    insertBlock_.bind(5, maxWall_);
    insertBlock_.bindBlob(6, filter);
    insertBlock_.run();
    reset(last_);
}

}  // namespace rtmtap
