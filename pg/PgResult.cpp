#include "PgResult.h"

#include "PgError.h"

namespace rtmtap::pg {
namespace {

// Type OIDs from PostgreSQL's catalog (pg_type.dat); they are fixed for the built-in types.
constexpr Oid kBool = 16, kBytea = 17, kChar = 18, kName = 19, kInt8 = 20, kInt2 = 21, kInt4 = 23,
              kText = 25, kJson = 114, kUnknown = 705, kBpchar = 1042, kVarchar = 1043, kJsonb = 3802;

int64_t bigEndian(const char* bytes, int length) {
    uint64_t value = 0;
    for (int i = 0; i < length; ++i) {
        value = (value << 8) | static_cast<unsigned char>(bytes[i]);
    }
    // Sign-extend the 2- and 4-byte types.
    int shift = 64 - 8 * length;
    return static_cast<int64_t>(value << shift) >> shift;
}

int integerWidth(Oid type) {
    switch (type) {
    case kBool: return 1;
    case kInt2: return 2;
    case kInt4: return 4;
    case kInt8: return 8;
    default: return 0;
    }
}

}  // namespace

PgResult::PgResult(PGresult* result) : result_(result) {}

int PgResult::rows() const {
    return result_ ? PQntuples(result_.get()) : 0;
}

int PgResult::columns() const {
    return result_ ? PQnfields(result_.get()) : 0;
}

int PgResult::column(const std::string& name) const {
    int c = result_ ? PQfnumber(result_.get(), name.c_str()) : -1;
    if (c < 0) {
        throw PgError("the result has no column '" + name + "'", "", false);
    }
    return c;
}

bool PgResult::isNull(int r, int c) const {
    check(r, c);
    return PQgetisnull(result_.get(), r, c) != 0;
}

int64_t PgResult::integer(int r, int c) const {
    if (isNull(r, c)) {
        throw PgError("column " + columnName(c) + " is NULL, expected an integer", "", false);
    }
    Oid type = PQftype(result_.get(), c);
    int width = integerWidth(type);
    if (width == 0 || PQgetlength(result_.get(), r, c) != width) {
        throw PgError("column " + columnName(c) + " is not an integer (type oid " + std::to_string(type) +
                          "): cast it in SQL",
                      "", false);
    }
    return bigEndian(PQgetvalue(result_.get(), r, c), width);
}

std::optional<int64_t> PgResult::optInteger(int r, int c) const {
    if (isNull(r, c)) {
        return std::nullopt;
    }
    return integer(r, c);
}

std::string PgResult::text(int r, int c) const {
    if (isNull(r, c)) {
        return "";
    }
    Oid type = PQftype(result_.get(), c);
    if (integerWidth(type) != 0) {
        return std::to_string(integer(r, c));
    }
    const char* bytes = PQgetvalue(result_.get(), r, c);
    size_t length = static_cast<size_t>(PQgetlength(result_.get(), r, c));
    switch (type) {
    case kText: case kVarchar: case kBpchar: case kChar: case kName: case kJson: case kUnknown: case kBytea:
        return std::string(bytes, length);
    case kJsonb:
        // jsonb's binary form is a version byte (1) and the JSON text.
        if (length == 0 || bytes[0] != 1) {
            throw PgError("column " + columnName(c) + " holds jsonb of an unknown version", "", false);
        }
        return std::string(bytes + 1, length - 1);
    default:
        throw PgError("column " + columnName(c) + " has type oid " + std::to_string(type) +
                          ", which is not text: cast it in SQL (::text)",
                      "", false);
    }
}

std::optional<std::string> PgResult::optText(int r, int c) const {
    if (isNull(r, c)) {
        return std::nullopt;
    }
    return text(r, c);
}

void PgResult::check(int r, int c) const {
    if (r < 0 || r >= rows() || c < 0 || c >= columns()) {
        throw PgError("no cell at row " + std::to_string(r) + ", column " + std::to_string(c) + " (the result has " +
                          std::to_string(rows()) + " rows, " + std::to_string(columns()) + " columns)",
                      "", false);
    }
}

std::string PgResult::columnName(int c) const {
    const char* name = PQfname(result_.get(), c);
    return "'" + std::string(name ? name : "?") + "'";
}

}  // namespace rtmtap::pg
