#include "TextIndex.h"

#include <algorithm>

namespace rtmtap {

// Text frames, and binary frames the writer recognised as JSON; not a payload that is not valid
// UTF-8 (the tokenizer would index garbage) and not an empty one (oversize frames store none).
TextIndex::TextIndex(Database& db)
    : upTo_(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'text_indexed_upto'), 0)"),
      top_(db, "SELECT coalesce(max(id), 0) FROM frames"),
      insert_(db,
              "INSERT INTO frames_fts(rowid, text) SELECT id, CAST(payload AS TEXT) FROM frames "
              "WHERE id > ?1 AND id <= ?2 AND (op = 1 OR (op = 2 AND kind <> 0)) AND (flags & 128) = 0 "
              "AND length(payload) > 0"),
      setUpTo_(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('text_indexed_upto', ?1)") {}

int64_t TextIndex::step(int64_t maxIds) {
    int64_t upTo = upTo_.step() ? upTo_.columnInt(0) : 0;
    upTo_.reset();
    int64_t top = top_.step() ? top_.columnInt(0) : 0;
    top_.reset();
    if (top <= upTo) {
        return 0;
    }
    int64_t to = std::min(top, upTo + maxIds);
    insert_.bind(1, upTo);
    insert_.bind(2, to);
    insert_.run();
    setUpTo_.bind(1, to);
    setUpTo_.run();
    return to - upTo;
}

}  // namespace rtmtap
