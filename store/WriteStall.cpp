#include "WriteStall.h"

#include "DatabaseError.h"

#include <sqlite3.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>

namespace rtmtap {
namespace {

constexpr auto kFirstPause = std::chrono::milliseconds(50);
constexpr auto kLongestPause = std::chrono::seconds(1);

double secondsSince(WriteStall::Clock::time_point since) {
    return std::chrono::duration<double>(WriteStall::Clock::now() - since).count();
}

// What to do about it, for the user: the tail of the first line.
const char* advice(WriteStall::Kind kind) {
    switch (kind) {
    case WriteStall::Kind::Locked: return "";
    case WriteStall::Kind::Full: return " (free some space)";
    case WriteStall::Kind::ReadOnly: return " (make the file and its folder writable again)";
    default: return " (check the disk)";
    }
}

}  // namespace

WriteStall::Kind WriteStall::classify(const DatabaseError& error, const std::string& dbPath) {
    const Kind kind = classify(error.code(), error.sysErrno());
    if (kind != Kind::IoError || error.sysErrno() != 0) {
        return kind;
    }
    // SQLite reads errno when it reports, after other calls may have reset it (a write refused
    // by an immutable file arrives with errno 0).
    const std::string folder = dbPath.find('/') == std::string::npos ? "." : dbPath.substr(0, dbPath.rfind('/') + 1);
    for (const std::string& path : {dbPath, dbPath + "-wal", folder}) {
        if (::access(path.c_str(), W_OK) != 0 && (errno == EROFS || errno == EPERM || errno == EACCES)) {
            return Kind::ReadOnly;
        }
    }
    return kind;
}

WriteStall::Kind WriteStall::classify(int sqliteCode, int sysErrno) {
    switch (sqliteCode & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
        return Kind::Locked;
    case SQLITE_FULL:
        return Kind::Full;
    case SQLITE_READONLY:
    case SQLITE_PERM:
    case SQLITE_CANTOPEN:
    case SQLITE_AUTH:
        return Kind::ReadOnly;
    case SQLITE_IOERR:
        if (sysErrno == ENOSPC || sysErrno == EDQUOT) {
            return Kind::Full;
        }
        // EPERM: an immutable file (chattr +i) refuses writes even through an open descriptor.
        return sysErrno == EROFS || sysErrno == EPERM || sysErrno == EACCES ? Kind::ReadOnly : Kind::IoError;
    default:
        return Kind::Other;
    }
}

WriteStall::WriteStall(std::string dbPath, std::FILE* out) : path_(std::move(dbPath)), out_(out) {}

void WriteStall::failed(Kind kind, const std::string& detail, size_t held) {
    if (kind == kind_) {
        return;  // the same condition, retried: said already
    }
    if (kind_ == Kind::None) {
        since_ = Clock::now();
        nextPause_ = kFirstPause;
    }
    kind_ = kind;
    detail_ = detail;
    if (kind == Kind::Locked) {
        std::fprintf(out_, "rtmtap: database '%s' is locked by another process: waiting, %zu records queued\n",
                     path_.c_str(), held);
    } else {
        std::fprintf(out_, "rtmtap: cannot write database '%s': %s: keeping %zu records and retrying%s\n",
                     path_.c_str(), detail.c_str(), held, advice(kind));
    }
    std::fflush(out_);
}

void WriteStall::recovered(size_t held) {
    if (kind_ == Kind::None) {
        return;
    }
    const char* what = kind_ == Kind::Locked ? "free again" : "writable again";
    std::fprintf(out_, "rtmtap: database '%s' %s after %.1f s: recording goes on (%zu records were waiting)\n",
                 path_.c_str(), what, secondsSince(since_), held);
    std::fflush(out_);
    kind_ = Kind::None;
    detail_.clear();
}

std::string WriteStall::reason() const {
    switch (kind_) {
    case Kind::None: return "";
    case Kind::Locked: return "database locked by another process";
    default: return detail_;
    }
}

WriteStall::Clock::duration WriteStall::backoff() {
    Clock::duration pause = nextPause_ > Clock::duration::zero() ? nextPause_ : Clock::duration(kFirstPause);
    nextPause_ = std::min<Clock::duration>(pause * 2, kLongestPause);
    return pause;
}

}  // namespace rtmtap
