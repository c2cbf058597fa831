// bench_replay_client: the load client of the replay benchmark (ReplayLoad.h, bench/replay.sh).
//   bench_replay_client --recording FILE --url ws://HOST:PORT/ [-c N] [--speed F | --no-timing]
// The last line of output is 'RESULT mode=replay key=value ...'. Exit 0 when every client got
// every frame in order, 1 when not, 2 on bad usage or a recording that cannot be read.
#include "../src/Net.h"
#include "ReplayLoad.h"
#include "ReplayTimeline.h"

#include <CLI/CLI.hpp>

#include <csignal>
#include <cstdio>
#include <exception>

int main(int argc, char** argv) {
    using namespace rtmtap::bench;
    CLI::App app{"bench_replay_client: N clients of rtmtap replay; the scheduling error they see"};
    std::string recording, url;
    LoadOptions o;
    app.add_option("--recording", recording, "The JSONL or HAR file rtmtap replay serves (its first session)")
        ->required();
    app.add_option("--url", url, "The replay's WebSocket address, ws://HOST:PORT/")->required();
    app.add_option("-c,--clients", o.clients, "Clients replaying at once")
        ->capture_default_str()
        ->check(CLI::Range(1, 5000));
    auto* speed = app.add_option("--speed", o.speed, "The replay's --speed")
                      ->capture_default_str()
                      ->check(CLI::Range(0.1, 100.0));
    app.add_flag("--no-timing", o.noTiming, "The replay runs with --no-timing: frames per second only")
        ->excludes(speed);
    app.add_option("--timeout", o.timeoutSeconds, "Seconds allowed beyond the recording's span")->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    std::string error;
    if (!parseWsUrl(url, o.target, error)) {
        std::fprintf(stderr, "bench_replay_client: %s\n", error.c_str());
        return 2;
    }
    ReplayTimeline timeline;
    try {
        timeline = ReplayTimeline::load(recording);
    } catch (const std::exception& e) {
        std::fprintf(stderr, "bench_replay_client: %s\n", e.what());
        return 2;
    }
    if (timeline.frames().empty()) {
        std::fprintf(stderr, "bench_replay_client: %s has no server frames to replay\n", recording.c_str());
        return 2;
    }
    std::signal(SIGPIPE, SIG_IGN);
    if (raiseNofile(o.clients + 256) < o.clients + 16) {
        std::fprintf(stderr, "bench_replay_client: the open-file limit is too low for %d connections\n", o.clients);
        return 2;
    }
    return ReplayLoad(timeline, o).run();
}
