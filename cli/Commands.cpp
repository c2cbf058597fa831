#include "Commands.h"

#include <cstdlib>
#include <fstream>
#include <iostream>

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
    setupShip(app, exitCode);
    setupStats(app, exitCode);
    setupReplay(app, exitCode);
    setupInject(app, exitCode);
    setupIntercept(app, exitCode);
    setupLint(app, exitCode);
    setupCa(app, exitCode);
    setupUi(app, exitCode);
    setupCompletions(app, exitCode);
    setupHelpMan(app, exitCode);
}

void addReadDbOption(CLI::App* sub, std::string& db) {
    sub->add_option("--db", db, "SQLite database, or postgresql:// URL, to read ($RTMTAP_DB, else ./rtmtap.db)")->capture_default_str();
}

std::string defaultDbPath() {
    const char* env = std::getenv("RTMTAP_DB");
    return env && *env ? env : "rtmtap.db";
}

int writeGenerated(const std::string& output, const std::function<void(std::ostream&)>& print) {
    if (output.empty()) {
        print(std::cout);
        return std::cout.flush() ? 0 : 2;
    }
    std::ofstream file(output, std::ios::binary);
    if (file) {
        print(file);
        file.flush();
    }
    if (!file) {
        std::cerr << "rtmtap: cannot write '" << output << "' (check that its folder exists and is writable)\n";
        return 2;
    }
    return 0;
}

}  // namespace rtmtap::cli
