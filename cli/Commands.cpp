#include "Commands.h"

#include <cstdlib>

namespace rtmtap::cli {

void registerCommands(CLI::App& app, int& exitCode) {
    setupProxy(app, exitCode);
    setupSessions(app, exitCode);
    setupShow(app, exitCode);
    setupQuery(app, exitCode);
    setupSimulate(app, exitCode);
    setupClient(app, exitCode);
    setupDemo(app, exitCode);
    setupExport(app, exitCode);
    setupImport(app, exitCode);
    setupEdit(app, exitCode);
    setupTail(app, exitCode);
    setupStats(app, exitCode);
    setupReplay(app, exitCode);
    setupInject(app, exitCode);
    setupIntercept(app, exitCode);
    setupLint(app, exitCode);
    setupCa(app, exitCode);
}

void addReadDbOption(CLI::App* sub, std::string& db) {
    sub->add_option("--db", db, "SQLite database to read ($RTMTAP_DB, else ./rtmtap.db)")->capture_default_str();
}

std::string defaultDbPath() {
    const char* env = std::getenv("RTMTAP_DB");
    return env && *env ? env : "rtmtap.db";
}

}  // namespace rtmtap::cli
