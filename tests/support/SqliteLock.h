#pragma once
// Another process holding a database's write lock, as a user's `sqlite3 rtmtap.db` shell does
// after `BEGIN EXCLUSIVE;`: the sqlite3 command-line shell (scripts/install-deps installs it) as
// a child process, so SQLite's locks are real file locks between processes.
#include "Process.h"

#include <memory>
#include <string>

namespace rtmtap::test {

class SqliteLock {
public:
    // The sqlite3 shell's path, "" when it is not installed (a test then skips).
    static std::string shell();

    // Starts the shell on dbPath and waits (up to timeoutMs) until it holds the lock; check held().
    explicit SqliteLock(const std::string& dbPath, int timeoutMs = 20000);
    ~SqliteLock();  // release()
    SqliteLock(const SqliteLock&) = delete;
    SqliteLock& operator=(const SqliteLock&) = delete;

    bool held() const { return held_; }
    std::string output() const;  // the shell's stdout and stderr, for assertion messages
    // COMMIT, then the shell quits; waits for it to exit. Idempotent.
    void release();

private:
    std::unique_ptr<Process> shell_;
    bool held_ = false;
};

}  // namespace rtmtap::test
