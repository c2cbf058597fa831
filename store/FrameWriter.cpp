#include "FrameWriter.h"

#include "ApiRedaction.h"
#include "RecorderClaim.h"
#include "Recording.h"
#include "Schema.h"
#include "protocol/Classifier.h"
#include "protocol/JsonStrings.h"
#include "protocol/JsonText.h"
#include "protocol/JwtClaims.h"

#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/URI.h>
#include <sqlite3.h>

#include <algorithm>
#include <cctype>

namespace rtmtap {
namespace {

const char* const kInsertFrame =
    "INSERT INTO frames(session, seq, dir, op, flags, t_us, fwd_us, wall_us, size, kind, name_id, "
    "channel_id, message_id, user_id, payload, edit_of) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, "
    "?12, ?13, ?14, ?15, ?16)";
const char* const kInsertSession =
    "INSERT OR REPLACE INTO sessions(id, started_us, client, upstream, path, subprotocol, headers, replay_of, "
    "derived_from) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";
const char* const kEndSession =
    "UPDATE sessions SET ended_us = ?2, duration_us = ?3, close_code = ?4, close_reason = ?5, closed_by = ?6, "
    "error = ?7, http_status = ?8 WHERE id = ?1";
const char* const kAuthWithClaims =
    "UPDATE sessions SET auth_token = ?2, claims = ?3, user_id = ?4, user_name = ?5, client_ip = ?6, "
    "user_agent = ?7, token_expiry = ?8, finger_print = ?9 WHERE id = ?1";
const char* const kAuthTokenOnly = "UPDATE sessions SET auth_token = ?2 WHERE id = ?1";
const char* const kInsertApiCall =
    "INSERT INTO api_calls(session, started_us, duration_us, client, upstream, method, path, status, "
    "request_headers, request_body, response_headers, response_body, ws_endpoint, ws_token, error, login_key) "
    "VALUES (coalesce(?17, (SELECT min(id) FROM sessions WHERE auth_token = ?1), "
    "CASE WHEN ?14 IS NULL AND ?16 IS NOT NULL THEN ("
    " SELECT s.id FROM api_calls c JOIN sessions s ON s.id = c.session"
    " WHERE c.login_key = ?16 AND c.ws_token IS NOT NULL AND s.ended_us IS NULL"
    " ORDER BY s.finger_print IS ?18 DESC, s.id DESC LIMIT 1) END), "
    "?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16)";
// A CORS preflight carries no token: it belongs to the request it cleared, the next call from the
// same client address (IP; a browser may preflight on another connection) to the same target,
// within 10 s. Only the last 256 calls are looked at (api_calls is scanned by rowid).
const char* const kAttachPreflight =
    "UPDATE api_calls SET login_key = ?1, session = (SELECT session FROM api_calls WHERE id = ?2) "
    "WHERE id = (SELECT id FROM api_calls WHERE id BETWEEN ?2 - 256 AND ?2 - 1 AND method = 'OPTIONS' "
    "AND login_key IS NULL AND path = ?3 AND substr(client, 1, length(?4)) = ?4 AND started_us >= ?5 - 10000000 "
    "ORDER BY id DESC LIMIT 1)";
// The API call whose rtm.connect answer carried the token a session authenticates with: the
// first session to use a token gets the link.
const char* const kLinkApiCalls = "UPDATE api_calls SET session = ?1 WHERE ws_token = ?2 AND session IS NULL";

// The rtm.connect answer's rtm.ws_token, "" when there is none.
std::string wsTokenOf(const ApiExchange& exchange) {
    if (exchange.ws_endpoint.empty() && exchange.response_body.find("ws_token") == std::string::npos) {
        return {};
    }
    for (const JsonStringMember& member : scanJsonStrings(exchange.response_body).members) {
        if (member.path == "rtm.ws_token") {
            return member.value;
        }
    }
    return {};
}

// The login token a call belongs to: the one user.login issued (its answer's "token"), or the one
// a later call presents (Authorization: Bearer, AuthorizationAlt, or ?token=). Keyed like ws_token.
std::string loginTokenOf(const ApiExchange& exchange) {
    if (exchange.response_body.find("\"token\"") != std::string::npos) {
        for (const JsonStringMember& member : scanJsonStrings(exchange.response_body).members) {
            if (member.path == "token") {
                return member.value;
            }
        }
    }
    for (const auto& [name, value] : exchange.request_headers) {
        if ((Poco::icompare(name, "Authorization") == 0 || Poco::icompare(name, "AuthorizationAlt") == 0) &&
            Poco::icompare(value.substr(0, 7), "Bearer ") == 0) {
            return Poco::trim(value.substr(7));
        }
    }
    auto query = exchange.path.find('?');
    if (query != std::string::npos) {
        for (const std::string& pair : Poco::StringTokenizer(exchange.path.substr(query + 1), "&")) {
            if (pair.rfind("token=", 0) == 0) {
                return pair.substr(6);
            }
        }
    }
    return {};
}

// The connection a call names by its finger_print (system.ping's form field, or a query field):
// it picks the session when one login has several live sessions (two tabs, two devices).
std::string fingerPrintOf(const ApiExchange& exchange) {
    std::string fields = exchange.request_body;
    const size_t query = exchange.path.find('?');
    if (query != std::string::npos) {
        fields += "&" + exchange.path.substr(query + 1);
    }
    for (const std::string& pair : Poco::StringTokenizer(fields, "&")) {
        if (pair.rfind("finger_print=", 0) == 0) {
            std::string value;
            try {
                Poco::URI::decode(pair.substr(13), value);
            } catch (const std::exception&) {
                return {};  // a malformed escape names no connection
            }
            return value;
        }
    }
    return {};
}

// "127.0.0.1:53122" -> "127.0.0.1:", "[::1]:5000" -> "[::1]:"; the whole string when it has no port.
std::string clientHostPrefix(const std::string& client) {
    const size_t colon = client.rfind(':');
    return colon == std::string::npos ? client : client.substr(0, colon + 1);
}

// Only a JWT links: its "header.payload." identifies it; "[redacted]" would match every other
// token that is not a JWT.
std::string linkKey(std::string_view token) {
    std::string key = redactJwt(token);
    return key == "[redacted]" ? std::string() : key;
}

// Creates or migrates the schema before the statements below are prepared against it.
Database& prepared(Database& db, int64_t maxBytes) {
    Schema::prepareForWriting(db);
    // Measured with bench/recorder: a 16 MiB page cache keeps the index's hot pages in memory and
    // a larger checkpoint interval rewrites them less often (~10% less CPU a row than defaults).
    db.exec("PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 8192; PRAGMA journal_size_limit = 67108864");
    if (maxBytes > 0) {
        // In the file's own pages (32 KiB for a file rtmtap created, whatever an older one has).
        // SQLite never sets the limit below the pages the file already has.
        const int64_t pageSize = std::max<int64_t>(512, db.queryInt("PRAGMA page_size"));
        db.exec("PRAGMA max_page_count = " + std::to_string(std::max<int64_t>(1, maxBytes / pageSize)));
    }
    return db;
}

const char* const kInsertGap =
    "INSERT INTO gaps(session, first_seq, last_seq, first_us, last_us, frames, bytes, reason) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8)";

const char* const kInsertFinding =
    "INSERT INTO findings(session, seq, rule, severity, sentence, section, t_us, wall_us, source) "
    "VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)";

// The recorder retries a locked database itself (store/WriteStall.h): a short busy wait keeps its
// writer thread responsive (a file check, the end of the run) while another process holds the lock.
constexpr int kRecorderBusyMs = 250;

// A session id that links to another session: 0 means none and is stored as NULL.
void bindIdOrNull(Statement& s, int index, int64_t id) {
    s.bind(index, id > 0 ? std::optional<int64_t>(id) : std::nullopt);
}

}  // namespace

FrameWriter::FrameWriter(const std::string& path, bool keepSecrets, int64_t maxBytes, WriterRole role)
    : db_(path, Database::Mode::ReadWriteCreate),
      role_(role),
      keepSecrets_(keepSecrets),
      begin_(prepared(db_, maxBytes), "BEGIN IMMEDIATE"),
      commit_(db_, "COMMIT"),
      rollback_(db_, "ROLLBACK"),
      insertFrame_(db_, kInsertFrame),
      insertSession_(db_, kInsertSession),
      endSession_(db_, kEndSession),
      authWithClaims_(db_, kAuthWithClaims),
      authTokenOnly_(db_, kAuthTokenOnly),
      insertApiCall_(db_, kInsertApiCall),
      linkApiCalls_(db_, kLinkApiCalls),
      attachPreflight_(db_, kAttachPreflight),
      setLabel_(db_, "UPDATE sessions SET label = ?2 WHERE id = ?1"),
      insertGap_(db_, kInsertGap),
      insertFinding_(db_, kInsertFinding),
      deleteFindings_(db_, "DELETE FROM findings WHERE session = ?1 AND source = ?2"),
      insertName_(db_, "INSERT INTO names(name) VALUES (?1) ON CONFLICT(name) DO NOTHING"),
      selectName_(db_, "SELECT id FROM names WHERE name = ?1"),
      blocks_(db_),
      text_(db_) {
    if (role_ == WriterRole::Recorder) {
        // Checked and marked under the write lock: of two proxies starting at once, one wins.
        begin_.run();
        try {
            RecorderClaim::claim(db_);
            commit_.run();
        } catch (...) {
            rollback_.run();
            throw;
        }
        sqlite3_busy_timeout(db_.handle(), kRecorderBusyMs);
    }
    firstFreeSessionId_ = queryFreeSessionId();
    loadNames();
}

FrameWriter::~FrameWriter() {
    if (role_ == WriterRole::Recorder && !sqlite3_db_readonly(db_.handle(), "main")) {
        RecorderClaim::release(db_);
    }
}

int64_t FrameWriter::queryFreeSessionId() {
    // Frames whose session row was lost in a failed batch still own their id.
    return db_.queryInt("SELECT max(coalesce((SELECT max(id) FROM sessions), 0), "
                        "coalesce((SELECT max(session) FROM frames), 0)) + 1");
}

bool FrameWriter::hasSession(int64_t id) {
    return db_.queryInt("SELECT count(*) FROM sessions WHERE id = " + std::to_string(id)) > 0;
}

int64_t FrameWriter::indexText(int64_t maxIds) {
    return text_.step(maxIds);
}

void FrameWriter::writeLabel(int64_t session, const std::string& label) {
    setLabel_.bind(1, session);
    setLabel_.bindTextOrNull(2, label);
    setLabel_.run();
}

void FrameWriter::loadNames() {
    Statement all(db_, "SELECT id, name FROM names");
    while (all.step()) {
        names_.emplace(all.columnText(1), all.columnInt(0));
    }
    all.reset();
}

void FrameWriter::begin() {
    namesThisBatch_.clear();
    begin_.run();
    try {
        blocks_.sync();
    } catch (...) {
        rollback();
        throw;
    }
}

void FrameWriter::checkNotRecording() {
    RecorderClaim::checkNotRecording(db_);
}

void FrameWriter::commit() {
    commit_.run();
    namesThisBatch_.clear();
}

void FrameWriter::rollback() noexcept {
    // After some errors (SQLITE_FULL, IOERR) SQLite has already rolled back.
    if (!sqlite3_get_autocommit(db_.handle())) {
        try {
            rollback_.run();
        } catch (const DatabaseError&) {
            // Nothing more to undo; the next begin() reports a connection that is truly broken.
        }
    }
    blocks_.invalidate();
    for (const std::string& name : namesThisBatch_) {
        names_.erase(name);
    }
    namesThisBatch_.clear();
}

void FrameWriter::write(const Record& record) {
    if (const auto* message = std::get_if<Message>(&record)) {
        writeMessage(*message);
    } else if (const auto* batch = std::get_if<MessageBatch>(&record)) {
        for (const Message& m : **batch) {
            writeMessage(m);
        }
    } else if (const auto* info = std::get_if<SessionInfo>(&record)) {
        writeSession(*info);
    } else if (const auto* exchange = std::get_if<ApiExchange>(&record)) {
        writeApiCall(*exchange);
    } else if (const auto* gap = std::get_if<GapRow>(&record)) {
        writeGap(*gap);
    } else if (const auto* found = std::get_if<FindingBatch>(&record)) {
        writeFindings(*found);
    } else {
        writeEnd(std::get<SessionEnd>(record));
    }
}

void FrameWriter::writeSession(const SessionInfo& info) {
    std::string headers = headersJson(info.headers);
    Statement& s = insertSession_;
    s.bind(1, info.id);
    s.bind(2, info.started_wall_us);
    s.bindText(3, info.client);
    s.bindText(4, info.upstream);
    s.bindText(5, info.path);
    s.bindTextOrNull(6, info.subprotocol);
    s.bindText(7, headers);
    bindIdOrNull(s, 8, info.replay_of);
    bindIdOrNull(s, 9, info.derived_from);
    s.run();
}

void FrameWriter::writeApiCall(const ApiExchange& x) {
    insertApiCall(x, std::nullopt, linkKey(loginTokenOf(x)));
}

void FrameWriter::writeImportedApiCall(int64_t session, const RecordedApiCall& call) {
    ApiExchange x;
    x.started_wall_us = call.started_wall_us;
    x.method = call.method;
    x.path = call.path;
    x.status = call.status;
    x.request_headers = call.request_headers;
    x.request_body = call.request_body;
    x.response_headers = call.response_headers;
    x.response_body = call.response_body;
    // The file's tokens are redacted already, so the login cannot be keyed by its token; a key of
    // the session's own keeps it apart from every other login, an earlier import of the same file's
    // included (docs/schema.md, login_key).
    insertApiCall(x, session, "import:" + std::to_string(session));
}

void FrameWriter::insertApiCall(const ApiExchange& x, std::optional<int64_t> session, const std::string& loginKey) {
    const std::string token = wsTokenOf(x);
    const std::string key = linkKey(token);
    // Sessions store the token redacted, or whole with keepSecrets.
    const std::string sessionToken = key.empty() ? std::string() : (keepSecrets_ ? token : key);
    // Statements bind without copying: every bound string lives until run().
    const std::string path = redactTarget(x.path);
    const std::string requestHeaders = headersJson(x.request_headers);
    const std::string requestBody = redactApiBody(x.request_body, x.request_headers);
    const std::string responseHeaders = headersJson(x.response_headers);
    const std::string responseBody = redactApiBody(x.response_body, x.response_headers);
    Statement& s = insertApiCall_;
    // ?1: unless ?17 names the session, the one that already authenticated with this token, if
    // any (normally it comes later and links itself in applyAuth).
    s.bindTextOrNull(1, sessionToken);
    s.bind(2, x.started_wall_us);
    s.bind(3, x.duration_us);
    s.bindText(4, x.client);
    s.bindText(5, x.upstream);
    s.bindText(6, x.method);
    s.bindText(7, path);
    s.bind(8, static_cast<int64_t>(x.status));
    s.bindText(9, requestHeaders);
    s.bindBlob(10, requestBody);
    s.bindText(11, responseHeaders);
    s.bindBlob(12, responseBody);
    s.bindTextOrNull(13, x.ws_endpoint);
    s.bindTextOrNull(14, key);
    s.bindTextOrNull(15, x.error);
    s.bindTextOrNull(16, loginKey);
    s.bind(17, session);
    const std::string fingerPrint = fingerPrintOf(x);
    s.bindTextOrNull(18, fingerPrint);
    s.run();
    if (!loginKey.empty() && x.method != "OPTIONS") {
        attachPreflight(loginKey, path, x.client, x.started_wall_us);
    }
}

void FrameWriter::attachPreflight(const std::string& loginKey, const std::string& path, const std::string& client,
                                  int64_t startedUs) {
    const std::string host = clientHostPrefix(client);
    Statement& s = attachPreflight_;
    s.bindText(1, loginKey);
    s.bind(2, static_cast<int64_t>(sqlite3_last_insert_rowid(db_.handle())));
    s.bindText(3, path);
    s.bindText(4, host);
    s.bind(5, startedUs);
    s.run();
}

void FrameWriter::writeEnd(const SessionEnd& end) {
    Statement& s = endSession_;
    s.bind(1, end.id);
    s.bind(2, end.ended_wall_us);
    s.bind(3, end.duration_us);
    s.bind(4, end.close_code >= 0 ? std::optional<int64_t>(end.close_code) : std::nullopt);
    // A close frame with an empty reason is stored as '', no close frame at all as NULL.
    if (end.close_code >= 0) {
        s.bindText(5, end.close_reason);
    } else {
        s.bindTextOrNull(5, end.close_reason);
    }
    s.bindTextOrNull(6, end.closed_by);
    s.bindTextOrNull(7, end.error);
    s.bind(8, static_cast<int64_t>(end.http_status));
    s.run();
}

void FrameWriter::writeGap(const GapRow& gap) {
    Statement& s = insertGap_;
    s.bind(1, gap.session);
    s.bind(2, gap.first_seq);
    s.bind(3, gap.last_seq);
    s.bind(4, gap.first_us);
    s.bind(5, gap.last_us);
    s.bind(6, gap.frames);
    s.bind(7, gap.bytes);
    s.bindText(8, gap.reason);
    s.run();
}

void FrameWriter::writeFindings(const FindingBatch& batch) {
    if (batch.replace) {
        deleteFindings_.bind(1, batch.session);
        deleteFindings_.bindText(2, batch.source);
        deleteFindings_.run();
    }
    Statement& s = insertFinding_;
    for (const Finding& f : batch.findings) {
        s.bind(1, batch.session);
        s.bind(2, f.seq);
        s.bindText(3, f.rule);
        s.bindText(4, toString(f.severity));
        s.bindText(5, f.sentence);
        s.bindTextOrNull(6, f.section);
        s.bind(7, f.t_us);
        s.bind(8, f.wall_us);
        s.bindText(9, batch.source);
        s.run();
    }
}

void FrameWriter::copySessionsTo(const std::string& path, const std::vector<int64_t>& ids) {
    if (ids.empty()) {
        return;
    }
    std::string list;
    for (int64_t id : ids) {
        list += (list.empty() ? "" : ",") + std::to_string(id);
    }
    Statement attach(db_, "ATTACH DATABASE ?1 AS fresh");
    attach.bindText(1, path);
    attach.run();
    try {
        // Both files have the same schema version, so their columns line up.
        db_.exec("INSERT OR IGNORE INTO fresh.sessions SELECT * FROM main.sessions WHERE id IN (" + list + ")");
    } catch (...) {
        sqlite3_exec(db_.handle(), "DETACH DATABASE fresh", nullptr, nullptr, nullptr);
        throw;
    }
    db_.exec("DETACH DATABASE fresh");
}

void FrameWriter::writeMessage(const Message& message) {
    uint32_t flags = message.flags;
    Classification index = classifyMessage(message, flags);
    std::string redacted = applyAuth(message, index, flags);
    const std::string& payload = redacted.empty() ? message.payload : redacted;
    Statement& s = insertFrame_;
    s.bind(1, message.session);
    s.bind(2, message.seq);
    s.bind(3, static_cast<int64_t>(message.dir));
    s.bind(4, static_cast<int64_t>(message.op));
    s.bind(5, static_cast<int64_t>(flags));
    s.bind(6, message.t_us);
    s.bind(7, message.fwd_us);
    s.bind(8, message.wall_us);
    s.bind(9, static_cast<int64_t>(message.size));
    BlockFrame block;
    block.name_id = nameId(index.name);
    s.bind(10, static_cast<int64_t>(index.kind));
    s.bind(11, block.name_id);
    s.bind(12, index.channel_id);
    s.bind(13, index.message_id);
    s.bind(14, index.user_id);
    s.bindBlob(15, payload);
    s.bind(16, message.edit_of != 0 ? std::optional<int64_t>(message.edit_of) : std::nullopt);
    s.run();
    block.id = sqlite3_last_insert_rowid(db_.handle());
    block.wall_us = message.wall_us;
    block.session = message.session;
    block.channel_id = index.channel_id;
    block.message_id = index.message_id;
    block.user_id = index.user_id;
    block.flags = flags;
    blocks_.add(block);
}

std::string FrameWriter::applyAuth(const Message& message, const Classification& index, uint32_t& flags) {
    if (index.kind != Kind::Command || index.name != "ws_auth" || !index.auth_token_span) {
        return {};
    }
    auto [offset, length] = *index.auth_token_span;
    if (offset > message.payload.size() || length > message.payload.size() - offset) {
        return {};  // a classifier bug must not crash the writer
    }
    std::string_view token(message.payload.data() + offset, length);
    std::string storedToken = keepSecrets_ ? std::string(token) : redactJwt(token);
    std::optional<JwtClaims> claims = decodeJwtClaims(token);
    if (claims) {
        Statement& s = authWithClaims_;
        s.bind(1, message.session);
        s.bindText(2, storedToken);
        s.bindText(3, claims->json);
        s.bind(4, claims->user_id);
        s.bindTextOrNull(5, claims->user_name);
        s.bindTextOrNull(6, claims->client_ip);
        s.bindTextOrNull(7, claims->user_agent);
        s.bindTextOrNull(8, claims->expiry);
        s.bindTextOrNull(9, claims->finger_print);
        s.run();
    } else {
        authTokenOnly_.bind(1, message.session);
        authTokenOnly_.bindText(2, storedToken);
        authTokenOnly_.run();
    }
    std::string key = linkKey(token);
    if (!key.empty()) {
        linkApiCalls_.bind(1, message.session);
        linkApiCalls_.bindText(2, key);
        linkApiCalls_.run();
    }
    if (keepSecrets_) {
        return {};
    }
    // A byte splice: the rest of the frame stays exactly as the client sent it.
    std::string payload = message.payload;
    payload.replace(offset, length, storedToken);
    flags |= MessageFlag::Redacted;
    return payload;
}

std::optional<int64_t> FrameWriter::nameId(const std::string& name) {
    if (name.empty()) {
        return std::nullopt;
    }
    auto found = names_.find(name);
    if (found != names_.end()) {
        return found->second;
    }
    insertName_.bindText(1, name);
    insertName_.run();
    selectName_.bindText(1, name);
    int64_t id = selectName_.step() ? selectName_.columnInt(0) : 0;
    selectName_.reset();
    names_.emplace(name, id);
    namesThisBatch_.push_back(name);
    return id;
}

}  // namespace rtmtap
