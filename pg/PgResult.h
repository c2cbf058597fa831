#pragma once
// One PGresult, owned, read in libpq's BINARY result format (PgConnection asks for it): integers
// come as big-endian bytes and bytea as its raw bytes, so nothing is parsed from text and a
// payload with NUL or 0xff bytes comes back byte-exact.
#include <libpq-fe.h>

#include <cstdint>
#include <memory>
#include <optional>
#include <string>

namespace rtmtap::pg {

class PgResult {
public:
    explicit PgResult(PGresult* result);  // takes ownership; nullptr gives an empty result

    int rows() const;
    int columns() const;
    // The index of the column named name; throws PgError when there is none.
    int column(const std::string& name) const;
    bool isNull(int r, int c) const;
    // int2, int4, int8 or bool (as 0/1); throws PgError for other types and for NULL.
    int64_t integer(int r, int c) const;
    std::optional<int64_t> optInteger(int r, int c) const;
    // text, varchar, char, name, json, jsonb (without its version byte), bytea (raw bytes); an
    // integer column as its decimal digits. Other types throw PgError: cast them in SQL (::text).
    // NULL reads as "".
    std::string text(int r, int c) const;
    std::optional<std::string> optText(int r, int c) const;

    PGresult* handle() const { return result_.get(); }

private:
    void check(int r, int c) const;
    std::string columnName(int c) const;

    struct Clear {
        void operator()(PGresult* result) const { PQclear(result); }
    };
    std::unique_ptr<PGresult, Clear> result_;
};

}  // namespace rtmtap::pg
