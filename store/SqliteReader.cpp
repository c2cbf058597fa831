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
            rows.push_back(readSession(SqliteColumns{allSessions_}));
        }
        allSessions_.reset();
        return rows;
    }

    std::optional<SessionRow> session(int64_t id) {
        oneSession_.bind(1, id);
        std::optional<SessionRow> row;
        if (oneSession_.step()) {
            row = readSession(SqliteColumns{oneSession_});
        }
        oneSession_.reset();
        return row;
    }

    void frames(int64_t sessionId, const std::function<bool(const FrameRow&)>& fn) {
        frames_.bind(1, sessionId);
        eachRow(frames_, [&] { return fn(readFrame(SqliteColumns{frames_})); });
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
            rows.push_back(readApiCall(SqliteColumns{*sessionApiCalls_}));
            return true;
        });
        return rows;
    }

    std::vector<StoredFinding> findings(int64_t sessionId) {
        std::vector<StoredFinding> rows;
        findings_.bind(1, sessionId);
        eachRow(findings_, [&] {
            rows.push_back(readFinding(SqliteColumns{findings_}));
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
        eachRow(statement, [&] { return fn(readFrame(SqliteColumns{statement})); });
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
            readSummary(SqliteColumns{statement}, row);
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
