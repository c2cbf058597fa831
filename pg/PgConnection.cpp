#include "PgConnection.h"

#include "PgError.h"

#include <algorithm>
#include <cctype>

namespace rtmtap::pg {
namespace {

// libpq takes COPY data in pieces of any size; 1 MiB bounds the memory of one call.
constexpr size_t kCopyChunk = 1 << 20;

bool lostState(const std::string& sqlstate) {
    return sqlstate.rfind("08", 0) == 0 || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03";
}

// Notices ("table ... does not exist, skipping") would otherwise go to stderr from libpq itself,
// breaking the CLI's rule that stderr holds only rtmtap's own lines.
void ignoreNotice(void*, const char*) {}

// The end of a password value that starts at from: the closing quote of a quoted key=value
// value, else the next separator.
size_t passwordEnd(const std::string& text, size_t from) {
    if (from < text.size() && text[from] == '\'') {
        for (size_t i = from + 1; i < text.size(); ++i) {
            if (text[i] == '\\') {
                ++i;
            } else if (text[i] == '\'') {
                return i + 1;
            }
        }
        return text.size();
    }
    size_t end = text.find_first_of("& \t#", from);
    return end == std::string::npos ? text.size() : end;
}

std::string trimStatement(std::string sql) {
    while (!sql.empty() && (sql.back() == ';' || std::isspace(static_cast<unsigned char>(sql.back())))) {
        sql.pop_back();
    }
    return sql;
}

}  // namespace

PgConnection::PgConnection(const std::string& url) {
    // The URL is expanded in place of dbname and wins over the defaults before it: a URL's own
    // connect_timeout is kept, and without one an unreachable host fails in 10 s, not never.
    const char* keys[] = {"connect_timeout", "fallback_application_name", "dbname", nullptr};
    const char* values[] = {"10", "rtmtap", url.c_str(), nullptr};
    conn_.reset(PQconnectdbParams(keys, values, 1));
    if (!conn_) {
        throw PgError("cannot connect to " + redacted(url) + ": out of memory", "08001", true);
    }
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        throw PgError("cannot connect to " + redacted(url) + ": " + PgError::firstLine(PQerrorMessage(conn_.get())),
                      "08001", true);
    }
    PQsetNoticeProcessor(conn_.get(), ignoreNotice, nullptr);
    if (PQsetClientEncoding(conn_.get(), "UTF8") != 0) {
        fail(nullptr);
    }
}

bool PgConnection::isUrl(const std::string& s) {
    return s.rfind("postgresql://", 0) == 0 || s.rfind("postgres://", 0) == 0;
}

std::string PgConnection::redacted(const std::string& url) {
    std::string out = url;
    size_t scheme = out.find("://");
    if (scheme != std::string::npos) {
        size_t start = scheme + 3;
        size_t end = std::min(out.find_first_of("?#", start), out.size());
        size_t at = out.rfind('@', end);  // a password may hold '@' and '/'; the host does not
        if (at != std::string::npos && at >= start) {
            size_t colon = out.find(':', start);
            if (colon < at) {
                out.replace(colon + 1, at - colon - 1, "***");
            }
        }
    }
    const std::string key = "password=";
    for (size_t p = out.find(key); p != std::string::npos; p = out.find(key, p + 1)) {
        if (p == 0 || out.find_first_of("?& \t", p - 1) == p - 1) {
            size_t value = p + key.size();
            out.replace(value, passwordEnd(out, value) - value, "***");
        }
    }
    return out;
}

std::string PgConnection::intArray(const std::vector<int64_t>& values) {
    std::string text = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        text += (i ? "," : "") + std::to_string(values[i]);
    }
    return text + "}";
}

std::string PgConnection::textArray(const std::vector<std::string>& values) {
    std::string text = "{";
    for (size_t i = 0; i < values.size(); ++i) {
        text += i ? ",\"" : "\"";
        for (char c : values[i]) {
            if (c == '"' || c == '\\') {
                text += '\\';
            }
            text += c;
        }
        text += '"';
    }
    return text + "}";
}

std::string PgConnection::byteaParam(const std::string& bytes) {
    static const char digits[] = "0123456789abcdef";
    std::string out = "\\x";
    out.reserve(2 + 2 * bytes.size());
    for (unsigned char b : bytes) {
        out += digits[b >> 4];
        out += digits[b & 0x0f];
    }
    return out;
}

void PgConnection::exec(const std::string& sql) {
    checked(PQexec(conn_.get(), sql.c_str()));
}

PgResult PgConnection::query(const std::string& sql, const Params& params) {
    std::vector<const char*> values;
    values.reserve(params.size());
    for (size_t i = 0; i < params.size(); ++i) {
        if (params[i] && params[i]->find('\0') != std::string::npos) {
            // A text parameter ends at its first NUL: say so rather than store a cut value.
            throw PgError("parameter $" + std::to_string(i + 1) +
                              " holds a NUL byte: pass bytes as PgConnection::byteaParam to a bytea column",
                          "", false);
        }
        values.push_back(params[i] ? params[i]->c_str() : nullptr);
    }
    return checked(PQexecParams(conn_.get(), sql.c_str(), static_cast<int>(values.size()), nullptr,
                                values.data(), nullptr, nullptr, 1));
}

void PgConnection::forEachRow(const std::string& sql, const Params& params,
                              const std::function<bool(const PgResult&, int row)>& fn, int batch) {
    const bool began = !inTransaction();  // a cursor lives only inside a transaction
    if (began) {
        exec("BEGIN");
    }
    const std::string cursor = "rtmtap_rows_" + std::to_string(++cursors_);
    try {
        query("DECLARE " + cursor + " NO SCROLL BINARY CURSOR FOR " + trimStatement(sql), params);
        const std::string fetch = "FETCH " + std::to_string(std::max(batch, 1)) + " FROM " + cursor;
        bool more = true;
        while (more) {
            PgResult rows = query(fetch);
            for (int r = 0; r < rows.rows() && more; ++r) {
                more = fn(rows, r);
            }
            more = more && rows.rows() == std::max(batch, 1);
        }
        exec("CLOSE " + cursor);
        if (began) {
            exec("COMMIT");
        }
    } catch (...) {
        closeCursorQuietly(cursor, began);
        throw;
    }
}

void PgConnection::copyIn(const std::string& copyStatement, const std::string& data) {
    PgResult start(PQexec(conn_.get(), copyStatement.c_str()));
    ExecStatusType status = PQresultStatus(start.handle());
    if (status != PGRES_COPY_IN) {
        if (!start.handle() || status == PGRES_FATAL_ERROR || status == PGRES_BAD_RESPONSE) {
            fail(start.handle());
        }
        abandonCopy(status);
        throw PgError("copyIn needs a COPY ... FROM STDIN statement", "", false);
    }
    std::string sendError;
    for (size_t at = 0; at < data.size() && sendError.empty(); at += kCopyChunk) {
        int length = static_cast<int>(std::min(kCopyChunk, data.size() - at));
        if (PQputCopyData(conn_.get(), data.data() + at, length) != 1) {
            sendError = PQerrorMessage(conn_.get());
        }
    }
    finishCopy(sendError);
}

void PgConnection::finishCopy(std::string sendError) {
    if (PQputCopyEnd(conn_.get(), sendError.empty() ? nullptr : "rtmtap could not send the data") != 1 &&
        sendError.empty()) {
        sendError = PQerrorMessage(conn_.get());
    }
    // Every result is read, so the connection is ready for the next statement even after an error.
    PgResult failed(nullptr);
    while (PGresult* r = PQgetResult(conn_.get())) {
        ExecStatusType status = PQresultStatus(r);
        if (status == PGRES_COPY_IN) {
            PQclear(r);  // the end could not be sent: libpq would hand this out forever
            break;
        }
        if (status != PGRES_COMMAND_OK && !failed.handle()) {
            failed = PgResult(r);
        } else {
            PQclear(r);
        }
    }
    if (!sendError.empty()) {
        failWith(sendError, "");
    }
    if (failed.handle()) {
        fail(failed.handle(), true);
    }
}

// A COPY that came through exec() or query() (or a COPY TO given to copyIn): ended and drained
// so that the connection takes the next statement.
void PgConnection::abandonCopy(ExecStatusType status) {
    if (status == PGRES_COPY_IN) {
        PQputCopyEnd(conn_.get(), "rtmtap: COPY FROM STDIN goes through copyIn()");
    } else if (status == PGRES_COPY_OUT) {
        char* buffer = nullptr;
        while (PQgetCopyData(conn_.get(), &buffer, 0) > 0) {
            PQfreemem(buffer);
        }
    }
    while (PGresult* r = PQgetResult(conn_.get())) {
        bool stuck = PQresultStatus(r) == PGRES_COPY_IN;
        PQclear(r);
        if (stuck) {
            break;
        }
    }
}

bool PgConnection::inTransaction() const {
    PGTransactionStatusType status = PQtransactionStatus(conn_.get());
    return status == PQTRANS_INTRANS || status == PQTRANS_INERROR || status == PQTRANS_ACTIVE;
}

int PgConnection::serverVersion() const {
    return PQserverVersion(conn_.get());
}

void PgConnection::fail(const PGresult* result, bool withContext) const {
    const char* state = result ? PQresultErrorField(result, PG_DIAG_SQLSTATE) : nullptr;
    const char* primary = result ? PQresultErrorField(result, PG_DIAG_MESSAGE_PRIMARY) : nullptr;
    std::string message = PgError::firstLine(primary ? primary : PQerrorMessage(conn_.get()));
    const char* context = result && withContext ? PQresultErrorField(result, PG_DIAG_CONTEXT) : nullptr;
    if (context) {
        message += " (" + PgError::firstLine(context) + ")";
    }
    failWith(message, state ? state : "");
}

void PgConnection::failWith(const std::string& message, std::string sqlstate) const {
    if (sqlstate.empty() && PQstatus(conn_.get()) == CONNECTION_OK) {
        // libpq's own error (no SQLSTATE) after a write to a closed socket leaves the status OK
        // until it reads the end of the stream: reading now tells a dead session from a live one.
        PQconsumeInput(conn_.get());
    }
    bool lost = PQstatus(conn_.get()) == CONNECTION_BAD || lostState(sqlstate);
    if (lost && sqlstate.empty()) {
        sqlstate = "08006";  // connection_failure: libpq noticed it, the server could not say
    }
    throw PgError(message, sqlstate, lost);
}

PgResult PgConnection::checked(PGresult* raw) {
    PgResult result(raw);
    ExecStatusType status = PQresultStatus(raw);
    if (raw && (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK || status == PGRES_EMPTY_QUERY)) {
        return result;
    }
    if (raw && (status == PGRES_COPY_IN || status == PGRES_COPY_OUT)) {
        abandonCopy(status);
        throw PgError("COPY FROM STDIN goes through copyIn(); COPY TO STDOUT is not read here", "", false);
    }
    fail(raw);
}

void PgConnection::closeCursorQuietly(const std::string& cursor, bool began) {
    if (PQstatus(conn_.get()) != CONNECTION_OK) {
        return;
    }
    // A failure here must not hide the one being thrown: results are dropped unread.
    if (began) {
        PQclear(PQexec(conn_.get(), "ROLLBACK"));
    } else if (PQtransactionStatus(conn_.get()) == PQTRANS_INTRANS) {
        PQclear(PQexec(conn_.get(), ("CLOSE " + cursor).c_str()));
    }
}

}  // namespace rtmtap::pg
