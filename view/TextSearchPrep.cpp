#include "TextSearchPrep.h"

#include "ProgressBar.h"
#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/TextIndex.h"

namespace rtmtap::view {

void prepareTextSearch(const std::string& db, const FrameFilter& filter, std::ostream& err) {
    // One session's words are scanned, not looked up (store/FrameSearch.h): no index needed.
    // The index extended here is SQLite's: a server's database is searched as it is.
    if (filter.words.empty() || filter.sessions.size() == 1 || isPostgresUrl(db)) {
        return;
    }
    int64_t lag = 0;
    try {
        Database reading(db, Database::Mode::ReadOnly);
        lag = TextIndex::lag(reading);
    } catch (const std::exception&) {
        return;  // the search itself reports what is wrong with the file
    }
    if (lag <= kTextScanLimit) {
        return;
    }
    try {
        ProgressBar progress("text index", static_cast<uint64_t>(lag), static_cast<uint64_t>(kTextScanLimit));
        TextIndex::catchUp(db, [&](int64_t covered, int64_t) { progress.update(static_cast<uint64_t>(covered)); });
    } catch (const std::exception& e) {
        err << "rtmtap: note: cannot extend the full-text index (" << e.what() << "); scanning " << lag
            << " frames instead\n";
    }
}

}  // namespace rtmtap::view
