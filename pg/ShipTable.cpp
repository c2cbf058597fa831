#include "ShipTable.h"

#include "store/Statement.h"

namespace rtmtap::pg {
namespace {

using T = ShipTable::Type;

const char* pgType(T type) {
    switch (type) {
        case T::Int2:
            return "smallint";
        case T::Int4:
            return "integer";
        case T::Int8:
            return "bigint";
        case T::Text:
            return "text";
        default:
            return "bytea";
    }
}

}  // namespace

ShipTable::ShipTable(std::string local, std::vector<Column> columns) : local_(std::move(local)), columns_(std::move(columns)) {}

// NOT NULL in the server, possibly NULL in an odd local file: coalesce'd (docs/postgresql.md).
const ShipTable& ShipTable::sessions() {
    static const ShipTable table("sessions",
                                 {{"id", "local_id", T::Int8},
                                  {"coalesce(started_us, 0)", "started_us", T::Int8},
                                  {"ended_us", "ended_us", T::Int8},
                                  {"duration_us", "duration_us", T::Int8},
                                  {"client", "client", T::Text},
                                  {"upstream", "upstream", T::Text},
                                  {"path", "path", T::Text},
                                  {"subprotocol", "subprotocol", T::Text},
                                  {"headers", "headers", T::Text},
                                  {"http_status", "http_status", T::Int4},
                                  {"user_id", "user_id", T::Int8},
                                  {"user_name", "user_name", T::Text},
                                  {"client_ip", "client_ip", T::Text},
                                  {"user_agent", "user_agent", T::Text},
                                  {"token_expiry", "token_expiry", T::Text},
                                  {"finger_print", "finger_print", T::Text},
                                  {"auth_token", "auth_token", T::Text},
                                  {"claims", "claims", T::Text},
                                  {"close_code", "close_code", T::Int4},
                                  {"close_reason", "close_reason", T::Text},
                                  {"closed_by", "closed_by", T::Text},
                                  {"error", "error", T::Text},
                                  {"label", "label", T::Text},
                                  {"replay_of", "replay_of", T::Int8},
                                  {"derived_from", "derived_from", T::Int8}});
    return table;
}

const ShipTable& ShipTable::apiCalls() {
    static const ShipTable table("api_calls", {{"id", "local_id", T::Int8},
                                               {"session", "session", T::Int8},
                                               {"coalesce(started_us, 0)", "started_us", T::Int8},
                                               {"duration_us", "duration_us", T::Int8},
                                               {"client", "client", T::Text},
                                               {"upstream", "upstream", T::Text},
                                               {"method", "method", T::Text},
                                               {"path", "path", T::Text},
                                               {"status", "status", T::Int4},
                                               {"request_headers", "request_headers", T::Text},
                                               {"request_body", "request_body", T::Bytea},
                                               {"response_headers", "response_headers", T::Text},
                                               {"response_body", "response_body", T::Bytea},
                                               {"ws_endpoint", "ws_endpoint", T::Text},
                                               {"ws_token", "ws_token", T::Text},
                                               {"error", "error", T::Text},
                                               {"login_key", "login_key", T::Text}});
    return table;
}

const ShipTable& ShipTable::findings() {
    static const ShipTable table("findings", {{"id", "local_id", T::Int8},
                                              {"session", "session", T::Int8},
                                              {"seq", "seq", T::Int8},
                                              {"rule", "rule", T::Text},
                                              {"severity", "severity", T::Text},
                                              {"sentence", "sentence", T::Text},
                                              {"section", "section", T::Text},
                                              {"t_us", "t_us", T::Int8},
                                              {"wall_us", "wall_us", T::Int8},
                                              {"source", "found_by", T::Text}});
    return table;
}

const ShipTable& ShipTable::gaps() {
    static const ShipTable table("gaps", {{"id", "local_id", T::Int8},
                                          {"session", "session", T::Int8},
                                          {"first_seq", "first_seq", T::Int8},
                                          {"last_seq", "last_seq", T::Int8},
                                          {"first_us", "first_us", T::Int8},
                                          {"last_us", "last_us", T::Int8},
                                          {"frames", "frames", T::Int8},
                                          {"bytes", "bytes", T::Int8},
                                          {"reason", "reason", T::Text}});
    return table;
}

const ShipTable& ShipTable::ruleCounts() {
    static const ShipTable table("rule_counts", {{"id", "local_id", T::Int8},
                                                 {"started_us", "started_us", T::Int8},
                                                 {"ended_us", "ended_us", T::Int8},
                                                 {"file", "file", T::Text},
                                                 {"line", "line", T::Int8},
                                                 {"rule", "rule", T::Text},
                                                 {"matched", "matched", T::Int8},
                                                 {"touched", "touched", T::Int8},
                                                 {"missing", "missing", T::Int8}});
    return table;
}

std::string ShipTable::staging() const {
    return "ship_" + local_;
}

std::string ShipTable::createStaging() const {
    std::string sql = "CREATE TEMP TABLE " + staging() + " (";
    for (size_t i = 0; i < columns_.size(); ++i) {
        sql += (i ? ", " : "") + columns_[i].server + " " + pgType(columns_[i].type);
    }
    return sql + ") ON COMMIT DROP";
}

std::string ShipTable::copyStatement() const {
    return "COPY " + staging() + " FROM STDIN WITH (FORMAT binary)";
}

std::string ShipTable::names(const std::string& prefix) const {
    std::string list;
    for (size_t i = 1; i < columns_.size(); ++i) {
        list += (i > 1 ? ", " : "") + prefix + columns_[i].server;
    }
    return list;
}

std::vector<int64_t> ShipTable::read(Database& db, const std::string& where, int64_t limit, CopyWriter& out,
                                     std::set<int64_t>* sessionsOut) const {
    std::string sql = "SELECT ";
    int sessionColumn = -1;
    for (size_t i = 0; i < columns_.size(); ++i) {
        sql += (i ? ", " : "") + columns_[i].local;
        if (columns_[i].server == "session") {
            sessionColumn = static_cast<int>(i);
        }
    }
    sql += " FROM " + local_ + " WHERE " + where + " ORDER BY id";
    if (limit > 0) {
        sql += " LIMIT " + std::to_string(limit);
    }
    Statement select(db, sql);
    std::vector<int64_t> ids;
    while (select.step()) {
        ids.push_back(select.columnInt(0));
        out.beginRow(static_cast<int>(columns_.size()));
        for (size_t i = 0; i < columns_.size(); ++i) {
            int c = static_cast<int>(i);
            if (select.isNull(c)) {
                out.null();
                continue;
            }
            switch (columns_[i].type) {
                case T::Int2:
                    out.int2(select.columnInt(c));
                    break;
                case T::Int4:
                    out.int4(select.columnInt(c));
                    break;
                case T::Int8:
                    out.int8(select.columnInt(c));
                    break;
                case T::Text:
                    out.text(pgText(select.columnText(c)));
                    break;
                case T::Bytea:
                    out.bytea(select.columnBlob(c));
                    break;
            }
        }
        if (sessionsOut && sessionColumn >= 0 && !select.isNull(sessionColumn)) {
            sessionsOut->insert(select.columnInt(sessionColumn));
        }
    }
    return ids;
}

}  // namespace rtmtap::pg
