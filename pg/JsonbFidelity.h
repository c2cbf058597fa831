#pragma once
// Whether PostgreSQL's jsonb holds a payload so that a containment test (doc @> '{"a":5}') finds
// every frame SQLite's --where finds (store/FrameFilter.cpp: json_type + json_extract). The
// shipper stores doc only for such payloads; the others go with doc NULL and are found through the
// partial index frames_without_doc, then rechecked (docs/postgresql.md "--where").
//
// jsonb reads otherwise than SQLite where:
// - an object repeats a key: jsonb keeps the last, SQLite's json_extract reads the first;
// - a key is written with an escape: jsonb decodes it, SQLite 3.40 matches a path's key against
//   the bytes as written;
// - a number has more significant digits than a double holds (5.0000000000000001 is the double
//   5 to SQLite and not 5 to numeric), an integer is past int64 (a real to SQLite), or its scale
//   is past 10^22 either way (1e-400 is 0 to SQLite). PgFrameFilter only asks jsonb about
//   integers (up to 2^53), texts, null, true and false, for which the other numbers agree.
// A text that is not strict JSON (protocol/JsonScanner) is not faithful either.
#include <string_view>

namespace rtmtap::pg {

bool jsonbReadsLikeSqlite(std::string_view json);

// A number token as jsonb and SQLite both read it exactly: an integer within int64, or at most
// 15 significant digits (a double holds them all) with its digits' scale within 10^-22..10^22.
bool faithfulNumber(std::string_view token);

}  // namespace rtmtap::pg
