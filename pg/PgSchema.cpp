#include "PgSchema.h"

#include "AdvisoryLocks.h"
#include "PgConnection.h"
#include "PgError.h"

namespace rtmtap::pg {
namespace {

// Version 1 (docs/postgresql.md says which query filter each index serves). Differences from the
// design sketch, each for a reason: frames_other carries a CHECK of the range it holds, so adding a
// day partition never scans it (PostgreSQL proves from the constraint that no row there belongs
// to the new day); names are unique by md5(name), not by name, because a btree entry holds at most
// ~2.7 kB and a hostile event name can be 1 MiB; jsonb_or_null lets the shipper's fallback path keep a row whose JSON the
// server refuses (doc NULL) instead of failing its batch; frames_without_doc finds the text and
// binary frames without doc, which every --where must recheck beside what frames_by_doc finds.
const char* const kSchemaV1 = R"SQL(
CREATE SCHEMA IF NOT EXISTS rtmtap;
CREATE TABLE rtmtap.meta(key text PRIMARY KEY, value text NOT NULL);
INSERT INTO rtmtap.meta(key, value) VALUES ('app', 'rtmtap'), ('version', '1');

CREATE TABLE rtmtap.sources(
    id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    identity text NOT NULL UNIQUE,
    name text NOT NULL,
    host text NOT NULL,
    path text NOT NULL,
    first_shipped_at timestamptz NOT NULL DEFAULT now(),
    last_shipped_at timestamptz,
    frames_upto bigint NOT NULL DEFAULT 0,
    api_calls_upto bigint NOT NULL DEFAULT 0,
    findings_upto bigint NOT NULL DEFAULT 0,
    gaps_upto bigint NOT NULL DEFAULT 0,
    rule_counts_upto bigint NOT NULL DEFAULT 0);

CREATE TABLE rtmtap.sessions(
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source integer NOT NULL REFERENCES rtmtap.sources(id),
    local_id bigint NOT NULL,
    started_us bigint NOT NULL, ended_us bigint, duration_us bigint,
    client text, upstream text, path text, subprotocol text, headers text, http_status integer,
    user_id bigint, user_name text, client_ip text, user_agent text, token_expiry text,
    finger_print text, auth_token text, claims text, close_code integer, close_reason text,
    closed_by text, error text, label text,
    replay_of bigint, derived_from bigint,
    frames bigint NOT NULL DEFAULT 0, bytes bigint NOT NULL DEFAULT 0,
    UNIQUE (source, local_id));
CREATE INDEX sessions_by_started ON rtmtap.sessions(started_us);

CREATE TABLE rtmtap.names(id integer GENERATED ALWAYS AS IDENTITY PRIMARY KEY, name text NOT NULL);
CREATE UNIQUE INDEX names_by_md5 ON rtmtap.names(md5(name));

CREATE SEQUENCE rtmtap.frame_ids;
CREATE TABLE rtmtap.frames(
    id bigint NOT NULL DEFAULT nextval('rtmtap.frame_ids'),
    session bigint NOT NULL,
    seq bigint NOT NULL,
    dir smallint NOT NULL, op smallint NOT NULL, flags integer NOT NULL,
    t_us bigint NOT NULL, fwd_us bigint, wall_us bigint NOT NULL, size bigint NOT NULL,
    kind smallint NOT NULL, name_id integer, channel_id bigint, message_id bigint, user_id bigint,
    edit_of bigint,
    payload bytea NOT NULL,
    doc jsonb,
    words tsvector,
    PRIMARY KEY (session, seq, wall_us)
) PARTITION BY RANGE (wall_us);
CREATE TABLE rtmtap.frames_other PARTITION OF rtmtap.frames DEFAULT;
ALTER TABLE rtmtap.frames_other ADD CONSTRAINT frames_other_outside_days
    CHECK (wall_us < 946684800000000 OR wall_us >= 4102444800000000);
CREATE INDEX frames_by_id ON rtmtap.frames(id);
CREATE INDEX frames_by_time ON rtmtap.frames USING brin(wall_us);
CREATE INDEX frames_by_name ON rtmtap.frames(name_id) WHERE name_id IS NOT NULL;
CREATE INDEX frames_by_channel ON rtmtap.frames(channel_id) WHERE channel_id IS NOT NULL;
CREATE INDEX frames_by_message ON rtmtap.frames(message_id) WHERE message_id IS NOT NULL;
CREATE INDEX frames_by_user ON rtmtap.frames(user_id) WHERE user_id IS NOT NULL;
CREATE INDEX frames_by_words ON rtmtap.frames USING gin(words);
CREATE INDEX frames_by_doc ON rtmtap.frames USING gin(doc jsonb_path_ops);
CREATE INDEX frames_without_doc ON rtmtap.frames(id) WHERE doc IS NULL AND op IN (1, 2);

CREATE TABLE rtmtap.api_calls(
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source integer NOT NULL REFERENCES rtmtap.sources(id),
    local_id bigint NOT NULL,
    session bigint,
    started_us bigint NOT NULL, duration_us bigint, client text, upstream text, method text,
    path text, status integer, request_headers text, request_body bytea, response_headers text,
    response_body bytea, ws_endpoint text, ws_token text, error text, login_key text,
    UNIQUE (source, local_id));
CREATE INDEX api_calls_by_session ON rtmtap.api_calls(session);
CREATE INDEX api_calls_by_login ON rtmtap.api_calls(source, login_key);

CREATE TABLE rtmtap.findings(
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source integer NOT NULL REFERENCES rtmtap.sources(id),
    local_id bigint NOT NULL,
    session bigint NOT NULL, seq bigint NOT NULL, rule text NOT NULL, severity text NOT NULL,
    sentence text NOT NULL, section text, t_us bigint, wall_us bigint,
    found_by text NOT NULL,
    UNIQUE (source, local_id));
CREATE INDEX findings_by_session ON rtmtap.findings(session, seq);
CREATE INDEX findings_by_rule ON rtmtap.findings(rule);

CREATE TABLE rtmtap.gaps(
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source integer NOT NULL REFERENCES rtmtap.sources(id), local_id bigint NOT NULL,
    session bigint NOT NULL, first_seq bigint NOT NULL, last_seq bigint NOT NULL,
    first_us bigint NOT NULL, last_us bigint NOT NULL, frames bigint NOT NULL, bytes bigint NOT NULL,
    reason text NOT NULL, UNIQUE (source, local_id));
CREATE INDEX gaps_by_session ON rtmtap.gaps(session, first_seq);

CREATE TABLE rtmtap.rule_counts(
    id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    source integer NOT NULL REFERENCES rtmtap.sources(id), local_id bigint NOT NULL,
    started_us bigint NOT NULL, ended_us bigint NOT NULL, file text NOT NULL, line bigint NOT NULL,
    rule text NOT NULL, matched bigint NOT NULL, touched bigint NOT NULL, missing bigint NOT NULL,
    UNIQUE (source, local_id));

CREATE VIEW rtmtap.v_session_api AS
SELECT c.session AS session, a.id,
       to_char(to_timestamp(a.started_us / 1e6) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at,
       a.method, a.path, a.status, a.error
FROM rtmtap.api_calls c JOIN rtmtap.sessions s ON s.id = c.session
     JOIN rtmtap.api_calls a ON a.source = c.source AND a.login_key = c.login_key AND a.started_us <= s.started_us
WHERE c.session IS NOT NULL AND c.ws_token IS NOT NULL
UNION
SELECT a.session, a.id,
       to_char(to_timestamp(a.started_us / 1e6) AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"') AS started_at,
       a.method, a.path, a.status, a.error
FROM rtmtap.api_calls a WHERE a.session IS NOT NULL;

CREATE FUNCTION rtmtap.jsonb_or_null(t text) RETURNS jsonb LANGUAGE plpgsql IMMUTABLE STRICT AS $$
BEGIN
    RETURN t::jsonb;
EXCEPTION WHEN others THEN
    RETURN NULL;
END $$;
)SQL";

struct Migration {
    int toVersion;
    const char* sql;
};

// Append a step for each new version; never edit a released one.
const Migration kMigrations[] = {
    {1, kSchemaV1},
};

std::string initHint(const std::string& url) {
    return "run `rtmtap ship --init --to " + PgConnection::redacted(url) + "`";
}

}  // namespace

int PgSchema::version(PgConnection& db, const std::string& url) {
    const std::string where = PgConnection::redacted(url) + ": ";
    PgResult meta = db.query("SELECT to_regclass('rtmtap.meta') IS NOT NULL, "
                             "EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = 'rtmtap')");
    if (meta.integer(0, 0) == 0) {
        bool schemaExists = meta.integer(0, 1) != 0;
        if (schemaExists && db.query("SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                                     "WHERE n.nspname = 'rtmtap'").integer(0, 0) > 0) {
            throw PgError(where + "schema rtmtap holds tables that are not rtmtap's (no rtmtap.meta); "
                                  "rename or drop it, or use another database",
                          "", false);
        }
        return 0;
    }
    PgResult rows = db.query("SELECT (SELECT value FROM rtmtap.meta WHERE key = 'app'), "
                             "(SELECT value FROM rtmtap.meta WHERE key = 'version')");
    std::string version = rows.text(0, 1);
    if (rows.text(0, 0) != "rtmtap" || version.empty() ||
        version.find_first_not_of("0123456789") != std::string::npos || version.size() > 9) {
        throw PgError(where + "schema rtmtap is not rtmtap's (rtmtap.meta has no app 'rtmtap' and version); "
                              "rename or drop it, or use another database",
                      "", false);
    }
    return std::stoi(version);
}

int PgSchema::check(PgConnection& db, const std::string& url) {
    const int found = version(db, url);
    const std::string where = PgConnection::redacted(url) + ": ";
    if (found == 0) {
        throw PgError(where + "no rtmtap schema; " + initHint(url), "", false);
    }
    if (found > kVersion) {
        throw PgError(where + "rtmtap schema version " + std::to_string(found) + " is newer than this rtmtap knows (" +
                          std::to_string(kVersion) + "); upgrade rtmtap",
                      "", false);
    }
    if (found < kVersion) {
        throw PgError(where + "rtmtap schema version " + std::to_string(found) + " is older than this rtmtap's (" +
                          std::to_string(kVersion) + "); " + initHint(url),
                      "", false);
    }
    return found;
}

int PgSchema::init(PgConnection& db, const std::string& url) {
    db.exec("BEGIN");
    try {
        db.exec(lock::transactionLock(lock::kSchema));
        // Read under the lock: another init may have finished while this one waited.
        const int found = version(db, url);
        if (found > kVersion) {
            check(db, url);  // throws the "newer" line
        }
        for (const Migration& step : kMigrations) {
            if (step.toVersion > found) {
                db.exec(step.sql);
            }
        }
        if (found > 0 && found < kVersion) {
            db.exec("UPDATE rtmtap.meta SET value = '" + std::to_string(kVersion) + "' WHERE key = 'version'");
        }
        db.exec("COMMIT");
        return found;
    } catch (...) {
        if (db.inTransaction()) {
            try {
                db.exec("ROLLBACK");
            } catch (const PgError&) {
                // The connection is gone: the server rolls back by itself.
            }
        }
        throw;
    }
}

}  // namespace rtmtap::pg
