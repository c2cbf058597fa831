#include "ShippedCopy.h"

#include "pg/CopyWriter.h"
#include "pg/PgConnection.h"
#include "store/Database.h"
#include "store/Schema.h"
#include "store/TextIndex.h"

#include <gtest/gtest.h>
#include <sqlite3.h>

#include <algorithm>
#include <vector>

namespace rtmtap::test {
namespace {

struct TableQueries {
    const char* name;
    std::string local;
    std::string server;  // $1 = the source's id
};

// Each pair selects the same columns in the same order. NOT NULL server columns are coalesce'd
// locally as the shipper documents.
std::vector<TableQueries> queries() {
    return {
        {"sessions",
         "SELECT s.id, coalesce(s.started_us, 0), s.ended_us, s.duration_us, s.client, s.upstream, s.path, s.subprotocol, "
         "s.headers, s.http_status, s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, s.finger_print, "
         "s.auth_token, s.claims, s.close_code, s.close_reason, s.closed_by, s.error, s.label, s.replay_of, s.derived_from, "
         "(SELECT count(*) FROM frames f WHERE f.session = s.id), "
         "(SELECT coalesce(sum(coalesce(f.size, 0)), 0) FROM frames f WHERE f.session = s.id) FROM sessions s",
         "SELECT s.local_id, s.started_us, s.ended_us, s.duration_us, s.client, s.upstream, s.path, s.subprotocol, "
         "s.headers, s.http_status, s.user_id, s.user_name, s.client_ip, s.user_agent, s.token_expiry, s.finger_print, "
         "s.auth_token, s.claims, s.close_code, s.close_reason, s.closed_by, s.error, s.label, r.local_id, d.local_id, "
         "s.frames, s.bytes FROM rtmtap.sessions s LEFT JOIN rtmtap.sessions r ON r.id = s.replay_of "
         "LEFT JOIN rtmtap.sessions d ON d.id = s.derived_from WHERE s.source = $1"},
        {"frames",
         "SELECT f.session, f.seq, coalesce(f.dir, 0), coalesce(f.op, 0), coalesce(f.flags, 0), coalesce(f.t_us, 0), "
         "f.fwd_us, coalesce(f.wall_us, 0), coalesce(f.size, 0), coalesce(f.kind, 0), n.name, f.channel_id, f.message_id, "
         "f.user_id, f.edit_of, coalesce(f.payload, x'') FROM frames f LEFT JOIN names n ON n.id = f.name_id",
         "SELECT s.local_id, f.seq, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, n.name, "
         "f.channel_id, f.message_id, f.user_id, f.edit_of, f.payload FROM rtmtap.frames f "
         "JOIN rtmtap.sessions s ON s.id = f.session LEFT JOIN rtmtap.names n ON n.id = f.name_id WHERE s.source = $1"},
        {"frames with words",
         "SELECT f.session, f.seq FROM frames f WHERE " + TextIndex::covers("f"),
         "SELECT s.local_id, f.seq FROM rtmtap.frames f JOIN rtmtap.sessions s ON s.id = f.session "
         "WHERE s.source = $1 AND f.words IS NOT NULL"},
        {"api_calls",
         "SELECT id, session, coalesce(started_us, 0), duration_us, client, upstream, method, path, status, "
         "request_headers, request_body, response_headers, response_body, ws_endpoint, ws_token, error, login_key "
         "FROM api_calls",
         "SELECT a.local_id, s.local_id, a.started_us, a.duration_us, a.client, a.upstream, a.method, a.path, a.status, "
         "a.request_headers, a.request_body, a.response_headers, a.response_body, a.ws_endpoint, a.ws_token, a.error, "
         "a.login_key FROM rtmtap.api_calls a LEFT JOIN rtmtap.sessions s ON s.id = a.session WHERE a.source = $1"},
        {"findings",
         "SELECT id, session, seq, rule, severity, sentence, section, t_us, wall_us, source FROM findings",
         "SELECT g.local_id, s.local_id, g.seq, g.rule, g.severity, g.sentence, g.section, g.t_us, g.wall_us, g.found_by "
         "FROM rtmtap.findings g JOIN rtmtap.sessions s ON s.id = g.session WHERE g.source = $1"},
        {"gaps",
         "SELECT id, session, first_seq, last_seq, first_us, last_us, frames, bytes, reason FROM gaps",
         "SELECT g.local_id, s.local_id, g.first_seq, g.last_seq, g.first_us, g.last_us, g.frames, g.bytes, g.reason "
         "FROM rtmtap.gaps g JOIN rtmtap.sessions s ON s.id = g.session WHERE g.source = $1"},
        {"rule_counts",
         "SELECT id, started_us, ended_us, file, line, rule, matched, touched, missing FROM rule_counts",
         "SELECT local_id, started_us, ended_us, file, line, rule, matched, touched, missing FROM rtmtap.rule_counts "
         "WHERE source = $1"},
    };
}

// FNV-1a over the fields, each prefixed by its length (NULL: a length no value has).
class RowHash {
public:
    void field(const std::string* value) {
        uint64_t length = value ? value->size() : ~uint64_t{0};
        bytes(reinterpret_cast<const char*>(&length), sizeof(length));
        if (value) {
            bytes(value->data(), value->size());
        }
    }
    uint64_t value() const { return h_; }

private:
    void bytes(const char* p, size_t n) {
        for (size_t i = 0; i < n; ++i) {
            h_ = (h_ ^ static_cast<unsigned char>(p[i])) * 1099511628211ull;
        }
    }
    uint64_t h_ = 14695981039346656037ull;
};

}  // namespace

ShippedCopy::Digests ShippedCopy::local(const std::string& sqlitePath) {
    Database db(sqlitePath, Database::Mode::ReadOnly);
    Digests out;
    for (const TableQueries& q : queries()) {
        sqlite3_stmt* stmt = nullptr;
        if (sqlite3_prepare_v2(db.handle(), q.local.c_str(), -1, &stmt, nullptr) != SQLITE_OK) {
            ADD_FAILURE() << q.name << ": " << sqlite3_errmsg(db.handle());
            continue;
        }
        Digest& d = out[q.name];
        const int columns = sqlite3_column_count(stmt);
        while (sqlite3_step(stmt) == SQLITE_ROW) {
            RowHash hash;
            for (int c = 0; c < columns; ++c) {
                int type = sqlite3_column_type(stmt, c);
                if (type == SQLITE_NULL) {
                    hash.field(nullptr);
                    continue;
                }
                const char* data = static_cast<const char*>(sqlite3_column_blob(stmt, c));
                std::string value(data ? data : "", static_cast<size_t>(sqlite3_column_bytes(stmt, c)));
                if (type == SQLITE_TEXT) {
                    value = pg::pgText(value);
                }
                hash.field(&value);
            }
            ++d.rows;
            d.sum += hash.value();
        }
        sqlite3_finalize(stmt);
    }
    return out;
}

ShippedCopy::Digests ShippedCopy::server(const std::string& url, const std::string& identity) {
    pg::PgConnection db(url);
    Digests out;
    pg::PgResult source = db.query("SELECT id FROM rtmtap.sources WHERE identity = $1", {identity});
    if (source.rows() != 1) {
        ADD_FAILURE() << "no rtmtap.sources row for " << identity;
        return out;
    }
    const std::string id = std::to_string(source.integer(0, 0));
    for (const TableQueries& q : queries()) {
        Digest& d = out[q.name];
        db.forEachRow(q.server, {id}, [&d](const pg::PgResult& r, int row) {
            RowHash hash;
            for (int c = 0; c < r.columns(); ++c) {
                if (r.isNull(row, c)) {
                    hash.field(nullptr);
                } else {
                    std::string value = r.text(row, c);
                    hash.field(&value);
                }
            }
            ++d.rows;
            d.sum += hash.value();
            return true;
        });
    }
    return out;
}

std::string ShippedCopy::differences(const std::string& sqlitePath, const std::string& url) {
    std::string identity;
    {
        Database db(sqlitePath, Database::Mode::ReadOnly);
        identity = Schema::databaseId(db);
    }
    Digests here = local(sqlitePath);
    Digests there = server(url, identity);
    std::string out;
    for (const auto& [table, digest] : here) {
        const Digest& shipped = there[table];
        if (!(shipped == digest)) {
            out += table + ": " + std::to_string(digest.rows) + " rows in the file, " + std::to_string(shipped.rows) +
                   " in the server" + (shipped.rows == digest.rows ? ", a column differs" : "") + "\n";
        }
    }
    return out;
}

void ShippedCopy::expectSame(const std::string& sqlitePath, const std::string& url) {
    EXPECT_EQ(differences(sqlitePath, url), "");
}

}  // namespace rtmtap::test
