#include "TextIndex.h"

#include "Database.h"

#include <sqlite3.h>

#include <algorithm>

namespace rtmtap {

std::string TextIndex::covers(const std::string& table) {
    const std::string t = table + ".";
    return "((" + t + "op = 1 OR (" + t + "op = 2 AND " + t + "kind <> 0)) AND (" + t + "flags & 128) = 0 AND length(" +
           t + "payload) > 0)";
}

TextIndex::TextIndex(Database& db)
    : db_(db),
      begin_(db, "BEGIN IMMEDIATE"),
      commit_(db, "COMMIT"),
      upTo_(db, "SELECT coalesce((SELECT CAST(value AS INTEGER) FROM meta WHERE key = 'text_indexed_upto'), 0)"),
      top_(db, "SELECT coalesce(max(id), 0) FROM frames"),
      insert_(db,
              "INSERT INTO frames_fts(rowid, text) SELECT id, CAST(payload AS TEXT) FROM frames "
              "WHERE id > ?1 AND id <= ?2 AND " + covers("frames")),
      setUpTo_(db, "INSERT OR REPLACE INTO meta(key, value) VALUES ('text_indexed_upto', ?1)") {}

int64_t TextIndex::step(int64_t maxIds) {
    begin_.run();
    try {
        int64_t covered = stepInTransaction(maxIds);
        commit_.run();
        return covered;
    } catch (...) {
        // After some errors (SQLITE_FULL, IOERR) SQLite has already rolled back.
        if (!sqlite3_get_autocommit(db_.handle())) {
            sqlite3_exec(db_.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        }
        throw;
    }
}

int64_t TextIndex::stepInTransaction(int64_t maxIds) {
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

int64_t TextIndex::lag(Database& db) {
    if (db.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'frames_fts'") == 0) {
        return 0;
    }
    return std::max<int64_t>(0, db.queryInt("SELECT coalesce(max(id), 0) - coalesce((SELECT CAST(value AS INTEGER) "
                                            "FROM meta WHERE key = 'text_indexed_upto'), 0) FROM frames"));
}

int64_t TextIndex::catchUp(const std::string& dbPath, const Progress& progress) {
    constexpr int64_t kStepIds = 50'000;
    Database db(dbPath, Database::Mode::ReadWrite);
    db.exec("PRAGMA busy_timeout = 10000");
    int64_t total = lag(db);
    TextIndex index(db);
    int64_t covered = 0;
    for (;;) {
        int64_t step = index.step(kStepIds);
        if (step == 0) {
            return covered;
        }
        covered += step;
        if (progress) {
            progress(covered, std::max(covered, total));
        }
    }
}

}  // namespace rtmtap
