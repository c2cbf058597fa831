#pragma once
// One local table the shipper moves besides frames (sessions, api_calls, findings, gaps,
// rule_counts): its columns, how each is read locally and typed in the server, and how its rows
// become a binary COPY into a temporary staging table of the same shape, from which one INSERT
// ... ON CONFLICT (source, local_id) puts them in place (mapping local session ids on the way).
#include "CopyWriter.h"

#include <set>
#include <string>
#include <vector>

namespace rtmtap {
class Database;
}

namespace rtmtap::pg {

class ShipTable {
public:
    enum class Type { Int2, Int4, Int8, Text, Bytea };
    struct Column {
        std::string local;   // the local expression (a column, or coalesce(...) for NOT NULL ones)
        std::string server;  // the column in the staging table and rtmtap.<table>
        Type type;
    };

    // columns[0] is the local id (server column local_id).
    ShipTable(std::string local, std::vector<Column> columns);

    static const ShipTable& sessions();
    static const ShipTable& apiCalls();
    static const ShipTable& findings();
    static const ShipTable& gaps();
    static const ShipTable& ruleCounts();

    const std::string& local() const { return local_; }
    const std::vector<Column>& columns() const { return columns_; }
    // "ship_<table>": the staging table, dropped at commit.
    std::string staging() const;
    std::string createStaging() const;
    std::string copyStatement() const;
    // The server columns after local_id, comma-separated, optionally each prefixed.
    std::string names(const std::string& prefix = "") const;

    // The rows `SELECT <columns> FROM <table> WHERE <where> ORDER BY id [LIMIT limit]` (limit 0:
    // none), encoded into out. Returns the ids read; sessionsOut gains each row's `session` value
    // (for the tables that have one).
    std::vector<int64_t> read(Database& db, const std::string& where, int64_t limit, CopyWriter& out,
                              std::set<int64_t>* sessionsOut = nullptr) const;

private:
    std::string local_;
    std::vector<Column> columns_;
};

}  // namespace rtmtap::pg
