#pragma once
// Each subcommand is one file in cli/ with an options struct, a setup() that binds its flags
// and a run() that returns the exit code (0 ok, 1 nothing matched, 2 error).
#include <CLI/CLI.hpp>

#include <functional>
#include <ostream>
#include <string>

namespace rtmtap::cli {

// Adds every subcommand to app; the chosen one's run() stores its exit code in exitCode.
void registerCommands(CLI::App& app, int& exitCode);

void setupProxy(CLI::App& app, int& exitCode);
void setupSessions(CLI::App& app, int& exitCode);
void setupShow(CLI::App& app, int& exitCode);
void setupQuery(CLI::App& app, int& exitCode);
void setupDemo(CLI::App& app, int& exitCode);
void setupSimulate(CLI::App& app, int& exitCode);
void setupClient(CLI::App& app, int& exitCode);
void setupExport(CLI::App& app, int& exitCode);
void setupImport(CLI::App& app, int& exitCode);
void setupEdit(CLI::App& app, int& exitCode);
void setupTail(CLI::App& app, int& exitCode);
void setupShip(CLI::App& app, int& exitCode);
void setupStats(CLI::App& app, int& exitCode);
void setupReplay(CLI::App& app, int& exitCode);
void setupInject(CLI::App& app, int& exitCode);
void setupIntercept(CLI::App& app, int& exitCode);
void setupLint(CLI::App& app, int& exitCode);
void setupCa(CLI::App& app, int& exitCode);
void setupUi(CLI::App& app, int& exitCode);
// Generated from app's own tree (it must be the root): completion scripts, and the hidden
// help-man that writes the man page.
void setupCompletions(CLI::App& app, int& exitCode);
void setupHelpMan(CLI::App& app, int& exitCode);

// --db default: $RTMTAP_DB, else ./rtmtap.db
std::string defaultDbPath();

// The --db option of the commands that read a database (query, show, tail, stats, sessions,
// export, lint): one help text for all.
void addReadDbOption(CLI::App* sub, std::string& db);

// Runs print on output, or on stdout when output is ""; 0, or 2 (one line on stderr) when the
// file cannot be written. For the commands whose output is a file to install (-o FILE).
int writeGenerated(const std::string& output, const std::function<void(std::ostream&)>& print);

}  // namespace rtmtap::cli
