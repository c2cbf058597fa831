#pragma once
// Before a --text search: the full-text index is built after the fact (store/TextIndex.h), so a
// database just imported, or recorded under a load that left the recorder no idle time, may have
// many frames it does not cover yet. A few are scanned; many are indexed first, once, with
// progress on stderr, since scanning them on every query would be slow.
#include "store/FrameFilter.h"

#include <ostream>
#include <string>

namespace rtmtap::view {

// Frames beyond the index that a search scans rather than indexes first.
constexpr int64_t kTextScanLimit = 100'000;

// Does the above for a filter with --text words over more than one session of a SQLite file;
// nothing otherwise (a PostgreSQL URL included). Never fails: a file that cannot be written is
// searched by scanning, with a note on err.
void prepareTextSearch(const std::string& db, const FrameFilter& filter, std::ostream& err);

}  // namespace rtmtap::view
