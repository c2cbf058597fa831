#pragma once
// One batch of local frames for the shipper: read in id order from a mark (up to a number of
// frames and of payload bytes), then encoded as binary COPY rows of rtmtap.frames once the
// server's ids of their sessions and names are known.
#include "CopyWriter.h"

#include <cstdint>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

namespace rtmtap {
class Database;
}

namespace rtmtap::pg {

struct LocalFrame {
    int64_t id = 0, session = 0, seq = 0, dir = 0, op = 0, flags = 0, tUs = 0;
    std::optional<int64_t> fwdUs;
    int64_t wallUs = 0, size = 0, kind = 0;
    std::optional<int64_t> nameId, channelId, messageId, userId, editOf;
    std::string payload;
    bool textIndexed = false;  // a frame SQLite's text index covers (TextIndex::covers)
    bool json = false;         // SQLite's json_valid says the payload is JSON
};

class FrameBatch {
public:
    // The columns of rtmtap.frames the COPY fills, in order.
    static const char* const kColumns;

    // Reads the frames after afterId, at most maxFrames, stopping after the frame that passes
    // maxBytes of payload (at least one frame).
    void read(Database& db, int64_t afterId, int64_t maxFrames, int64_t maxBytes);

    const std::vector<LocalFrame>& frames() const { return frames_; }
    bool full() const { return full_; }  // stopped at a limit: more may follow
    int64_t lastId(int64_t otherwise) const { return frames_.empty() ? otherwise : frames_.back().id; }
    std::set<int64_t> sessions() const;
    std::set<int64_t> names() const;
    std::vector<int64_t> wallTimes() const;

    // The COPY data. docAsText: the staging table's doc is text (the server decides later whether
    // it takes it as jsonb); else jsonb.
    std::string encode(const std::map<int64_t, int64_t>& sessionIds, const std::map<int64_t, int64_t>& nameIds,
                       bool docAsText) const;

    // Wall times of the frames after afterId (up to maxFrames), for the partitions a coming batch
    // needs: read before the batch's transaction.
    static std::vector<int64_t> peekWallTimes(Database& db, int64_t afterId, int64_t maxFrames);

private:
    std::vector<LocalFrame> frames_;
    bool full_ = false;
};

// The payload as doc, when the server may take it as jsonb and reads it as SQLite does
// (pg/JsonbFidelity.h): JSON by SQLite's json_valid and by rtmtap's strict scanner, valid UTF-8
// without NUL, no \u0000 (jsonb refuses it), no repeated or escaped key, no number a double
// cannot hold. What the server still refuses (nesting past its stack) is found by the shipper's
// fallback path.
bool docCandidate(const LocalFrame& frame);

}  // namespace rtmtap::pg
