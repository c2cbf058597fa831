#include "SqliteReader.h"

#include "Database.h"
#include "FrameRows.h"
#include "FrameSearch.h"
#include "Gaps.h"
#include "RuleCounts.h"
#include "Schema.h"
#include "Statement.h"
#include "protocol/Classifier.h"

namespace rtmtap {
namespace {

const char* const kSessionColumns =
    "SELECT s.id, s.started_us, s.ended_us, s.duration_us, s.client, s.upstream, s.path, s.subprotocol, "
    "s.headers, s.http_status, s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, "
    "s.finger_print, s.auth_token, s.claims, s.close_code, s.close_reason, s.closed_by, s.error, s.label, s.replay_of, "
    "s.derived_from, "
    // Both subqueries read the (session, seq, size) index alone, for one session only.
    "(SELECT count(*) FROM frames f WHERE f.session = s.id), "
    "(SELECT coalesce(sum(f.size), 0) FROM frames f WHERE f.session = s.id) "
    "FROM sessions s";

const char* const kFramesOfSession =
    "FROM frames f LEFT JOIN names n ON n.id = f.name_id WHERE f.session = ?1 ORDER BY f.seq, f.id";

// v_session_api says which calls make up the login, api_calls holds what they carried.
const char* const kSessionApiCalls =
    "SELECT a.id, a.started_us, a.method, a.path, a.status, a.request_headers, a.request_body, "
    "a.response_headers, a.response_body FROM api_calls a "
    "WHERE a.id IN (SELECT v.id FROM v_session_api v WHERE v.session = ?1) ORDER BY a.started_us, a.id";

const char* const kFindingsOfSession =
    "SELECT rule, severity, session, seq, t_us, wall_us, sentence, section, source FROM findings "
    "WHERE session = ?1 ORDER BY seq = 0, seq, id";

// NOT INDEXED keeps SQLite on the rowid range: with a --session filter it would otherwise walk
// the whole session in the (session, seq) index on every poll of a follower.
const char* const kFramesBetween =
    "FROM frames f NOT INDEXED LEFT JOIN names n ON n.id = f.name_id WHERE f.id > ?1 AND f.id <= ?2 AND ";

// Both forms walk the (session, seq) index; the payload is read only where it is needed: pings,
// pongs and system.ping (by name_id: the subquery runs once per statement).
const char* const kSummaryColumns =
    "SELECT f.session, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, n.name, "
    "CASE WHEN f.op IN (8, 9, 10) OR f.name_id = (SELECT id FROM names WHERE name = 'system.ping') "
    "THEN f.payload END, f.seq "
    "FROM frames f LEFT JOIN names n ON n.id = f.name_id ";

std::optional<int> optInt(const Statement& s, int column) {
    if (s.isNull(column)) {
        return std::nullopt;
    }
    return static_cast<int>(s.columnInt(column));
}

SessionRow sessionFrom(const Statement& s) {
    SessionRow row;
    row.id = s.columnInt(0);
    row.started_wall_us = s.columnInt(1);
    row.ended_wall_us = s.columnOptInt(2);
    row.duration_us = s.columnOptInt(3);
    row.client = s.columnText(4);
    row.upstream = s.columnText(5);
    row.path = s.columnText(6);
    row.subprotocol = s.columnText(7);
    row.headers_json = s.columnText(8);
    row.http_status = optInt(s, 9);
    row.user_id = s.columnOptInt(10);
    row.user_name = s.columnText(11);
    row.client_ip = s.columnText(12);
    row.user_agent = s.columnText(13);
    row.token_expiry = s.columnText(14);
    row.finger_print = s.columnText(15);
    row.auth_token = s.columnText(16);
    row.claims_json = s.columnText(17);
    row.close_code = optInt(s, 18);
    row.close_reason = s.columnText(19);
    row.closed_by = s.columnText(20);
    row.error = s.columnText(21);
    row.label = s.columnText(22);
    row.replay_of = s.columnOptInt(23);
    row.derived_from = s.columnOptInt(24);
    row.frames = s.columnInt(25);
    row.bytes = s.columnInt(26);
    return row;
}

StoredFinding findingFrom(const Statement& s) {
    StoredFinding row;
    Finding& f = row.finding;
    f.rule = s.columnText(0);
    // A severity this build does not know (a file edited by hand) reads as an error: --fail-on
    // must not pass over it.
    if (!parseSeverity(s.columnText(1), f.severity)) {
        f.severity = Severity::Error;
    }
    f.session = s.columnInt(2);
    f.seq = s.columnInt(3);
    f.t_us = s.columnInt(4);
    f.wall_us = s.columnInt(5);
    f.sentence = s.columnText(6);
    f.section = s.columnText(7);
    row.source = s.columnText(8);
    return row;
}

ApiCallRow apiCallFrom(const Statement& s) {
    ApiCallRow row;
    row.id = s.columnInt(0);
    row.started_wall_us = s.columnInt(1);
    row.method = s.columnText(2);
    row.path = s.columnText(3);
    row.status = static_cast<int>(s.columnInt(4));
    row.request_headers_json = s.columnText(5);
    row.request_body = s.columnBlob(6);
    row.response_headers_json = s.columnText(7);
    row.response_body = s.columnBlob(8);
    return row;
}

// Fills row in place: stats reuses one row, so its strings keep their capacity.
void summaryFrom(const Statement& s, FrameSummary& row) {
    row.session = s.columnInt(0);
    row.dir = directionFrom(s.columnInt(1));
    row.op = static_cast<Opcode>(s.columnInt(2) & 0xf);
    row.flags = static_cast<uint32_t>(s.columnInt(3));
    row.t_us = s.columnInt(4);
    row.fwd_us = s.isNull(5) ? -1 : s.columnInt(5);
    row.wall_us = s.columnInt(6);
    row.size = static_cast<uint64_t>(s.columnInt(7));
    row.kind = kindFrom(s.columnInt(8));
    row.name = s.columnText(9);
    row.payload = s.isNull(10) ? std::string() : s.columnBlob(10);
    row.seq = s.columnInt(11);
}

}  // namespace

class SqliteReader::Impl {
public:
    explicit Impl(const std::string& path)
        : db_(path, Database::Mode::ReadOnly),
          allSessions_(checked(db_), std::string(kSessionColumns) + " ORDER BY s.id"),
          oneSession_(db_, std::string(kSessionColumns) + " WHERE s.id = ?1"),
          frames_(db_, std::string(kFrameColumns) + kFramesOfSession),
          lastFrameId_(db_, "SELECT coalesce(max(id), 0) FROM frames"),
          findings_(db_, kFindingsOfSession),
          summariesOfSession_(db_, std::string(kSummaryColumns) + "WHERE f.session = ?1 ORDER BY f.seq"),
          allSummaries_(db_, std::string(kSummaryColumns) + "ORDER BY f.session, f.seq"),
          search_(db_) {}

    FrameSearch& search() { return search_; }
    Database& db() { return db_; }

    std::vector<SessionRow> sessions() {
        std::vector<SessionRow> rows;
        while (allSessions_.step()) {
            rows.push_back(sessionFrom(allSessions_));
        }
        allSessions_.reset();
        return rows;
    }

    std::optional<SessionRow> session(int64_t id) {
        oneSession_.bind(1, id);
        std::optional<SessionRow> row;
        if (oneSession_.step()) {
            row = sessionFrom(oneSession_);
        }
        oneSession_.reset();
        return row;
    }

    void frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) {
        frames_.bind(1, sessionId);
        eachRow(frames_, [&] { return fn(frameFrom(frames_)); });
    }

    std::vector<ApiCallRow> sessionApiCalls(int64_t sessionId) {
        std::vector<ApiCallRow> rows;
        // Prepared on first use: a file from before schema version 2 has no api_calls to read.
        if (!sessionApiCalls_) {
            if (db_.queryInt("SELECT count(*) FROM sqlite_master WHERE name = 'v_session_api'") == 0) {
                return rows;
            }
            sessionApiCalls_ = std::make_unique<Statement>(db_, kSessionApiCalls);
        }
        sessionApiCalls_->bind(1, sessionId);
        eachRow(*sessionApiCalls_, [&] {
            rows.push_back(apiCallFrom(*sessionApiCalls_));
            return true;
        });
        return rows;
    }

    std::vector<StoredFinding> findings(int64_t sessionId) {
        std::vector<StoredFinding> rows;
        findings_.bind(1, sessionId);
        eachRow(findings_, [&] {
            rows.push_back(findingFrom(findings_));
            return true;
        });
        return rows;
    }

    int64_t lastFrameId() {
        int64_t id = lastFrameId_.step() ? lastFrameId_.columnInt(0) : 0;
        lastFrameId_.reset();
        return id;
    }

    void framesBetween(int64_t afterId, int64_t upToId, const FrameFilter& filter,
                       const std::function<bool(const FrameRow&)>& fn) {
        Statement& statement = filtered(filter);
        statement.bind(1, afterId);
        statement.bind(2, upToId);
        for (size_t i = 0; i < filteredSql_.values.size(); ++i) {
            bindValue(statement, 3 + static_cast<int>(i), filteredSql_.values[i]);
        }
        eachRow(statement, [&] { return fn(frameFrom(statement)); });
    }

    std::vector<SystemPingCall> systemPingCalls(std::optional<int64_t> sessionId) {
        return SystemPingCalls::read(db_, sessionId);
    }

    void frameSummaries(std::optional<int64_t> sessionId, const std::function<bool(const FrameSummary&)>& fn) {
        Statement& statement = sessionId ? summariesOfSession_ : allSummaries_;
        if (sessionId) {
            statement.bind(1, *sessionId);
        }
        FrameSummary row;
        eachRow(statement, [&] {
            summaryFrom(statement, row);
            return fn(row);
        });
    }

private:
    // Checks the schema before the statements are prepared against it.
    static Database& checked(Database& db) {
        Schema::checkForReading(db);
        return db;
    }

    // The statement for filter, prepared again only when the filter's SQL changes (a follower
    // asks with the same filter every poll). Its bound texts live in filteredSql_.
    Statement& filtered(const FrameFilter& filter) {
        FrameFilterSql sql = toSql(filter, 3);
        if (!filteredStatement_ || sql.condition != filteredSql_.condition) {
            filteredStatement_.reset();
            filteredStatement_ = std::make_unique<Statement>(
                db_, std::string(kFrameColumns) + kFramesBetween + "(" + sql.condition + ") ORDER BY f.id");
        }
        filteredSql_ = std::move(sql);
        return *filteredStatement_;
    }

    Database db_;
    Statement allSessions_, oneSession_, frames_, lastFrameId_, findings_, summariesOfSession_, allSummaries_;
    FrameFilterSql filteredSql_;
    std::unique_ptr<Statement> filteredStatement_;
    std::unique_ptr<Statement> sessionApiCalls_;
    FrameSearch search_;
};

SqliteReader::SqliteReader(const std::string& dbPath) : impl_(std::make_unique<Impl>(dbPath)) {}

SqliteReader::~SqliteReader() = default;

std::string SqliteReader::location() const {
    return impl_->db().path();
}

std::vector<SessionRow> SqliteReader::sessions() {
    return impl_->sessions();
}

std::optional<SessionRow> SqliteReader::session(int64_t id) {
    return impl_->session(id);
}

void SqliteReader::frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) {
    return impl_->frames(sessionId, fn);
}

std::vector<ApiCallRow> SqliteReader::sessionApiCalls(int64_t sessionId) {
    return impl_->sessionApiCalls(sessionId);
}

std::vector<SystemPingCall> SqliteReader::systemPingCalls(std::optional<int64_t> sessionId) {
    return impl_->systemPingCalls(sessionId);
}

std::vector<StoredFinding> SqliteReader::findings(int64_t sessionId) {
    return impl_->findings(sessionId);
}

int64_t SqliteReader::lastFrameId() {
    return impl_->lastFrameId();
}

void SqliteReader::framesBetween(int64_t afterId, int64_t upToId, const FrameFilter& filter,
                           const std::function<bool(const FrameRow&)>& fn) {
    impl_->framesBetween(afterId, upToId, filter, fn);
}

void SqliteReader::query(const FrameFilter& filter, SearchOrder order, const std::function<bool(const FrameRow&)>& fn) {
    impl_->search().run(filter, order, fn);
}

int64_t SqliteReader::count(const FrameFilter& filter) {
    return impl_->search().count(filter);
}

void SqliteReader::frameSummaries(std::optional<int64_t> sessionId, const std::function<bool(const FrameSummary&)>& fn) {
    impl_->frameSummaries(sessionId, fn);
}

std::vector<GapRow> SqliteReader::unrecordedGaps(std::optional<int64_t> session) {
    return Gaps::read(impl_->db(), session);
}

std::vector<RuleCountRow> SqliteReader::ruleCounts(int64_t fromUs, int64_t toUs) {
    return RuleCounts::read(impl_->db(), fromUs, toUs);
}

}  // namespace rtmtap
