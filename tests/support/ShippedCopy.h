#pragma once
// What `rtmtap ship` put in PostgreSQL, compared with the local SQLite file it came from, table
// by table: row counts and a checksum over every column of every row (payload bytes included),
// with local session ids mapped back through rtmtap.sessions and name ids through the names.
// Text columns compare as the shipper documents them (pg::pgText: invalid UTF-8 and NUL as
// U+FFFD). The checksum is a sum of per-row hashes: the rows' order does not matter, a missing,
// extra, repeated or changed row does.
#include <cstdint>
#include <map>
#include <string>

namespace rtmtap::test {

class ShippedCopy {
public:
    struct Digest {
        int64_t rows = 0;
        uint64_t sum = 0;
        bool operator==(const Digest& o) const { return rows == o.rows && sum == o.sum; }
    };
    using Digests = std::map<std::string, Digest>;  // by table

    static Digests local(const std::string& sqlitePath);
    // The rows of the source whose identity is the file's meta.db_id.
    static Digests server(const std::string& url, const std::string& identity);

    // "" when every table has the same count and checksum, else what differs (one line a table).
    static std::string differences(const std::string& sqlitePath, const std::string& url);
    // EXPECTs differences() to be "".
    static void expectSame(const std::string& sqlitePath, const std::string& url);
};

}  // namespace rtmtap::test
