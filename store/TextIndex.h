#pragma once
// Fills frames_fts, the full-text index of text payloads behind `--text` (docs/schema.md), after
// the fact: tokenising a payload costs more than inserting its frame, so neither the recorder's
// inserts nor an import's wait for it. The index covers frames up to meta.text_indexed_upto;
// a query scans the frames after that mark directly.
#include "Statement.h"

#include <cstdint>

namespace rtmtap {

class Database;

class TextIndex {
public:
    explicit TextIndex(Database& db);

    // Inside a write transaction: indexes the text frames among the next maxIds frame ids after
    // the mark and moves the mark. Returns how many ids it covered; 0 when the index is complete.
    int64_t step(int64_t maxIds);

private:
    Statement upTo_, top_, insert_, setUpTo_;
};

}  // namespace rtmtap
