#include "RuleCounts.h"

#include "Database.h"
#include "Schema.h"
#include "Statement.h"

#include <sqlite3.h>

namespace rtmtap {

void RuleCounts::write(const std::string& dbPath, const std::vector<RuleCountRow>& rows) {
    if (rows.empty()) {
        return;
    }
    Database db(dbPath, Database::Mode::ReadWrite);
    Schema::prepareForWriting(db);
    db.exec("BEGIN IMMEDIATE");
    try {
        Statement insert(db,
                         "INSERT INTO rule_counts(started_us, ended_us, file, line, rule, matched, touched, missing) "
                         "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)");
        for (const RuleCountRow& r : rows) {
            insert.bind(1, r.started_us);
            insert.bind(2, r.ended_us);
            insert.bindText(3, r.file);
            insert.bind(4, r.line);
            insert.bindText(5, r.rule);
            insert.bind(6, r.matched);
            insert.bind(7, r.touched);
            insert.bind(8, r.missing);
            insert.run();
        }
        db.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

std::vector<RuleCountRow> RuleCounts::read(const std::string& dbPath, int64_t fromUs, int64_t toUs) {
    Database db(dbPath, Database::Mode::ReadOnly);
    Schema::checkForReading(db);
    return read(db, fromUs, toUs);
}

std::vector<RuleCountRow> RuleCounts::read(Database& db, int64_t fromUs, int64_t toUs) {
    Statement select(db,
                     "SELECT started_us, ended_us, file, line, rule, matched, touched, missing FROM rule_counts "
                     "WHERE ended_us >= ?1 AND started_us <= ?2 ORDER BY started_us, id");
    select.bind(1, fromUs);
    select.bind(2, toUs);
    std::vector<RuleCountRow> rows;
    while (select.step()) {
        RuleCountRow r;
        r.started_us = select.columnInt(0);
        r.ended_us = select.columnInt(1);
        r.file = select.columnText(2);
        r.line = select.columnInt(3);
        r.rule = select.columnText(4);
        r.matched = select.columnInt(5);
        r.touched = select.columnInt(6);
        r.missing = select.columnInt(7);
        rows.push_back(std::move(r));
    }
    return rows;
}

}  // namespace rtmtap
