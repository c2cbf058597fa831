#pragma once
// A throwaway PostgreSQL server for the tests: initdb into a temporary folder, the server on a
// Unix socket in that folder only (no TCP port, so parallel test processes never collide), and
// everything stopped and removed at the end, also when a test failed. As root (CI) initdb and
// postgres refuse to run, so they run as `nobody` (setpriv) and the folder is handed to it; root
// still reaches the socket. Settings are for speed on a small machine: no fsync, small buffers.
#include "tests/support/Process.h"
#include "tests/support/TempDir.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace rtmtap::test {

class PgCluster {
public:
    PgCluster();  // throws std::runtime_error with the server log's last lines when it fails
    ~PgCluster();
    PgCluster(const PgCluster&) = delete;
    PgCluster& operator=(const PgCluster&) = delete;

    // "" when initdb, pg_ctl and postgres are there, else one line saying what to install.
    static std::string unavailableReason();
    // One cluster for the whole test process, started on first use, stopped at exit. A test
    // that stops or restarts the server makes its own PgCluster instead.
    static PgCluster& shared();

    // postgresql:///DATABASE?host=<socket folder>&port=...&user=<superuser>
    std::string url(const std::string& database = "postgres") const;
    // A new, empty database with a name of its own; its URL.
    std::string createDatabase();
    // The URL of role `shipper` (password 'secret', checked with scram-sha-256) with password
    // in it, right or wrong.
    std::string passwordUrl(const std::string& password);

    void stop();  // immediate: what a crash or a kill looks like to the clients
    void start();
    void restart();
    const std::string& socketDir() const { return dir_.path(); }

private:
    void initdb();
    void configure();
    RunResult runTool(const std::string& tool, const std::vector<std::string>& args, int timeoutMs) const;
    std::string logTail() const;
    void killLeftover() const;

    TempDir dir_;
    std::string bin_;
    std::string data_;
    std::string log_;
    bool running_ = false;
    bool shipper_ = false;
    int databases_ = 0;
};

}  // namespace rtmtap::test

// Skips the test with the one line of PgCluster::unavailableReason when PostgreSQL is missing.
#define RTMTAP_SKIP_WITHOUT_POSTGRES()                                                      \
    if (auto rtmtapPgReason = ::rtmtap::test::PgCluster::unavailableReason(); !rtmtapPgReason.empty()) \
    GTEST_SKIP() << rtmtapPgReason
