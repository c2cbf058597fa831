#include "FrameBatch.h"

#include "FrameWords.h"
#include "JsonbFidelity.h"

#include "store/Database.h"
#include "store/Statement.h"
#include "store/TextIndex.h"

namespace rtmtap::pg {

const char* const FrameBatch::kColumns =
    "session, seq, dir, op, flags, t_us, fwd_us, wall_us, size, kind, name_id, channel_id, message_id, user_id, "
    "edit_of, payload, doc, words";

void FrameBatch::read(Database& db, int64_t afterId, int64_t maxFrames, int64_t maxBytes) {
    frames_.clear();
    full_ = false;
    // NOT NULL in the server: a NULL a hand-made file might hold is sent as 0 (docs/postgresql.md).
    Statement select(db,
                     "SELECT f.id, f.session, f.seq, coalesce(f.dir, 0), coalesce(f.op, 0), coalesce(f.flags, 0), "
                     "coalesce(f.t_us, 0), f.fwd_us, coalesce(f.wall_us, 0), coalesce(f.size, 0), coalesce(f.kind, 0), "
                     "f.name_id, f.channel_id, f.message_id, f.user_id, f.edit_of, coalesce(f.payload, x''), " +
                         TextIndex::covers("f") +
                         ", f.op IN (1, 2) AND json_valid(CAST(f.payload AS TEXT)) "
                         "FROM frames f WHERE f.id > ?1 ORDER BY f.id LIMIT ?2");
    select.bind(1, afterId);
    select.bind(2, maxFrames);
    int64_t bytes = 0;
    while (select.step()) {
        LocalFrame f;
        f.id = select.columnInt(0);
        f.session = select.columnInt(1);
        f.seq = select.columnInt(2);
        f.dir = select.columnInt(3);
        f.op = select.columnInt(4);
        f.flags = select.columnInt(5);
        f.tUs = select.columnInt(6);
        f.fwdUs = select.columnOptInt(7);
        f.wallUs = select.columnInt(8);
        f.size = select.columnInt(9);
        f.kind = select.columnInt(10);
        f.nameId = select.columnOptInt(11);
        f.channelId = select.columnOptInt(12);
        f.messageId = select.columnOptInt(13);
        f.userId = select.columnOptInt(14);
        f.editOf = select.columnOptInt(15);
        f.payload = select.columnBlob(16);
        f.textIndexed = select.columnInt(17) != 0;
        f.json = select.columnInt(18) != 0;
        bytes += static_cast<int64_t>(f.payload.size());
        frames_.push_back(std::move(f));
        if (bytes >= maxBytes) {
            full_ = true;
            break;
        }
    }
    if (static_cast<int64_t>(frames_.size()) == maxFrames) {
        full_ = true;
    }
}

std::set<int64_t> FrameBatch::sessions() const {
    std::set<int64_t> ids;
    for (const LocalFrame& f : frames_) {
        ids.insert(f.session);
    }
    return ids;
}

std::set<int64_t> FrameBatch::names() const {
    std::set<int64_t> ids;
    for (const LocalFrame& f : frames_) {
        if (f.nameId) {
            ids.insert(*f.nameId);
        }
    }
    return ids;
}

std::vector<int64_t> FrameBatch::wallTimes() const {
    std::vector<int64_t> times;
    times.reserve(frames_.size());
    for (const LocalFrame& f : frames_) {
        times.push_back(f.wallUs);
    }
    return times;
}

std::vector<int64_t> FrameBatch::peekWallTimes(Database& db, int64_t afterId, int64_t maxFrames) {
    Statement select(db, "SELECT coalesce(wall_us, 0) FROM frames WHERE id > ?1 ORDER BY id LIMIT ?2");
    select.bind(1, afterId);
    select.bind(2, maxFrames);
    std::vector<int64_t> times;
    while (select.step()) {
        times.push_back(select.columnInt(0));
    }
    return times;
}

bool docCandidate(const LocalFrame& frame) {
    return frame.json && isPgText(frame.payload) && frame.payload.find("\\u0000") == std::string::npos &&
           jsonbReadsLikeSqlite(frame.payload);
}

std::string FrameBatch::encode(const std::map<int64_t, int64_t>& sessionIds, const std::map<int64_t, int64_t>& nameIds,
                               bool docAsText) const {
    CopyWriter out;
    for (const LocalFrame& f : frames_) {
        out.beginRow(18);
        out.int8(sessionIds.at(f.session));
        out.int8(f.seq);
        out.int2(f.dir);
        out.int2(f.op);
        out.int4(f.flags);
        out.int8(f.tUs);
        out.int8(f.fwdUs);
        out.int8(f.wallUs);
        out.int8(f.size);
        out.int2(f.kind);
        auto name = f.nameId ? nameIds.find(*f.nameId) : nameIds.end();
        name == nameIds.end() ? out.null() : out.int4(name->second);
        out.int8(f.channelId);
        out.int8(f.messageId);
        out.int8(f.userId);
        out.int8(f.editOf);
        out.bytea(f.payload);
        if (!docCandidate(f)) {
            out.null();
        } else if (docAsText) {
            out.text(f.payload);
        } else {
            out.jsonb(f.payload);
        }
        std::optional<std::vector<std::string>> words;
        if (f.textIndexed) {
            words = frameWords(f.payload);
        }
        words ? out.tsvector(*words) : out.null();
    }
    return out.finish();
}

}  // namespace rtmtap::pg
