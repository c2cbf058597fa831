// rtmtap: wires the subcommands; each lives in its own file under cli/.
#include "cli/Commands.h"
#include "cli/Version.h"

#include <CLI/CLI.hpp>

#include <iostream>

int main(int argc, char** argv) {
    CLI::App app{"rtmtap: record-and-replay proxy and debugger for AirSend RTM WebSocket traffic"};
    app.require_subcommand(1);
    app.set_version_flag("--version", rtmtap::cli::versionLine());
    int exitCode = 0;
    rtmtap::cli::registerCommands(app, exitCode);
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        // CLI11 prints help (exit 0) or "what was wrong" (usage errors, exit 2 by our convention).
        int rc = app.exit(e);
        return rc == 0 ? 0 : 2;
    }
    return exitCode;
}
