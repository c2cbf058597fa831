#pragma once
// What keeps the recorder's writer from committing, and what a user reads about it: one line when
// a condition starts (or changes), one when the writer goes on, with how long it waited; never a
// line per retry. Every condition is a wait: the records are kept and the batch is tried again
// with a growing pause (SQLite's busy timeout alone gives up after a few seconds).
#include <chrono>
#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <string>

namespace rtmtap {

class DatabaseError;

class WriteStall {
public:
    using Clock = std::chrono::steady_clock;

    enum class Kind {
        None,
        Locked,    // SQLITE_BUSY / SQLITE_LOCKED: another process holds the write lock
        Full,      // SQLITE_FULL: the disk (or max_page_count) is full
        ReadOnly,  // the file or its folder cannot be written (mode, immutable, read-only mount)
        IoError,   // any other I/O error
        Other,     // anything else SQLite reports for the database as a whole
    };

    // dbPath: an I/O error whose errno SQLite no longer knows is told apart by asking the file
    // system whether the file, its -wal or its folder can be written.
    static Kind classify(const DatabaseError& error, const std::string& dbPath);
    static Kind classify(int sqliteCode, int sysErrno);

    explicit WriteStall(std::string dbPath, std::FILE* out = stderr);

    // A write failed: says so once per condition. held: rows waiting (queued or in the batch).
    void failed(Kind kind, const std::string& detail, size_t held);
    // A batch was committed: when stalled, says how long it waited and goes back to normal.
    void recovered(size_t held);

    bool stalled() const { return kind_ != Kind::None; }
    Kind kind() const { return kind_; }
    // Why the recorder is behind, for a gap row: the condition, or "" when there is none.
    std::string reason() const;
    // The pause before the next attempt: 50 ms, doubling up to 1 s while the condition lasts.
    Clock::duration backoff();

private:
    std::string path_;
    std::FILE* out_;
    Kind kind_ = Kind::None;
    std::string detail_;
    Clock::time_point since_{};
    Clock::duration nextPause_{};
};

}  // namespace rtmtap
