// `rtmtap ui [--db F] [--listen 127.0.0.1:8090] [--open]`: the viewer (ui/UiServer), until
// SIGINT/SIGTERM.
#include "ChildProcess.h"
#include "Commands.h"
#include "ProxyCommand.h"
#include "StopSignals.h"
#include "Version.h"
#include "ui/UiServer.h"
#include "view/FrameFollower.h"

#include <Poco/Path.h>

#include <iostream>
#include <memory>
#include <sys/wait.h>

namespace rtmtap::cli {
namespace {

struct UiOptions {
    std::string db;
    std::string listen = "127.0.0.1:8090";
    bool open = false;
};

// xdg-open URL (it returns once the browser has the URL): a missing opener is a note, not an
// error. The browser must not inherit the signals this process blocks or ignores (ChildProcess).
void openInBrowser(const std::string& url, std::ostream& err) {
    const ChildResult ran = runChild("xdg-open", {"xdg-open", url}, true);
    if (ran.spawnError != 0) {
        err << "rtmtap: note: cannot run xdg-open; open " << url << " in a browser\n";
    } else if (!WIFEXITED(ran.status) || WEXITSTATUS(ran.status) != 0) {
        err << "rtmtap: note: xdg-open failed; open " << url << " in a browser\n";
    }
}

int runUi(const UiOptions& options, std::ostream& out, std::ostream& err) {
    ui::UiConfig config;
    if (!parseListen(options.listen, config.host, config.port)) {
        err << "rtmtap: --listen " << options.listen << ": expected HOST:PORT, [V6]:PORT or PORT\n";
        return 2;
    }
    config.db = Poco::Path(options.db).absolute().toString();
    config.version = versionLine();
    StopSignals signals;  // before the server's threads start
    try {
        ui::UiServer server(config);
        server.start();
        // The notes come first: whoever waits for the URL's line has them by then.
        if (view::probeDatabase(config.db) == view::DatabaseState::Missing) {
            err << "rtmtap: note: '" << config.db << "' does not exist yet; the viewer shows it once a recorder makes it\n";
        }
        if (server.needsToken()) {
            err << "rtmtap: listening off loopback: the URL below holds the access token (it is printed only once)\n";
        }
        err << std::flush;
        out << "rtmtap ui: " << server.url() << std::endl;
        if (options.open) {
            openInBrowser(server.url(), err);
        }
        signals.wait();
        server.stop();
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
    return 0;
}

}  // namespace

void setupUi(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<UiOptions>();
    options->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("ui", "Browse recorded and live traffic in a web page");
    sub->footer(
        "Serves a page (compiled into rtmtap) and its JSON API (docs/ui-api.md) until Ctrl-C: the sessions,\n"
        "each one's frames, timeline, login and lint findings, search across sessions, export and replay\n"
        "command lines. It reads --db as the other read commands do, live while a proxy records into it.\n"
        "On a loopback address only; anywhere else a random token is put in the printed URL and needed.\n"
        "Exit: 0 on SIGINT/SIGTERM; 2 when it cannot listen.\n"
        "Examples:\n"
        "  rtmtap ui                                  ./rtmtap.db at http://127.0.0.1:8090/\n"
        "  rtmtap ui --db staging.db --open           and open it in the default browser\n"
        "  rtmtap ui --listen 0.0.0.0:8090            from other machines, with a token in the URL");
    addReadDbOption(sub, options->db);
    sub->add_option("--listen", options->listen, "Address to serve on (HOST:PORT; port 0: any free port)")
        ->capture_default_str();
    sub->add_flag("--open", options->open, "Open the page in the default browser (xdg-open)");
    sub->callback([options, &exitCode] { exitCode = runUi(*options, std::cout, std::cerr); });
}

}  // namespace rtmtap::cli
