#include "Schema.h"

#include "Statement.h"

#include <sqlite3.h>

#include <string>

namespace rtmtap {
namespace {

// Version 1. Designed for insert speed (see docs/schema.md): frames is an append-only rowid
// table with small integer columns and a single index; names are interned in their own table.
// Every index costs ~30% of the insert rate, so add one only with a measurement.
const char* const kSchemaV1 = R"SQL(
CREATE TABLE meta(key TEXT PRIMARY KEY, value);
INSERT INTO meta(key, value) VALUES ('app', 'rtmtap');

CREATE TABLE names(id INTEGER PRIMARY KEY, name TEXT UNIQUE NOT NULL);

CREATE TABLE sessions(
    id INTEGER PRIMARY KEY,
    started_us INTEGER,
    ended_us INTEGER,
    duration_us INTEGER,
    client TEXT,
    upstream TEXT,
    path TEXT,
    subprotocol TEXT,
    headers TEXT,
    http_status INTEGER,
    user_id INTEGER,
    user_name TEXT,
    client_ip TEXT,
    user_agent TEXT,
    token_expiry TEXT,
    finger_print TEXT,
    auth_token TEXT,
    claims TEXT,
    close_code INTEGER,
    close_reason TEXT,
    closed_by TEXT,
    error TEXT
);

CREATE TABLE frames(
    id INTEGER PRIMARY KEY,
    session INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    dir INTEGER,
    op INTEGER,
    flags INTEGER,
    t_us INTEGER,
    fwd_us INTEGER,
    wall_us INTEGER,
    size INTEGER,
    kind INTEGER,
    name_id INTEGER,
    channel_id INTEGER,
    message_id INTEGER,
    user_id INTEGER,
    payload BLOB
);
-- The one index. size rides along so that frame and byte counts per session are read from the
-- index alone (listing a 1M-frame file: 0.14 s instead of 3.1 s; no measurable insert cost).
CREATE INDEX frames_by_session ON frames(session, seq, size);

CREATE VIEW v_sessions AS
SELECT s.id,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.started_us / 1e6, 'unixepoch') AS started_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.ended_us / 1e6, 'unixepoch') AS ended_at,
       round(s.duration_us / 1000.0, 3) AS duration_ms,
       s.client, s.upstream, s.path, s.subprotocol, s.http_status,
       s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, s.finger_print,
       (SELECT count(*) FROM frames f WHERE f.session = s.id) AS frames,
       (SELECT coalesce(sum(f.size), 0) FROM frames f WHERE f.session = s.id) AS bytes,
       s.close_code, s.close_reason, s.closed_by, s.error
FROM sessions s;

CREATE VIEW v_frames AS
SELECT f.session, f.seq,
       round(f.t_us / 1000.0, 3) AS t_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.wall_us / 1e6, 'unixepoch') AS at,
       CASE f.dir WHEN 0 THEN 'c2s' WHEN 1 THEN 's2c' END AS dir,
       CASE f.op WHEN 1 THEN 'text' WHEN 2 THEN 'binary' WHEN 8 THEN 'close'
                 WHEN 9 THEN 'ping' WHEN 10 THEN 'pong' ELSE 'op' || f.op END AS op,
       CASE f.kind WHEN 0 THEN 'other' WHEN 1 THEN 'command' WHEN 2 THEN 'event'
                   WHEN 3 THEN 'control' END AS kind,
       n.name, f.channel_id, f.message_id, f.user_id, f.size, f.flags,
       trim(CASE WHEN f.flags & 1 THEN 'fragmented ' ELSE '' END ||
            CASE WHEN f.flags & 2 THEN 'oversize ' ELSE '' END ||
            CASE WHEN f.flags & 4 THEN 'malformed ' ELSE '' END ||
            CASE WHEN f.flags & 8 THEN 'synthetic ' ELSE '' END ||
            CASE WHEN f.flags & 16 THEN 'injected ' ELSE '' END ||
            CASE WHEN f.flags & 32 THEN 'dropped ' ELSE '' END ||
            CASE WHEN f.flags & 64 THEN 'redacted ' ELSE '' END ||
            CASE WHEN f.flags & 128 THEN 'invalid_utf8 ' ELSE '' END) AS flag_names,
       CASE WHEN f.fwd_us >= 0 THEN round((f.fwd_us - f.t_us) / 1000.0, 3) END AS fwd_delay_ms,
       CASE WHEN f.op = 1 THEN CAST(f.payload AS TEXT) END AS text,
       CASE WHEN f.op <> 1 AND length(f.payload) <= 64 THEN hex(f.payload) END AS hex
FROM frames f LEFT JOIN names n ON n.id = f.name_id;
)SQL";

// Version 2: the HTTP API calls of `rtmtap proxy --api-upstream`, linked to the WebSocket
// session their rtm.connect answer led to. API calls are few (a handful per login), so the
// indexes cost nothing that matters; the sessions index serves the link lookup.
const char* const kSchemaV2 = R"SQL(
CREATE TABLE api_calls(
    id INTEGER PRIMARY KEY,
    session INTEGER,
    started_us INTEGER,
    duration_us INTEGER,
    client TEXT,
    upstream TEXT,
    method TEXT,
    path TEXT,
    status INTEGER,
    request_headers TEXT,
    request_body BLOB,
    response_headers TEXT,
    response_body BLOB,
    ws_endpoint TEXT,
    ws_token TEXT,
    error TEXT,
    login_key TEXT
);
CREATE INDEX api_calls_by_session ON api_calls(session);
CREATE INDEX api_calls_by_login_key ON api_calls(login_key) WHERE login_key IS NOT NULL;
CREATE INDEX api_calls_by_ws_token ON api_calls(ws_token) WHERE ws_token IS NOT NULL;
CREATE INDEX sessions_by_auth_token ON sessions(auth_token) WHERE auth_token IS NOT NULL;

CREATE VIEW v_api_calls AS
SELECT a.id, a.session,
       strftime('%Y-%m-%dT%H:%M:%fZ', a.started_us / 1e6, 'unixepoch') AS started_at,
       round(a.duration_us / 1000.0, 3) AS duration_ms,
       a.client, a.method, a.path, a.status, a.ws_endpoint, a.error,
       CAST(a.request_body AS TEXT) AS request_text,
       CAST(a.response_body AS TEXT) AS response_text
FROM api_calls a;

-- The whole login of each session: the calls made with the login token (user.login issued it,
-- later calls presented it as their bearer) up to the rtm.connect that led to the session.
CREATE VIEW v_session_api AS
SELECT c.session AS session, a.id, strftime('%Y-%m-%dT%H:%M:%fZ', a.started_us / 1e6, 'unixepoch') AS started_at,
       a.method, a.path, a.status, a.error
FROM api_calls c JOIN api_calls a ON a.login_key = c.login_key AND a.started_us <= c.started_us
WHERE c.session IS NOT NULL AND c.ws_token IS NOT NULL;
)SQL";

// Version 3: a free-text label per session (`rtmtap import --label`); v_sessions shows it.
const char* const kSchemaV3 = R"SQL(
ALTER TABLE sessions ADD COLUMN label TEXT;

DROP VIEW IF EXISTS v_sessions;
CREATE VIEW v_sessions AS
SELECT s.id,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.started_us / 1e6, 'unixepoch') AS started_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.ended_us / 1e6, 'unixepoch') AS ended_at,
       round(s.duration_us / 1000.0, 3) AS duration_ms,
       s.client, s.upstream, s.path, s.subprotocol, s.http_status,
       s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, s.finger_print,
       (SELECT count(*) FROM frames f WHERE f.session = s.id) AS frames,
       (SELECT coalesce(sum(f.size), 0) FROM frames f WHERE f.session = s.id) AS bytes,
       s.close_code, s.close_reason, s.closed_by, s.error, s.label
FROM sessions s;
)SQL";

// Version 4: what makes queries fast without slowing the recorder (docs/schema.md, "Query
// indexes"). frame_blocks is a block range index: one row per run of about 1,024 consecutive
// frames with their wall-clock range and a Bloom filter of their keys (session, name, channel,
// message, user, flag bits), written by the writer as a block fills, at no measurable insert
// cost; a query reads the block rows and scans only the blocks that may hold a match.
// frames_fts is a contentless FTS5 index of text payloads, filled after the fact (an import
// after its commit, the recorder when its queue is idle) up to meta.text_indexed_upto.
const char* const kSchemaV4 = R"SQL(
CREATE TABLE frame_blocks(
    first_id INTEGER PRIMARY KEY,
    last_id INTEGER NOT NULL,
    frames INTEGER NOT NULL,
    min_wall_us INTEGER,
    max_wall_us INTEGER,
    keys BLOB NOT NULL
);
CREATE VIRTUAL TABLE frames_fts USING fts5(text, content='', detail=none, columnsize=0, tokenize='ascii');
INSERT INTO meta(key, value) VALUES ('text_indexed_upto', 0);
)SQL";

// Version 5: a replay served or sent by `rtmtap replay --record` is a session of its own that
// names the session it replayed (NULL for every other session); v_sessions shows it.
const char* const kSchemaV5 = R"SQL(
ALTER TABLE sessions ADD COLUMN replay_of INTEGER;

DROP VIEW IF EXISTS v_sessions;
CREATE VIEW v_sessions AS
SELECT s.id,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.started_us / 1e6, 'unixepoch') AS started_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.ended_us / 1e6, 'unixepoch') AS ended_at,
       round(s.duration_us / 1000.0, 3) AS duration_ms,
       s.client, s.upstream, s.path, s.subprotocol, s.http_status,
       s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, s.finger_print,
       (SELECT count(*) FROM frames f WHERE f.session = s.id) AS frames,
       (SELECT coalesce(sum(f.size), 0) FROM frames f WHERE f.session = s.id) AS bytes,
       s.close_code, s.close_reason, s.closed_by, s.error, s.label, s.replay_of
FROM sessions s;
)SQL";

// Version 6: `rtmtap edit ID` imports the edited recording as a new session that names the
// session it was edited from (NULL for every other session); v_sessions shows it.
const char* const kSchemaV6 = R"SQL(
ALTER TABLE sessions ADD COLUMN derived_from INTEGER;

DROP VIEW IF EXISTS v_sessions;
CREATE VIEW v_sessions AS
SELECT s.id,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.started_us / 1e6, 'unixepoch') AS started_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', s.ended_us / 1e6, 'unixepoch') AS ended_at,
       round(s.duration_us / 1000.0, 3) AS duration_ms,
       s.client, s.upstream, s.path, s.subprotocol, s.http_status,
       s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, s.finger_print,
       (SELECT count(*) FROM frames f WHERE f.session = s.id) AS frames,
       (SELECT coalesce(sum(f.size), 0) FROM frames f WHERE f.session = s.id) AS bytes,
       s.close_code, s.close_reason, s.closed_by, s.error, s.label, s.replay_of, s.derived_from
FROM sessions s;
)SQL";

// Version 7: a frame a filter sent in place of another (flag edited) names it: edit_of is the
// seq of the original in the same session (flag dropped), NULL for every other frame. v_frames
// shows the new flag and the link.
const char* const kSchemaV7 = R"SQL(
ALTER TABLE frames ADD COLUMN edit_of INTEGER;

DROP VIEW IF EXISTS v_frames;
CREATE VIEW v_frames AS
SELECT f.session, f.seq,
       round(f.t_us / 1000.0, 3) AS t_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', f.wall_us / 1e6, 'unixepoch') AS at,
       CASE f.dir WHEN 0 THEN 'c2s' WHEN 1 THEN 's2c' END AS dir,
       CASE f.op WHEN 1 THEN 'text' WHEN 2 THEN 'binary' WHEN 8 THEN 'close'
                 WHEN 9 THEN 'ping' WHEN 10 THEN 'pong' ELSE 'op' || f.op END AS op,
       CASE f.kind WHEN 0 THEN 'other' WHEN 1 THEN 'command' WHEN 2 THEN 'event'
                   WHEN 3 THEN 'control' END AS kind,
       n.name, f.channel_id, f.message_id, f.user_id, f.size, f.flags,
       trim(CASE WHEN f.flags & 1 THEN 'fragmented ' ELSE '' END ||
            CASE WHEN f.flags & 2 THEN 'oversize ' ELSE '' END ||
            CASE WHEN f.flags & 4 THEN 'malformed ' ELSE '' END ||
            CASE WHEN f.flags & 8 THEN 'synthetic ' ELSE '' END ||
            CASE WHEN f.flags & 16 THEN 'injected ' ELSE '' END ||
            CASE WHEN f.flags & 32 THEN 'dropped ' ELSE '' END ||
            CASE WHEN f.flags & 64 THEN 'redacted ' ELSE '' END ||
            CASE WHEN f.flags & 128 THEN 'invalid_utf8 ' ELSE '' END ||
            CASE WHEN f.flags & 256 THEN 'edited ' ELSE '' END) AS flag_names,
       CASE WHEN f.fwd_us >= 0 THEN round((f.fwd_us - f.t_us) / 1000.0, 3) END AS fwd_delay_ms,
       CASE WHEN f.op = 1 THEN CAST(f.payload AS TEXT) END AS text,
       CASE WHEN f.op <> 1 AND length(f.payload) <= 64 THEN hex(f.payload) END AS hex,
       f.edit_of
FROM frames f LEFT JOIN names n ON n.id = f.name_id;
)SQL";

// Version 8: what each rule of `rtmtap proxy --rules` did, one row a rule for each span of a
// proxy run that rule set was in force (from its load to the proxy's exit or the next reload),
// written when the span ends; `rtmtap stats` shows the rows of the runs it overlaps.
const char* const kSchemaV8 = R"SQL(
CREATE TABLE rule_counts(
    id INTEGER PRIMARY KEY,
    started_us INTEGER NOT NULL,
    ended_us INTEGER NOT NULL,
    file TEXT NOT NULL,
    line INTEGER NOT NULL,
    rule TEXT NOT NULL,
    matched INTEGER NOT NULL,
    touched INTEGER NOT NULL,
    missing INTEGER NOT NULL
);
CREATE INDEX rule_counts_by_end ON rule_counts(ended_us);
)SQL";

// Version 9: frames a session relayed while the recorder was behind and `rtmtap proxy
// --when-behind relay` kept the traffic flowing instead of pausing it: one row per run of
// consecutive frames of a session (their seqs are missing from frames), with why it was behind.
const char* const kSchemaV9 = R"SQL(
CREATE TABLE gaps(
    id INTEGER PRIMARY KEY,
    session INTEGER NOT NULL,
    first_seq INTEGER NOT NULL,
    last_seq INTEGER NOT NULL,
    first_us INTEGER NOT NULL,
    last_us INTEGER NOT NULL,
    frames INTEGER NOT NULL,
    bytes INTEGER NOT NULL,
    reason TEXT NOT NULL
);
CREATE INDEX gaps_by_session ON gaps(session, first_seq);

CREATE VIEW v_gaps AS
SELECT g.session, g.first_seq, g.last_seq,
       strftime('%Y-%m-%dT%H:%M:%fZ', g.first_us / 1e6, 'unixepoch') AS first_at,
       strftime('%Y-%m-%dT%H:%M:%fZ', g.last_us / 1e6, 'unixepoch') AS last_at,
       g.frames, g.bytes, g.reason
FROM gaps g;
)SQL";

// Version 10: a session's API calls are those of its login made before it opened (the web client
// calls channel.list, team.list... alongside rtm.connect, not before it), and those made while it
// was open (channel.history, chat.postmessage, system.ping...), which the recorder links by
// `session` (docs/schema.md); CORS preflights are linked with the requests they cleared.
const char* const kSchemaV10 = R"SQL(
DROP VIEW IF EXISTS v_session_api;
CREATE VIEW v_session_api AS
SELECT c.session AS session, a.id, strftime('%Y-%m-%dT%H:%M:%fZ', a.started_us / 1e6, 'unixepoch') AS started_at,
       a.method, a.path, a.status, a.error
FROM api_calls c JOIN sessions s ON s.id = c.session
     JOIN api_calls a ON a.login_key = c.login_key AND a.started_us <= s.started_us
WHERE c.session IS NOT NULL AND c.ws_token IS NOT NULL
UNION
SELECT a.session, a.id, strftime('%Y-%m-%dT%H:%M:%fZ', a.started_us / 1e6, 'unixepoch') AS started_at,
       a.method, a.path, a.status, a.error
FROM api_calls a WHERE a.session IS NOT NULL;
)SQL";

// Version 11: what lint found about the frames, live (`rtmtap proxy --lint`, source 'live') or
// over a recording (`rtmtap lint --store`, source 'lint'), one row a finding; seq 0 is about the
// whole session. Findings are few (a handful a session): the two indexes serve `rtmtap query
// --finding RULE` (by rule) and reading a session's findings back (by session and seq).
const char* const kSchemaV11 = R"SQL(
CREATE TABLE findings(
    id INTEGER PRIMARY KEY,
    session INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    rule TEXT NOT NULL,
    severity TEXT NOT NULL,
    sentence TEXT NOT NULL,
    section TEXT,
    t_us INTEGER,
    wall_us INTEGER,
    source TEXT NOT NULL
);
CREATE INDEX findings_by_rule ON findings(rule);
CREATE INDEX findings_by_session ON findings(session, seq);

CREATE VIEW v_findings AS
SELECT g.session, g.seq, round(g.t_us / 1000.0, 3) AS t_ms,
       strftime('%Y-%m-%dT%H:%M:%fZ', g.wall_us / 1e6, 'unixepoch') AS at,
       g.severity, g.rule, g.sentence, g.section, g.source
FROM findings g;
)SQL";

// Version 12: the file's identity, made once (at create, or by this migration) and never changed:
// `rtmtap ship` keys its high-water marks in the server by it, so a copied or renamed file
// resumes where it stopped and two files never share marks. 16 random bytes as 32 hex digits.
const char* const kSchemaV12 = R"SQL(
INSERT OR IGNORE INTO meta(key, value) VALUES ('db_id', lower(hex(randomblob(16))));
)SQL";

struct Migration {
    int toVersion;
    const char* sql;
};

// Append a step for each new version; never edit a released one.
const Migration kMigrations[] = {
    {1, kSchemaV1},
    {2, kSchemaV2},
    {3, kSchemaV3},
    {4, kSchemaV4},
    {5, kSchemaV5},
    {6, kSchemaV6},
    {7, kSchemaV7},
    {8, kSchemaV8},
    {9, kSchemaV9},
    {10, kSchemaV10},
    {11, kSchemaV11},
    {12, kSchemaV12},
};

std::string notRtmtap(const Database& db) {
    return "'" + db.path() + "' is not an rtmtap database (pass --db with a file rtmtap recorded)";
}

}  // namespace

int Schema::checkedVersion(Database& db, bool emptyIsOk) {
    // The first read also reports a file that is not SQLite at all ("file is not a database").
    int version = static_cast<int>(db.queryInt("PRAGMA user_version"));
    if (version > kVersion) {
        std::string message = "'" + db.path() + "' was written by a newer rtmtap (schema version " +
                              std::to_string(version) + ", this build knows up to " + std::to_string(kVersion) +
                              "; upgrade rtmtap)";
        throw DatabaseError(message, SQLITE_ERROR, message);
    }
    if (version == 0) {
        bool empty = db.queryInt("SELECT count(*) FROM sqlite_master") == 0;
        if (!empty || !emptyIsOk) {
            throw DatabaseError(notRtmtap(db), SQLITE_ERROR, notRtmtap(db));
        }
        return 0;
    }
    bool known = db.queryInt("SELECT count(*) FROM sqlite_master WHERE type = 'table' AND name = 'meta'") == 1 &&
                 db.queryInt("SELECT count(*) FROM meta WHERE key = 'app' AND value = 'rtmtap'") == 1;
    if (!known) {
        throw DatabaseError(notRtmtap(db), SQLITE_ERROR, notRtmtap(db));
    }
    return version;
}

void Schema::prepareForWriting(Database& db) {
    // Checked before anything is changed: someone else's database is never switched to WAL.
    int version = checkedVersion(db, true);
    if (version == 0) {
        // Set before the first table and WAL: frames are ~0.5 KB appended rows, and 32 KiB pages
        // took recorder_bench from ~230k to ~260k rows/s here (fewer page headers and splits).
        db.exec("PRAGMA page_size = 32768");
    }
    db.exec("PRAGMA journal_mode = WAL");
    db.exec("PRAGMA synchronous = NORMAL");
    if (version < kVersion) {
        migrate(db);
    }
}

void Schema::checkForReading(Database& db) {
    const int version = checkedVersion(db, false);
    if (version >= kVersion) {
        return;
    }
    // A database an older rtmtap wrote: the readers' queries name the newer columns, so bring it
    // up to date first (a few ALTER TABLEs in one transaction) through a second, writable
    // connection; db sees the new schema at its next statement.
    try {
        Database writable(db.path(), Database::Mode::ReadWrite);
        migrate(writable);
    } catch (const DatabaseError& e) {
        const std::string message = "'" + db.path() + "' was written by an older rtmtap (schema version " +
                                    std::to_string(version) + ") and cannot be upgraded to version " +
                                    std::to_string(kVersion) + ": " + e.what() + " (open it once with write access)";
        throw DatabaseError(message, SQLITE_READONLY, message);
    }
}

std::string Schema::databaseId(Database& db) {
    Statement select(db, "SELECT value FROM meta WHERE key = 'db_id'");
    std::string id = select.step() ? select.columnText(0) : "";
    if (id.empty()) {
        std::string message = "'" + db.path() + "' has no database identity (meta.db_id; open it once with write access)";
        throw DatabaseError(message, SQLITE_ERROR, message);
    }
    return id;
}

void Schema::migrate(Database& db) {
    db.exec("BEGIN IMMEDIATE");
    try {
        // Another process may have created the schema between our check and the lock.
        int version = checkedVersion(db, true);
        for (const Migration& step : kMigrations) {
            if (step.toVersion > version) {
                db.exec(step.sql);
            }
        }
        db.exec("PRAGMA user_version = " + std::to_string(kVersion));
        db.exec("COMMIT");
    } catch (...) {
        sqlite3_exec(db.handle(), "ROLLBACK", nullptr, nullptr, nullptr);
        throw;
    }
}

}  // namespace rtmtap
