#include "FrameFollower.h"

#include "store/Database.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"

#include <algorithm>
#include <cerrno>
#include <sys/stat.h>

namespace rtmtap::view {
namespace {

// Frames read per statement: the read transaction ends between chunks.
constexpr int64_t kChunkIds = 10'000;

}  // namespace

DatabaseState probeDatabase(const std::string& path) {
    // A server's database: the Reader's connection says what is wrong with it.
    if (isPostgresUrl(path)) {
        return DatabaseState::Ready;
    }
    struct stat st {};
    if (::stat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) {
            return DatabaseState::Missing;
        }
        return DatabaseState::Ready;  // Reader reports the problem in its words
    }
    if (S_ISREG(st.st_mode) && st.st_size == 0) {
        return DatabaseState::BeingCreated;
    }
    Database db(path, Database::Mode::ReadOnly);
    bool empty = db.queryInt("PRAGMA user_version") == 0 && db.queryInt("SELECT count(*) FROM sqlite_master") == 0;
    return empty ? DatabaseState::BeingCreated : DatabaseState::Ready;
}

bool FrameFollower::poll(Reader& reader, const std::function<bool(const FrameRow&)>& each,
                         const std::function<bool()>& chunkDone) {
    const int64_t top = reader.lastFrameId();
    while (last_ < top) {
        const int64_t upTo = std::min(top, last_ + kChunkIds);
        bool going = true;
        reader.framesBetween(last_, upTo, filter_, [&](const FrameRow& row) { return going = each(row); });
        last_ = upTo;
        if (!going || !chunkDone()) {
            return false;
        }
    }
    return true;
}

}  // namespace rtmtap::view
