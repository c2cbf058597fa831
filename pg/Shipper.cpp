#include "Shipper.h"

#include "PgConnection.h"
#include "PgError.h"
#include "PgSchema.h"
#include "ShipLock.h"
#include "ShipRetry.h"
#include "ShipTable.h"

#include "store/Database.h"
#include "store/Schema.h"
#include "store/Statement.h"

#include <Poco/Environment.h>
#include <Poco/Exception.h>
#include <sqlite3.h>

#include <cstdlib>

namespace rtmtap::pg {
namespace {

using Clock = std::chrono::steady_clock;

// POCO's node name (uname's), "localhost" when there is none.
std::string hostName() {
    try {
        const std::string name = Poco::Environment::nodeName();
        return name.empty() ? "localhost" : name;
    } catch (const Poco::Exception&) {
        return "localhost";
    }
}

std::string absolutePath(const std::string& path) {
    char* resolved = realpath(path.c_str(), nullptr);
    if (!resolved) {
        return path;
    }
    std::string out = resolved;
    std::free(resolved);
    return out;
}

std::string joined(const std::set<int64_t>& ids) {
    std::string out;
    for (int64_t id : ids) {
        out += (out.empty() ? "" : ",") + std::to_string(id);
    }
    return out;
}

// A failure of the fast path that the staging path gets past: a frame already in the server
// (23505: marks reset, a file restored from a backup), or a value the server refused (22xxx: JSON
// it will not take as jsonb; 54001: JSON nested past its stack).
bool redoStaged(const PgError& e) {
    const std::string& state = e.sqlstate();
    return state == "23505" || state.rfind("22", 0) == 0 || state == "54001";
}

double secondsSince(Clock::time_point start) {
    return std::chrono::duration<double>(Clock::now() - start).count();
}

std::string seconds(double s) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.1f", s);
    return text;
}

// The select list of a table's staging columns after local_id, some replaced by an expression.
std::string selectList(const ShipTable& table, const std::map<std::string, std::string>& replaced) {
    std::string list;
    for (size_t i = 1; i < table.columns().size(); ++i) {
        const std::string& name = table.columns()[i].server;
        auto it = replaced.find(name);
        list += (i > 1 ? ", " : "") + (it == replaced.end() ? "t." + name : it->second);
    }
    return list;
}

std::string updateAll(const ShipTable& table) {
    std::string list;
    for (size_t i = 1; i < table.columns().size(); ++i) {
        const std::string& name = table.columns()[i].server;
        list += (i > 1 ? ", " : "") + name + " = EXCLUDED." + name;
    }
    return list;
}

// The global session of a local one, within this source.
const char* const kSessionOf = "(SELECT s.id FROM rtmtap.sessions s WHERE s.source = $1 AND s.local_id = t.session)";

}  // namespace

Shipper::Shipper(ShipperOptions options, Log log) : options_(std::move(options)), log_(std::move(log)) {
    if (options_.proxyName.empty()) {
        options_.proxyName = defaultProxyName(options_.dbPath);
    }
}

Shipper::~Shipper() = default;

std::string Shipper::defaultProxyName(const std::string& dbPath) {
    size_t slash = dbPath.rfind('/');
    return hostName() + "/" + (slash == std::string::npos ? dbPath : dbPath.substr(slash + 1));
}

void Shipper::connect() {
    if (!local_) {
        auto local = std::make_unique<Database>(options_.dbPath, Database::Mode::ReadOnly);
        local->exec("PRAGMA busy_timeout = 10000");
        Schema::checkForReading(*local);
        identity_ = Schema::databaseId(*local);
        local_ = std::move(local);
    }
    server_.reset();
    auto server = std::make_unique<PgConnection>(options_.url);
    if (options_.init) {
        PgSchema::init(*server, options_.url);
        options_.init = false;
    }
    PgSchema::check(*server, options_.url);
    PgResult source = server->query(
        "INSERT INTO rtmtap.sources(identity, name, host, path) VALUES ($1, $2, $3, $4) "
        "ON CONFLICT (identity) DO UPDATE SET name = EXCLUDED.name, host = EXCLUDED.host, path = EXCLUDED.path "
        "RETURNING id, frames_upto",
        {identity_, pgText(options_.proxyName), pgText(hostName()), pgText(absolutePath(options_.dbPath))});
    source_ = std::to_string(source.integer(0, 0));
    framesUpto_ = source.integer(0, 1);
    partitions_.forget();
    server_ = std::move(server);
}

void Shipper::rollbackQuietly() {
    if (local_ && !sqlite3_get_autocommit(local_->handle())) {
        sqlite3_exec(local_->handle(), "ROLLBACK", nullptr, nullptr, nullptr);
    }
    if (server_ && server_->inTransaction()) {
        try {
            server_->exec("ROLLBACK");
        } catch (const PgError&) {
            server_.reset();  // gone: the server has rolled back by itself
        }
    }
}

bool Shipper::shipBatch() {
    if (!server_) {
        connect();
    }
    try {
        return shipBatch(false);
    } catch (const PgError& e) {
        rollbackQuietly();
        if (!server_ || !redoStaged(e)) {
            throw;
        }
    } catch (...) {
        rollbackQuietly();
        throw;
    }
    try {
        return shipBatch(true);
    } catch (...) {
        rollbackQuietly();
        throw;
    }
}

bool Shipper::shipBatch(bool staged) {
    PgConnection& db = *server_;
    const int64_t limit = options_.batchFrames;
    // Made in transactions of their own before the batch: a new day takes a lock on rtmtap.frames
    // that would otherwise be held for the whole batch. The server's marks may differ from the
    // hint; ensureInTransaction below catches a day this missed.
    partitions_.ensure(db, FrameBatch::peekWallTimes(*local_, framesUpto_, limit));

    db.exec("BEGIN");
    holdShipLock(db);  // before any frame id is taken: followers wait for this batch (ShipLock.h)
    // The server's marks are the truth: another shipper of the same file waits here.
    PgResult marks = db.query(
        "SELECT frames_upto, api_calls_upto, findings_upto, gaps_upto, rule_counts_upto, "
        "(SELECT coalesce(max(local_id), 0) FROM rtmtap.sessions WHERE source = $1), "
        "(SELECT coalesce(string_agg(local_id::text, ','), '') FROM rtmtap.sessions WHERE source = $1 AND ended_us IS NULL) "
        "FROM rtmtap.sources WHERE id = $1 FOR UPDATE",
        {source_});
    if (marks.rows() != 1) {
        throw PgError(PgConnection::redacted(options_.url) + ": this database's row in rtmtap.sources is gone", "", false);
    }
    const int64_t framesUpto = marks.integer(0, 0);
    const int64_t apiUpto = marks.integer(0, 1);
    const int64_t findingsUpto = marks.integer(0, 2);
    const int64_t gapsUpto = marks.integer(0, 3);
    const int64_t rulesUpto = marks.integer(0, 4);
    const int64_t sessionsTop = marks.integer(0, 5);
    const std::string serverOpen = marks.text(0, 6);

    // The local reads, in one short read transaction: none is held across a network wait.
    local_->exec("BEGIN");
    batch_.read(*local_, framesUpto, limit, options_.batchBytes);
    std::set<int64_t> sessions = batch_.sessions();
    CopyWriter apiRows, findingRows, gapRows, ruleRows, sessionRows;
    std::vector<int64_t> apiIds =
        ShipTable::apiCalls().read(*local_, "id > " + std::to_string(apiUpto), limit, apiRows, &sessions);
    std::vector<int64_t> findingIds =
        ShipTable::findings().read(*local_, "id > " + std::to_string(findingsUpto), limit, findingRows, &sessions);
    std::vector<int64_t> gapIds =
        ShipTable::gaps().read(*local_, "id > " + std::to_string(gapsUpto), limit, gapRows, &sessions);
    std::vector<int64_t> ruleIds =
        ShipTable::ruleCounts().read(*local_, "id > " + std::to_string(rulesUpto), limit, ruleRows);
    int64_t newSessions = 0;
    {
        Statement newer(*local_, "SELECT id FROM sessions WHERE id > ?1 ORDER BY id LIMIT ?2");
        newer.bind(1, sessionsTop);
        newer.bind(2, limit);
        while (newer.step()) {
            sessions.insert(newer.columnInt(0));
            ++newSessions;
        }
    }
    if (!serverOpen.empty()) {
        // Open in the server, ended here since: their end is news.
        Statement ended(*local_, "SELECT id FROM sessions WHERE id IN (" + serverOpen + ") AND ended_us IS NOT NULL");
        while (ended.step()) {
            sessions.insert(ended.columnInt(0));
        }
    }
    if (!sessions.empty()) {
        // API calls shipped before their link to a session was written: linked now.
        ShipTable::apiCalls().read(*local_,
                                   "id <= " + std::to_string(apiUpto) + " AND session IN (" + joined(sessions) + ")", 0,
                                   apiRows);
    }
    std::vector<int64_t> sessionIds =
        sessions.empty() ? std::vector<int64_t>{}
                         : ShipTable::sessions().read(*local_, "id IN (" + joined(sessions) + ")", 0, sessionRows);
    // A session its frames or findings name but the file does not hold (a hand-made file): a
    // row with only its id, so nothing that names it is lost.
    for (int64_t id : sessionIds) {
        sessions.erase(id);
    }
    for (int64_t id : sessions) {
        sessionRows.beginRow(static_cast<int>(ShipTable::sessions().columns().size()));
        sessionRows.int8(id);
        sessionRows.int8(int64_t{0});
        for (size_t i = 2; i < ShipTable::sessions().columns().size(); ++i) {
            sessionRows.null();
        }
    }
    std::map<int64_t, std::string> localNames;
    {
        std::set<int64_t> wanted;
        for (int64_t id : batch_.names()) {
            if (!nameCache_.count(id)) {
                wanted.insert(id);
            }
        }
        if (!wanted.empty()) {
            Statement names(*local_, "SELECT id, name FROM names WHERE id IN (" + joined(wanted) + ")");
            while (names.step()) {
                localNames[names.columnInt(0)] = pgText(names.columnText(1));
            }
        }
    }
    local_->exec("COMMIT");

    const bool more = batch_.full() || static_cast<int64_t>(apiIds.size()) == limit ||
                      static_cast<int64_t>(findingIds.size()) == limit || static_cast<int64_t>(gapIds.size()) == limit ||
                      static_cast<int64_t>(ruleIds.size()) == limit || newSessions == limit;
    if (batch_.frames().empty() && apiRows.rows() == 0 && findingRows.rows() == 0 && gapRows.rows() == 0 &&
        ruleRows.rows() == 0 && sessionRows.rows() == 0) {
        db.exec("COMMIT");
        return false;
    }

    partitions_.ensureInTransaction(db, batch_.wallTimes());
    std::map<int64_t, int64_t> nameIds = nameCache_;
    if (!localNames.empty()) {
        std::vector<std::string> texts;
        std::vector<int64_t> locals;
        for (const auto& [id, name] : localNames) {
            locals.push_back(id);
            texts.push_back(name);
        }
        const std::string array = PgConnection::textArray(texts);
        db.query("INSERT INTO rtmtap.names(name) SELECT unnest($1::text[]) ON CONFLICT DO NOTHING", {array});
        PgResult found = db.query(
            "SELECT n.id, u.i FROM unnest($1::text[]) WITH ORDINALITY u(name, i) "
            "JOIN rtmtap.names n ON md5(n.name) = md5(u.name) AND n.name = u.name",
            {array});
        for (int r = 0; r < found.rows(); ++r) {
            nameIds[locals[static_cast<size_t>(found.integer(r, 1) - 1)]] = found.integer(r, 0);
        }
    }
    ShipTotals added;
    std::map<int64_t, int64_t> sessionMap;
    newSessionsInserted_ = 0;
    if (sessionRows.rows() > 0) {
        sessionMap = upsertSessions(sessionRows.finish());
    }
    insertFrames(sessionMap, nameIds, staged);
    added.frames = insertedFrames_;
    added.sessions = newSessionsInserted_;

    const std::string sessionOf = kSessionOf;
    if (apiRows.rows() > 0) {
        const ShipTable& t = ShipTable::apiCalls();
        added.apiCalls = upsertTable(t, apiRows.finish(),
                                     "INSERT INTO rtmtap.api_calls AS a (source, local_id, " + t.names() + ") SELECT $1, t.local_id, " +
                                         selectList(t, {{"session", sessionOf}}) + " FROM " + t.staging() +
                                         " t ON CONFLICT (source, local_id) DO UPDATE SET " + updateAll(t) +
                                         " RETURNING (xmax = 0)");
    }
    if (findingRows.rows() > 0) {
        const ShipTable& t = ShipTable::findings();
        upsertTable(t, findingRows.finish(),
                    "INSERT INTO rtmtap.findings (source, local_id, " + t.names() + ") SELECT $1, t.local_id, " +
                        selectList(t, {{"session", sessionOf}}) + " FROM " + t.staging() +
                        " t ON CONFLICT (source, local_id) DO NOTHING RETURNING true");
    }
    if (gapRows.rows() > 0) {
        const ShipTable& t = ShipTable::gaps();
        upsertTable(t, gapRows.finish(),
                    "INSERT INTO rtmtap.gaps (source, local_id, " + t.names() + ") SELECT $1, t.local_id, " +
                        selectList(t, {{"session", sessionOf}}) + " FROM " + t.staging() +
                        " t ON CONFLICT (source, local_id) DO NOTHING RETURNING true");
    }
    if (ruleRows.rows() > 0) {
        const ShipTable& t = ShipTable::ruleCounts();
        upsertTable(t, ruleRows.finish(),
                    "INSERT INTO rtmtap.rule_counts (source, local_id, " + t.names() + ") SELECT $1, t.local_id, " +
                        selectList(t, {}) + " FROM " + t.staging() +
                        " t ON CONFLICT (source, local_id) DO NOTHING RETURNING true");
    }
    const int64_t newFramesUpto = batch_.lastId(framesUpto);
    db.query("UPDATE rtmtap.sources SET frames_upto = $2, api_calls_upto = $3, findings_upto = $4, gaps_upto = $5, "
             "rule_counts_upto = $6, last_shipped_at = now() WHERE id = $1",
             {source_, std::to_string(newFramesUpto),
              std::to_string(apiIds.empty() ? apiUpto : apiIds.back()),
              std::to_string(findingIds.empty() ? findingsUpto : findingIds.back()),
              std::to_string(gapIds.empty() ? gapsUpto : gapIds.back()),
              std::to_string(ruleIds.empty() ? rulesUpto : ruleIds.back())});
    db.exec("COMMIT");

    // Known only now that they are committed.
    nameCache_ = std::move(nameIds);
    framesUpto_ = newFramesUpto;
    totals_.frames += added.frames;
    totals_.sessions += added.sessions;
    totals_.apiCalls += added.apiCalls;
    return more;
}

std::map<int64_t, int64_t> Shipper::upsertSessions(const std::string& copyData) {
    const ShipTable& t = ShipTable::sessions();
    PgConnection& db = *server_;
    db.exec(t.createStaging());
    db.copyIn(t.copyStatement(), copyData);
    // replay_of and derived_from name other sessions: mapped after every row is in (a replay and
    // the session it replays may arrive in the same batch).
    PgResult upserted = db.query("INSERT INTO rtmtap.sessions (source, local_id, " + t.names() + ") SELECT $1, t.local_id, " +
                                     selectList(t, {{"replay_of", "NULL"}, {"derived_from", "NULL"}}) + " FROM " +
                                     t.staging() + " t ON CONFLICT (source, local_id) DO UPDATE SET " + updateAll(t) +
                                     " RETURNING id, local_id, (xmax = 0)",
                                 {source_});
    std::map<int64_t, int64_t> ids;
    for (int r = 0; r < upserted.rows(); ++r) {
        ids[upserted.integer(r, 1)] = upserted.integer(r, 0);
        newSessionsInserted_ += upserted.integer(r, 2);
    }
    db.query("UPDATE rtmtap.sessions s SET "
             "replay_of = (SELECT r.id FROM rtmtap.sessions r WHERE r.source = $1 AND r.local_id = t.replay_of), "
             "derived_from = (SELECT r.id FROM rtmtap.sessions r WHERE r.source = $1 AND r.local_id = t.derived_from) "
             "FROM " + t.staging() + " t WHERE s.source = $1 AND s.local_id = t.local_id "
             "AND (t.replay_of IS NOT NULL OR t.derived_from IS NOT NULL)",
             {source_});
    return ids;
}

void Shipper::insertFrames(const std::map<int64_t, int64_t>& sessionIds, const std::map<int64_t, int64_t>& nameIds,
                           bool staged) {
    insertedFrames_ = 0;
    if (batch_.frames().empty()) {
        return;
    }
    PgConnection& db = *server_;
    std::vector<int64_t> counted, frames, bytes;
    if (!staged) {
        db.copyIn(std::string("COPY rtmtap.frames (") + FrameBatch::kColumns + ") FROM STDIN WITH (FORMAT binary)",
                  batch_.encode(sessionIds, nameIds, false));
        std::map<int64_t, std::pair<int64_t, int64_t>> perSession;
        for (const LocalFrame& f : batch_.frames()) {
            auto& [n, b] = perSession[sessionIds.at(f.session)];
            ++n;
            b += f.size;
        }
        for (const auto& [id, nb] : perSession) {
            counted.push_back(id);
            frames.push_back(nb.first);
            bytes.push_back(nb.second);
        }
    } else {
        db.exec("CREATE TEMP TABLE ship_frames ON COMMIT DROP AS SELECT session, seq, dir, op, flags, t_us, fwd_us, "
                "wall_us, size, kind, name_id, channel_id, message_id, user_id, edit_of, payload, doc::text AS doc, words "
                "FROM rtmtap.frames WITH NO DATA");
        db.copyIn(std::string("COPY ship_frames (") + FrameBatch::kColumns + ") FROM STDIN WITH (FORMAT binary)",
                  batch_.encode(sessionIds, nameIds, true));
        PgResult inserted = db.query(
            std::string("WITH ins AS (INSERT INTO rtmtap.frames (") + FrameBatch::kColumns +
            ") SELECT session, seq, dir, op, flags, t_us, fwd_us, wall_us, size, kind, name_id, channel_id, message_id, "
            "user_id, edit_of, payload, rtmtap.jsonb_or_null(doc), words FROM ship_frames "
            "ON CONFLICT DO NOTHING RETURNING session, size) "
            "SELECT session, count(*), coalesce(sum(size), 0)::bigint FROM ins GROUP BY session");
        for (int r = 0; r < inserted.rows(); ++r) {
            counted.push_back(inserted.integer(r, 0));
            frames.push_back(inserted.integer(r, 1));
            bytes.push_back(inserted.integer(r, 2));
        }
        if (!saidJson_) {
            PgResult refused = db.query("SELECT count(*) FROM ship_frames WHERE doc IS NOT NULL AND rtmtap.jsonb_or_null(doc) IS NULL");
            if (refused.integer(0, 0) > 0) {
                saidJson_ = true;
                log_("rtmtap ship: PostgreSQL refused the JSON of " + std::to_string(refused.integer(0, 0)) +
                     " payload(s) as jsonb (too deep, a number out of its range); they are shipped with doc NULL "
                     "(said once)");
            }
        }
    }
    for (int64_t n : frames) {
        insertedFrames_ += n;
    }
    if (!counted.empty()) {
        db.query("UPDATE rtmtap.sessions s SET frames = s.frames + c.n, bytes = s.bytes + c.b "
                 "FROM unnest($1::bigint[], $2::bigint[], $3::bigint[]) AS c(id, n, b) WHERE s.id = c.id",
                 {PgConnection::intArray(counted), PgConnection::intArray(frames), PgConnection::intArray(bytes)});
    }
}

int64_t Shipper::upsertTable(const ShipTable& table, const std::string& copyData, const std::string& insertSql) {
    PgConnection& db = *server_;
    db.exec(table.createStaging());
    db.copyIn(table.copyStatement(), copyData);
    PgResult result = db.query(insertSql, {source_});
    int64_t inserted = 0;
    for (int r = 0; r < result.rows(); ++r) {
        inserted += result.integer(r, 0);
    }
    return inserted;
}

void Shipper::shipAll(const Pause& pause) {
    run(pause, false);
}

void Shipper::follow(const Pause& pause) {
    run(pause, true);
}

void Shipper::run(const Pause& pause, bool follow) {
    ShipRetry retry;
    std::optional<Clock::time_point> failingSince;
    int64_t framesBefore = totals_.frames;
    bool caughtUpOnce = false;
    for (;;) {
        int delayMs = 0;
        try {
            if (shipBatch()) {
                continue;
            }
            if (failingSince) {
                log_("rtmtap ship: caught up " + std::to_string(totals_.frames - framesBefore) + " frames after " +
                     seconds(secondsSince(*failingSince)) + " s");
                failingSince.reset();
                retry.reset();
            } else if (follow && !caughtUpOnce) {
                log_("rtmtap ship: caught up (" + std::to_string(totals_.frames) + " frames); following " +
                     options_.dbPath);
            }
            caughtUpOnce = true;
            if (!follow || pause(options_.pollMs)) {
                return;
            }
            continue;
        } catch (const DatabaseError& e) {
            throw ShipError(e.what());
        } catch (const PgError& e) {
            rollbackQuietly();
            server_.reset();
            const bool transient = ShipRetry::isTransient(e);
            if (!follow && !transient) {
                throw ShipError(e.what());
            }
            if (!failingSince) {
                failingSince = Clock::now();
                framesBefore = totals_.frames;
                log_(std::string("rtmtap ship: ") + e.what() + (transient ? "; retrying" : "; retrying every 30 s"));
            }
            delayMs = transient ? retry.nextDelayMs() : ShipRetry::kMaxMs;
            if (!follow) {
                const double left = options_.retryForMs / 1000.0 - secondsSince(*failingSince);
                if (left <= 0) {
                    throw ShipError(std::string(e.what()) + " (gave up after " + seconds(secondsSince(*failingSince)) +
                                    " s of retries)");
                }
                delayMs = std::min(delayMs, static_cast<int>(left * 1000) + 1);
            }
        }
        if (pause(delayMs)) {
            if (!follow) {
                throw ShipError("stopped while waiting for the server");
            }
            return;
        }
    }
}

}  // namespace rtmtap::pg
