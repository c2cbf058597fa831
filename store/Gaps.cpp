#include "Gaps.h"

#include "Database.h"
#include "Statement.h"

namespace rtmtap {

std::vector<GapRow> Gaps::read(Database& db, std::optional<int64_t> session) {
    Statement select(db,
                     "SELECT session, first_seq, last_seq, first_us, last_us, frames, bytes, reason FROM gaps "
                     "WHERE ?1 IS NULL OR session = ?1 ORDER BY session, first_seq");
    select.bind(1, session);
    std::vector<GapRow> rows;
    while (select.step()) {
        GapRow g;
        g.session = select.columnInt(0);
        g.first_seq = select.columnInt(1);
        g.last_seq = select.columnInt(2);
        g.first_us = select.columnInt(3);
        g.last_us = select.columnInt(4);
        g.frames = select.columnInt(5);
        g.bytes = select.columnInt(6);
        g.reason = select.columnText(7);
        rows.push_back(std::move(g));
    }
    return rows;
}

}  // namespace rtmtap
