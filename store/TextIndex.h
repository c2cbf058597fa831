#pragma once
// Fills frames_fts, the full-text index of text payloads behind `--text` (docs/schema.md), after
// the fact: tokenising a payload costs more than inserting its frame, so neither the recorder's
// inserts nor an import wait for it. The recorder extends it while its queue is idle; a --text
// query that finds many frames beyond it catches it up first (catchUp). The index covers frames
// up to meta.text_indexed_upto; a query scans the frames after that mark directly.
#include "Statement.h"

#include <cstdint>
#include <functional>
#include <string>

namespace rtmtap {

class Database;

class TextIndex {
public:
    explicit TextIndex(Database& db);

    // In a write transaction of its own (the connection must not be in one): indexes the text
    // frames among the next maxIds frame ids after the mark and moves the mark. Returns how many
    // ids it covered; 0 when the index is complete. Throws DatabaseError, having rolled back.
    int64_t step(int64_t maxIds);

    // How many frame ids the index is behind in a database: 0 when complete or when the file
    // has no text index (an older schema read as it is).
    static int64_t lag(Database& db);

    // Opens dbPath for writing (never creating it) and completes the index, in transactions of a
    // few hundred milliseconds so that a recorder writing the same file waits no longer; calls
    // progress(covered, total) after each. Returns the ids covered. Throws DatabaseError (a
    // read-only file, for one).
    using Progress = std::function<void(int64_t covered, int64_t total)>;
    static int64_t catchUp(const std::string& dbPath, const Progress& progress = {});

    // The SQL condition for the frames the index covers, over the frames table named table
    // ("f"): text, and binary the writer recognised as JSON; not invalid UTF-8 (the tokenizer
    // would index garbage), not empty (oversize frames store none). One rule for the index, the
    // --text scan beyond it (store/FrameFilter.cpp) and the words `rtmtap ship` sends.
    static std::string covers(const std::string& table);

private:
    int64_t stepInTransaction(int64_t maxIds);

    Database& db_;
    Statement begin_, commit_, upTo_, top_, insert_, setUpTo_;
};

}  // namespace rtmtap
