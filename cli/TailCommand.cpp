#include "TailCommand.h"

#include "Commands.h"
#include "view/FrameFilterOptions.h"
#include "FramePrinter.h"
#include "StopSignals.h"
#include "pg/OpenReader.h"
#include "store/Reader.h"
#include "view/FrameFollower.h"

#include <csignal>
#include <cstdlib>
#include <iostream>
#include <memory>
#include <poll.h>
#include <unistd.h>

namespace rtmtap::cli {
namespace {

// Prints what a view::FrameFollower reads. Frames of every session interleave here, so each
// line says whose it is.
class Follower {
public:
    Follower(const TailOptions& options, std::ostream& out)
        : follower_(options.filter), out_(out), printer_(out, printing(options)) {}

    // Prints the frames recorded since the last call; false when out has failed.
    bool poll(Reader& reader) {
        bool going = follower_.poll(
            reader, [&](const FrameRow& row) { return printer_.print(row); },
            [&] { return static_cast<bool>(out_.flush()); });
        return going && static_cast<bool>(out_);
    }

    void startAt(int64_t id) { follower_.startAt(id); }

private:
    static FramePrinterOptions printing(const TailOptions& options) {
        FramePrinterOptions printing;
        printing.format = options.jsonl ? FrameFormat::Jsonl : FrameFormat::Lines;
        printing.prefix = LinePrefix::Session;
        printing.width = options.width;
        printing.palette = options.palette;
        return printing;
    }

    view::FrameFollower follower_;
    std::ostream& out_;
    FramePrinter printer_;
};

// Waits until the database exists with its schema; false when told to stop first.
bool waitForDatabase(const TailOptions& options, std::ostream& err, const TailPause& pause, bool& waited) {
    while (view::probeDatabase(options.db) != view::DatabaseState::Ready) {
        if (!waited) {
            err << "rtmtap: waiting for database '" << options.db << "' to appear (Ctrl-C to stop)" << std::endl;
            waited = true;
        }
        if (pause(options.pollMs)) {
            return false;
        }
    }
    return true;
}

// True when stdout is a pipe or socket whose reader has gone: tail ends even with nothing to print.
bool stdoutClosed() {
    struct pollfd fd {STDOUT_FILENO, 0, 0};
    return ::poll(&fd, 1, 0) == 1 && (fd.revents & (POLLERR | POLLHUP | POLLNVAL)) != 0;
}

}  // namespace

int runTail(const TailOptions& options, std::ostream& out, std::ostream& err, const TailPause& pause) {
    try {
        bool waited = false;
        if (!waitForDatabase(options, err, pause, waited)) {
            return 0;
        }
        const std::unique_ptr<Reader> reader = openReader(options.db);
        Follower follower(options, out);
        // A database that appeared while we waited holds only new frames.
        follower.startAt(options.fromStart || waited ? 0 : reader->lastFrameId());
        while (follower.poll(*reader)) {
            if (pause(options.pollMs)) {
                return 0;
            }
        }
        return 0;  // stdout closed: the reader went away, which is not an error
    } catch (const std::exception& e) {
        err << "rtmtap: " << e.what() << '\n';
        return 2;
    }
}

void setupTail(CLI::App& app, int& exitCode) {
    auto options = std::make_shared<TailOptions>();
    options->db = defaultDbPath();
    CLI::App* sub = app.add_subcommand("tail", "Follow frames as they are recorded (until Ctrl-C)");
    sub->footer(
        "Prints each new frame as it is committed, from any process recording into the database,\n"
        "prefixed by its session id (or one JSON object a line, as show --jsonl, with --jsonl).\n"
        "Filters: values of one flag are OR'ed, different flags AND'ed. A missing database is waited for.\n"
        "Exit: 0 on SIGINT/SIGTERM or when stdout closes; 2 when the database cannot be read.\n"
        "Examples:\n"
        "  rtmtap tail                            every frame as it is recorded into ./rtmtap.db\n"
        "  rtmtap tail --event 'chat.*' --jsonl   chat events only, one JSON object a line\n"
        "  rtmtap tail --from-start --dir s2c     what servers sent, from the first frame recorded");
    addReadDbOption(sub, options->db);
    sub->add_flag("--jsonl", options->jsonl, "Print one JSON object per frame");
    sub->add_flag("--from-start", options->fromStart, "Print the frames already recorded first");
    auto color = std::make_shared<ColorMode>(ColorMode::Auto);
    addColorOption(*sub, *color);
    view::addFrameFilterOptions(*sub, options->filter);
    sub->callback([options, color, &exitCode] {
        options->palette = Palette(colorEnabled(*color, STDOUT_FILENO));
        // A closed stdout shows up as a failed write, not as a fatal signal.
        std::signal(SIGPIPE, SIG_IGN);
        // The pause between polls is the wait for SIGINT/SIGTERM.
        StopSignals signals;
        exitCode = runTail(*options, std::cout, std::cerr,
                           [&signals](int ms) { return signals.waitFor(ms) || stdoutClosed(); });
    });
}

}  // namespace rtmtap::cli
