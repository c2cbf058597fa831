#pragma once
// One libpq connection (RAII over PGconn*), blocking, used by one thread at a time. Every
// failure is a PgError of one line; a lost session (server restart, closed socket, no server)
// has connectionLost() set so the caller can open a new PgConnection and retry.
#include "PgResult.h"

#include <libpq-fe.h>

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap::pg {

class PgConnection {
public:
    using Params = std::vector<std::optional<std::string>>;

    // url: a libpq connection string (postgresql://... or key=value). Client encoding UTF8.
    explicit PgConnection(const std::string& url);
    PgConnection(PgConnection&&) noexcept = default;
    PgConnection& operator=(PgConnection&&) noexcept = default;

    // s names a PostgreSQL database (postgresql:// or postgres://) rather than a file.
    static bool isUrl(const std::string& s);
    // url with its password (user:password@, password=...) replaced by ***, for messages.
    static std::string redacted(const std::string& url);
    // bytes as a text parameter for a bytea column ("\x" and hex digits).
    static std::string byteaParam(const std::string& bytes);
    // Array literals for a text parameter cast to integer[]/bigint[] or text[]: {1,2} and
    // {"a","b\"c"} (every text quoted, '"' and '\' escaped).
    static std::string intArray(const std::vector<int64_t>& values);
    static std::string textArray(const std::vector<std::string>& values);

    // One or more statements without parameters.
    void exec(const std::string& sql);
    // One statement with text parameters ($1, ...; nullopt is NULL), result in binary format.
    PgResult query(const std::string& sql, const Params& params = {});
    // Streams the rows of a query through a cursor, batch rows at a time, so a big result is
    // never held whole. Runs inside the open transaction, else in one of its own. fn returns
    // false to stop early; the cursor is closed and the connection stays usable.
    void forEachRow(const std::string& sql, const Params& params,
                    const std::function<bool(const PgResult&, int row)>& fn, int batch = 1000);
    // Runs copyStatement ("COPY t (...) FROM STDIN ...") and sends data as its input.
    void copyIn(const std::string& copyStatement, const std::string& data);

    bool inTransaction() const;
    PGconn* handle() const { return conn_.get(); }
    int serverVersion() const;  // 150018 for 15.18

private:
    // Throws the PgError of a failed result (nullptr: libpq's own message); withContext adds the
    // server's CONTEXT line (COPY names the input line that failed).
    [[noreturn]] void fail(const PGresult* result, bool withContext = false) const;
    [[noreturn]] void failWith(const std::string& message, std::string sqlstate) const;
    PgResult checked(PGresult* result);
    void abandonCopy(ExecStatusType status);
    void closeCursorQuietly(const std::string& cursor, bool began);
    void finishCopy(std::string sendError);

    struct Finish {
        void operator()(PGconn* conn) const { PQfinish(conn); }
    };
    std::unique_ptr<PGconn, Finish> conn_;
    int cursors_ = 0;  // names nested cursors apart
};

}  // namespace rtmtap::pg
