#include "PgReader.h"

#include "FrameRecheck.h"
#include "PgConnection.h"
#include "PgFrameFilter.h"
#include "PgSchema.h"
#include "ShipLock.h"
#include "store/FrameRows.h"

#include <utility>

namespace rtmtap::pg {
namespace {

using Params = PgConnection::Params;

const char* const kSessionColumns =
    "SELECT s.id, s.started_us, s.ended_us, s.duration_us, s.client, s.upstream, s.path, s.subprotocol, "
    "s.headers, s.http_status, s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, "
    "s.finger_print, s.auth_token, s.claims, s.close_code, s.close_reason, s.closed_by, s.error, s.label, "
    "s.replay_of, s.derived_from, s.frames, s.bytes, src.name "
    "FROM rtmtap.sessions s JOIN rtmtap.sources src ON src.id = s.source ";

// The columns readFrame() reads, in store/FrameRows.cpp's order.
const char* const kFrameColumns =
    "SELECT f.session, f.seq, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, n.name, "
    "f.channel_id, f.message_id, f.user_id, f.payload, f.edit_of "
    "FROM rtmtap.frames f LEFT JOIN rtmtap.names n ON n.id = f.name_id ";
constexpr int kOpColumn = 3, kFlagsColumn = 4, kKindColumn = 9, kPayloadColumn = 14;

// Pings, pongs, closes and system.ping carry their payload (store/Reader.h FrameSummary).
const char* const kSummaryColumns =
    "SELECT f.session, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, n.name, "
    "CASE WHEN f.op IN (8, 9, 10) OR n.name = 'system.ping' THEN f.payload END, f.seq "
    "FROM rtmtap.frames f LEFT JOIN rtmtap.names n ON n.id = f.name_id ";

const char* const kSessionApiCalls =
    "SELECT a.id, a.started_us, a.method, a.path, a.status, a.request_headers, a.request_body, "
    "a.response_headers, a.response_body FROM rtmtap.api_calls a "
    "WHERE a.id IN (SELECT v.id FROM rtmtap.v_session_api v WHERE v.session = $1) ORDER BY a.started_us, a.id";

const char* const kFindings =
    "SELECT rule, severity, session, seq, t_us, wall_us, sentence, section, found_by FROM rtmtap.findings "
    "WHERE session = $1 ORDER BY seq = 0, seq, id";

// store/SystemPingCalls.cpp's two reads; a login is one source's (login keys are per file).
const char* const kPingConnects =
    "SELECT c.source || '/' || c.login_key, s.id, s.started_us, s.ended_us FROM rtmtap.api_calls c "
    "JOIN rtmtap.sessions s ON s.id = c.session WHERE c.ws_token IS NOT NULL AND c.login_key IS NOT NULL";
const char* const kPingConnectsOfSession =
    " AND (c.source, c.login_key) IN (SELECT source, login_key FROM rtmtap.api_calls WHERE session = $1 AND "
    "login_key IS NOT NULL)";
const char* const kPingCalls =
    "SELECT a.id, a.session, a.source || '/' || a.login_key, a.started_us, a.status, a.request_body "
    "FROM rtmtap.api_calls a WHERE a.method = 'POST' AND substr(a.path, 1, 19) = '/api/v1/system.ping' "
    "AND substr(a.path, 20, 1) IN ('', '?')";
const char* const kPingCallsOfSession =
    " AND (a.session = $1 OR (a.source, a.login_key) IN (SELECT source, login_key FROM rtmtap.api_calls "
    "WHERE session = $1 AND login_key IS NOT NULL))";

// One row of a PgResult as store/FrameRows.h's readers read rows: NULL reads as 0 or "", as
// SQLite's does (PgResult::integer throws for it).
struct PgColumns {
    const PgResult& r;
    int i;
    bool isNull(int c) const { return r.isNull(i, c); }
    int64_t integer(int c) const { return r.optInteger(i, c).value_or(0); }
    std::optional<int64_t> optInteger(int c) const { return r.optInteger(i, c); }
    std::string text(int c) const { return r.text(i, c); }
    std::string blob(int c) const { return r.text(i, c); }
};

// kSessionColumns: readSession's, then the source's name.
SessionRow sessionFrom(const PgResult& r, int i) {
    SessionRow row = readSession(PgColumns{r, i});
    row.source = r.text(i, 27);
    return row;
}

std::optional<std::string> idParam(std::optional<int64_t> id) {
    return id ? std::optional<std::string>(std::to_string(*id)) : std::nullopt;
}

}  // namespace

PgReader::PgReader(const std::string& url) : url_(url), db_(std::make_unique<PgConnection>(url)) {
    PgSchema::check(*db_, url_);
    // Results stream through a cursor and are mostly left after a page (--limit, a first screen):
    // the planner costs a cursor's whole result, which on a fleet's table passes jit_above_cost,
    // and compiling the plan then took 0.3 s of a 0.05 s query (bench/query.sh, PG=1).
    db_->exec("SET jit = off");
}

PgReader::~PgReader() = default;

std::string PgReader::location() const {
    return PgConnection::redacted(url_);
}

std::vector<SessionRow> PgReader::sessions() {
    std::vector<SessionRow> rows;
    db_->forEachRow(std::string(kSessionColumns) + "ORDER BY s.id", {}, [&](const PgResult& r, int i) {
        rows.push_back(sessionFrom(r, i));
        return true;
    });
    return rows;
}

std::optional<SessionRow> PgReader::session(int64_t id) {
    PgResult r = db_->query(std::string(kSessionColumns) + "WHERE s.id = $1", {std::to_string(id)});
    if (r.rows() == 0) {
        return std::nullopt;
    }
    return sessionFrom(r, 0);
}

void PgReader::frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) {
    db_->forEachRow(std::string(kFrameColumns) + "WHERE f.session = $1 ORDER BY f.seq, f.id", {std::to_string(sessionId)},
                    [&](const PgResult& r, int i) { return fn(readFrame(PgColumns{r, i})); });
}

std::vector<ApiCallRow> PgReader::sessionApiCalls(int64_t sessionId) {
    std::vector<ApiCallRow> rows;
    PgResult r = db_->query(kSessionApiCalls, {std::to_string(sessionId)});
    for (int i = 0; i < r.rows(); ++i) {
        rows.push_back(readApiCall(PgColumns{r, i}));
    }
    return rows;
}

std::vector<StoredFinding> PgReader::findings(int64_t sessionId) {
    std::vector<StoredFinding> rows;
    PgResult r = db_->query(kFindings, {std::to_string(sessionId)});
    for (int i = 0; i < r.rows(); ++i) {
        rows.push_back(readFinding(PgColumns{r, i}));
    }
    return rows;
}

std::vector<SystemPingCall> PgReader::systemPingCalls(std::optional<int64_t> sessionId) {
    Params params;
    if (sessionId) {
        params.push_back(std::to_string(*sessionId));
    }
    std::vector<SystemPingConnect> connects;
    PgResult c = db_->query(std::string(kPingConnects) + (sessionId ? kPingConnectsOfSession : ""), params);
    for (int i = 0; i < c.rows(); ++i) {
        connects.push_back({c.text(i, 0), c.integer(i, 1), c.integer(i, 2), c.optInteger(i, 3)});
    }
    std::vector<SystemPingRequest> requests;
    PgResult a = db_->query(std::string(kPingCalls) + (sessionId ? kPingCallsOfSession : ""), params);
    for (int i = 0; i < a.rows(); ++i) {
        SystemPingRequest request;
        request.id = a.integer(i, 0);
        request.session = a.optInteger(i, 1);
        request.login_key = a.optText(i, 2);
        request.started_us = a.integer(i, 3);
        request.status = static_cast<int>(PgColumns{a, i}.integer(4));
        request.request_body = a.text(i, 5);
        requests.push_back(std::move(request));
    }
    return SystemPingCalls::resolve(connects, requests, sessionId);
}

int64_t PgReader::lastFrameId() {
    // Not max(id): concurrent shippers commit out of id order (ShipLock.h).
    return settledFrameId(*db_);
}

PgFrameFilterSql PgReader::filterSql(const FrameFilter& filter, int firstParam) {
    PgFilterLookups lookups;
    if (!filter.events.empty() || !filter.commands.empty()) {
        PgResult r = db_->query("SELECT id, name FROM rtmtap.names ORDER BY id");
        for (int i = 0; i < r.rows(); ++i) {
            lookups.names.emplace_back(r.integer(i, 0), r.text(i, 1));
        }
    }
    if (!filter.findings.empty()) {
        PgResult r = db_->query("SELECT DISTINCT rule FROM rtmtap.findings");
        for (int i = 0; i < r.rows(); ++i) {
            lookups.rules.push_back(r.text(i, 0));
        }
    }
    return PgFrameFilter::toSql(filter, lookups, firstParam);
}

void PgReader::filteredFrames(const std::string& where, const std::string& orderBy, const PgFrameFilterSql& sql,
                              Params params, const std::function<bool(const FrameRow&)>& fn) {
    for (const std::string& p : sql.params) {
        params.push_back(p);
    }
    FrameRecheck recheck(sql.recheckWords, sql.recheckWheres);
    db_->forEachRow(std::string(kFrameColumns) + "WHERE " + where + " ORDER BY " + orderBy, params,
                    [&](const PgResult& r, int i) {
                        if (sql.needsRecheck() &&
                            !recheck.passes(static_cast<int>(r.integer(i, kOpColumn)),
                                            static_cast<int>(r.integer(i, kKindColumn)),
                                            static_cast<uint32_t>(r.integer(i, kFlagsColumn)),
                                            r.text(i, kPayloadColumn))) {
                            return true;
                        }
                        return fn(readFrame(PgColumns{r, i}));
                    });
}

void PgReader::framesBetween(int64_t afterId, int64_t upToId, const FrameFilter& filter,
                             const std::function<bool(const FrameRow&)>& fn) {
    PgFrameFilterSql sql = filterSql(filter, 3);
    filteredFrames("f.id > $1 AND f.id <= $2 AND (" + sql.condition + ")", "f.id", sql,
                   {std::to_string(afterId), std::to_string(upToId)}, fn);
}

void PgReader::query(const FrameFilter& filter, SearchOrder order, const std::function<bool(const FrameRow&)>& fn) {
    PgFrameFilterSql sql = filterSql(filter, 1);
    const char* desc = order == SearchOrder::Descending ? " DESC" : "";
    // One session in its seq order, as the SQLite reader gives it; across sessions, arrival order.
    std::string orderBy = filter.sessions.size() == 1 ? std::string("f.seq") + desc + ", f.id" + desc
                                                      : std::string("f.id") + desc;
    filteredFrames(sql.condition, orderBy, sql, {}, fn);
}

int64_t PgReader::count(const FrameFilter& filter) {
    PgFrameFilterSql sql = filterSql(filter, 1);
    Params params(sql.params.begin(), sql.params.end());
    if (!sql.needsRecheck()) {
        PgResult r = db_->query("SELECT count(*) FROM rtmtap.frames f WHERE " + sql.condition, params);
        return r.integer(0, 0);
    }
    // Only the columns the recheck reads.
    FrameRecheck recheck(sql.recheckWords, sql.recheckWheres);
    int64_t total = 0;
    db_->forEachRow("SELECT f.op, f.kind, f.flags, f.payload FROM rtmtap.frames f WHERE " + sql.condition, params,
                    [&](const PgResult& r, int i) {
                        total += recheck.passes(static_cast<int>(r.integer(i, 0)), static_cast<int>(r.integer(i, 1)),
                                                static_cast<uint32_t>(r.integer(i, 2)), r.text(i, 3));
                        return true;
                    });
    return total;
}

void PgReader::frameSummaries(std::optional<int64_t> sessionId, const std::function<bool(const FrameSummary&)>& fn) {
    std::string sql = std::string(kSummaryColumns) +
                      (sessionId ? "WHERE f.session = $1 ORDER BY f.seq" : "ORDER BY f.session, f.seq");
    Params params;
    if (sessionId) {
        params.push_back(std::to_string(*sessionId));
    }
    FrameSummary row;
    db_->forEachRow(sql, params, [&](const PgResult& r, int i) {
        readSummary(PgColumns{r, i}, row);
        return fn(row);
    });
}

std::vector<GapRow> PgReader::unrecordedGaps(std::optional<int64_t> sessionId) {
    PgResult r = db_->query(
        "SELECT session, first_seq, last_seq, first_us, last_us, frames, bytes, reason FROM rtmtap.gaps "
        "WHERE $1::bigint IS NULL OR session = $1::bigint ORDER BY session, first_seq, id",
        {idParam(sessionId)});
    std::vector<GapRow> rows;
    for (int i = 0; i < r.rows(); ++i) {
        rows.push_back({r.integer(i, 0), r.integer(i, 1), r.integer(i, 2), r.integer(i, 3), r.integer(i, 4),
                        r.integer(i, 5), r.integer(i, 6), r.text(i, 7)});
    }
    return rows;
}

std::vector<RuleCountRow> PgReader::ruleCounts(int64_t fromUs, int64_t toUs) {
    PgResult r = db_->query(
        "SELECT started_us, ended_us, file, line, rule, matched, touched, missing FROM rtmtap.rule_counts "
        "WHERE ended_us >= $1 AND started_us <= $2 ORDER BY started_us, id",
        {std::to_string(fromUs), std::to_string(toUs)});
    std::vector<RuleCountRow> rows;
    for (int i = 0; i < r.rows(); ++i) {
        rows.push_back({r.integer(i, 0), r.integer(i, 1), r.text(i, 2), r.integer(i, 3), r.text(i, 4), r.integer(i, 5),
                        r.integer(i, 6), r.integer(i, 7)});
    }
    return rows;
}

}  // namespace rtmtap::pg
