// `rtmtap intercept [the query filters] [--hold-timeout S]`: breakpoints on the running proxy.
// Each frame the filters pick is held (only its session's direction waits) and shown; the user
// forwards, edits (in $EDITOR, on the pretty JSON), drops it, or forwards all and quits. Frames
// held meanwhile wait their turn in arrival order. The proxy side is control/InterceptConnection;
// the interaction is cli/InterceptPrompt.
#include "Color.h"
#include "Commands.h"
#include "view/FrameFilterOptions.h"
#include "InterceptPrompt.h"
#include "control/InterceptClient.h"
#include "rules/MatchJson.h"

#include <csignal>
#include <iostream>
#include <memory>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

struct InterceptOptions {
    std::string db;
    FrameFilter filter;
    double holdSeconds = 60;
    ColorMode color = ColorMode::Auto;
};

int runIntercept(const InterceptOptions& o) {
    std::string match;
    try {
        match = matchJson(o.filter);
    } catch (const std::invalid_argument& e) {
        std::cerr << "rtmtap: " << e.what() << " (rtmtap query searches what was recorded)\n";
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);  // a proxy that went away is an error line, not a signal
    try {
        InterceptClient client(o.db, match, static_cast<int>(o.holdSeconds * 1000 + 0.5));
        InterceptPrompt prompt(client, o.db, o.holdSeconds, Palette(colorEnabled(o.color, STDOUT_FILENO)));
        return prompt.run(STDIN_FILENO, std::cout, std::cerr);
    } catch (const std::exception& e) {
        std::cerr << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

}  // namespace

void setupIntercept(CLI::App& app, int& exitCode) {
    auto o = std::make_shared<InterceptOptions>();
    o->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("intercept", "Hold matching frames of the running proxy: forward, edit or drop each");
    sub->footer(std::string(
        "Each frame the filters pick is held by the proxy (only that session's direction waits; other sessions and\n"
        "the other direction go on) and shown here with the question forward / edit / drop / all? [f/e/d/a]:\n"
        "  f  forward it as it came        e  edit it in $VISUAL, else $EDITOR, else vi; what is saved is sent\n"
        "  d  drop it                      a  forward every held frame, stop intercepting and quit\n"
        "An edited frame is recorded twice: as it came (dropped) and as sent (edited, edit_of). A frame held longer\n"
        "than --hold-timeout goes on unchanged. End of input (Ctrl-D) forwards everything held and exits 0; if this\n"
        "process ends in any other way the proxy forwards what it holds: nothing is lost. Exit 2 when no proxy runs\n"
        "on --db or it stops.\n\n") + view::kFilterHelp +
        "\n"
        "Examples:\n"
        "  rtmtap intercept --event 'chat.*'   hold the chat events of the running proxy\n"
        "  rtmtap intercept --dir c2s --command ws_add_reaction --hold-timeout 60");
    view::addFrameFilterOptions(*sub, o->filter);
    for (const char* time : {"--since", "--until"}) {
        sub->remove_option(sub->get_option(time));  // frames are held as they arrive: now
    }
    sub->add_option("--hold-timeout", o->holdSeconds, "Seconds a frame waits for you at most, then goes on unchanged")
        ->check(CLI::Range(0.001, 86400.0))
        ->type_name("SECONDS")
        ->capture_default_str();
    sub->add_option("--db", o->db, "The database the proxy records into ($RTMTAP_DB, else ./rtmtap.db)")
        ->capture_default_str();
    addColorOption(*sub, o->color);
    sub->callback([o, &exitCode] { exitCode = runIntercept(*o); });
}

}  // namespace rtmtap::cli
