#pragma once
// How every Reader builds the rows it returns (SessionRow, FrameRow, FrameSummary, StoredFinding,
// ApiCallRow) from a result row of its backend, in one place for SQLite (store/SqliteReader,
// store/FrameSearch) and PostgreSQL (pg/PgReader): the columns come in the same order from both,
// and the stored integers the source does not guarantee are converted the same way (it is not
// trusted).
//
// Row is an accessor of one result row: isNull(c), integer(c) (NULL reads as 0), optInteger(c),
// text(c) and blob(c) (NULL reads as ""; blob: the exact bytes). SqliteColumns is SQLite's.
#include "Reader.h"
#include "Statement.h"
#include "lint/Finding.h"

namespace rtmtap {

// "SELECT <the columns readFrame() reads> " over `frames f LEFT JOIN names n`.
extern const char* const kFrameColumns;

Kind kindFrom(int64_t kind);
Direction directionFrom(int64_t dir);

struct SqliteColumns {
    const Statement& s;
    bool isNull(int c) const { return s.isNull(c); }
    int64_t integer(int c) const { return s.columnInt(c); }
    std::optional<int64_t> optInteger(int c) const { return s.columnOptInt(c); }
    std::string text(int c) const { return s.columnText(c); }
    std::string blob(int c) const { return s.columnBlob(c); }
};

template <typename Row>
std::optional<int> optInt(const Row& r, int c) {
    std::optional<int64_t> value = r.optInteger(c);
    return value ? std::optional<int>(static_cast<int>(*value)) : std::nullopt;
}

// The session columns: id, started_us, ended_us, duration_us, client, upstream, path, subprotocol,
// headers, http_status, user_id, user_name, client_ip, user_agent, token_expiry, finger_print,
// auth_token, claims, close_code, close_reason, closed_by, error, label, replay_of, derived_from,
// frames, bytes.
template <typename Row>
SessionRow readSession(const Row& r) {
    SessionRow row;
    row.id = r.integer(0);
    row.started_wall_us = r.integer(1);
    row.ended_wall_us = r.optInteger(2);
    row.duration_us = r.optInteger(3);
    row.client = r.text(4);
    row.upstream = r.text(5);
    row.path = r.text(6);
    row.subprotocol = r.text(7);
    row.headers_json = r.text(8);
    row.http_status = optInt(r, 9);
    row.user_id = r.optInteger(10);
    row.user_name = r.text(11);
    row.client_ip = r.text(12);
    row.user_agent = r.text(13);
    row.token_expiry = r.text(14);
    row.finger_print = r.text(15);
    row.auth_token = r.text(16);
    row.claims_json = r.text(17);
    row.close_code = optInt(r, 18);
    row.close_reason = r.text(19);
    row.closed_by = r.text(20);
    row.error = r.text(21);
    row.label = r.text(22);
    row.replay_of = r.optInteger(23);
    row.derived_from = r.optInteger(24);
    row.frames = r.integer(25);
    row.bytes = r.integer(26);
    return row;
}

// kFrameColumns.
template <typename Row>
FrameRow readFrame(const Row& r) {
    FrameRow row;
    Message& m = row.message;
    m.session = r.integer(0);
    m.seq = r.integer(1);
    m.dir = directionFrom(r.integer(2));
    m.op = static_cast<Opcode>(r.integer(3) & 0xf);
    m.flags = static_cast<uint32_t>(r.integer(4));
    m.t_us = r.integer(5);
    m.fwd_us = r.isNull(6) ? -1 : r.integer(6);
    m.wall_us = r.integer(7);
    m.size = static_cast<uint64_t>(r.integer(8));
    row.kind = toString(kindFrom(r.integer(9)));
    row.name = r.text(10);
    row.channel_id = r.optInteger(11);
    row.message_id = r.optInteger(12);
    row.user_id = r.optInteger(13);
    m.payload = r.blob(14);
    m.edit_of = r.integer(15);
    return row;
}

// session, dir, op, flags, t_us, fwd_us, wall_us, size, kind, name, payload (or NULL), seq. Fills
// row in place: stats reuses one row, so its strings keep their capacity.
template <typename Row>
void readSummary(const Row& r, FrameSummary& row) {
    row.session = r.integer(0);
    row.dir = directionFrom(r.integer(1));
    row.op = static_cast<Opcode>(r.integer(2) & 0xf);
    row.flags = static_cast<uint32_t>(r.integer(3));
    row.t_us = r.integer(4);
    row.fwd_us = r.isNull(5) ? -1 : r.integer(5);
    row.wall_us = r.integer(6);
    row.size = static_cast<uint64_t>(r.integer(7));
    row.kind = kindFrom(r.integer(8));
    row.name = r.text(9);
    row.payload = r.blob(10);
    row.seq = r.integer(11);
}

// rule, severity, session, seq, t_us, wall_us, sentence, section, source (who found it).
template <typename Row>
StoredFinding readFinding(const Row& r) {
    StoredFinding row;
    Finding& f = row.finding;
    f.rule = r.text(0);
    // A severity this build does not know (a file edited by hand) reads as an error: --fail-on
    // must not pass over it.
    if (!parseSeverity(r.text(1), f.severity)) {
        f.severity = Severity::Error;
    }
    f.session = r.integer(2);
    f.seq = r.integer(3);
    f.t_us = r.integer(4);
    f.wall_us = r.integer(5);
    f.sentence = r.text(6);
    f.section = r.text(7);
    row.source = r.text(8);
    return row;
}

// id, started_us, method, path, status, request_headers, request_body, response_headers,
// response_body.
template <typename Row>
ApiCallRow readApiCall(const Row& r) {
    ApiCallRow row;
    row.id = r.integer(0);
    row.started_wall_us = r.integer(1);
    row.method = r.text(2);
    row.path = r.text(3);
    row.status = static_cast<int>(r.integer(4));
    row.request_headers_json = r.text(5);
    row.request_body = r.blob(6);
    row.response_headers_json = r.text(7);
    row.response_body = r.blob(8);
    return row;
}

// Steps statement to its end (or until fn says stop) and always leaves it reset.
template <typename Fn>
void eachRow(Statement& statement, Fn&& fn) {
    try {
        while (statement.step()) {
            if (!fn()) {
                break;
            }
        }
    } catch (...) {
        statement.reset();
        throw;
    }
    statement.reset();
}

}  // namespace rtmtap
