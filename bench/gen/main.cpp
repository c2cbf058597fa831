// rtmtap_gen: writes a realistic AirSend RTM database for the query benchmark (bench/query.sh):
// by default 10 million frames over 2,000 sessions of the last 7 days, one session of exactly
// 100,000 frames. Progress on stderr; on stdout one JSON object with what was written and what
// the benchmark's queries need (ids with few and many frames, words, a time range).
//   rtmtap_gen --db FILE [--frames N] [--sessions N] [--big-session N] [--seed S] [--force]
// The replay benchmark (bench/replay.sh) makes its recording with one session:
//   rtmtap_gen --db F --sessions 1 --frames N --big-session N --big-span S --burst-every S --burst-frames N
//              --big-client-closes
#include "DatabaseGenerator.h"
#include "store/DatabaseError.h"

#include <CLI/CLI.hpp>

#include <chrono>
#include <cstdio>
#include <exception>
#include <sys/stat.h>
#include <unistd.h>

using namespace rtmtap::gen;

namespace {

bool exists(const std::string& path) {
    struct stat st {};
    return ::stat(path.c_str(), &st) == 0;
}

void removeDatabase(const std::string& db) {
    for (const char* suffix : {"", "-wal", "-shm"}) {
        std::remove((db + suffix).c_str());
    }
}

int64_t nowWallUs() {
    auto now = std::chrono::system_clock::now().time_since_epoch();
    int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(now).count();
    return us - us % 60'000'000;  // to the minute: the same seed gives the same frames within it
}

}  // namespace

int main(int argc, char** argv) {
    CLI::App app{"rtmtap_gen: writes a realistic AirSend RTM database for the query benchmark"};
    GenOptions o;
    bool force = false;
    app.add_option("--db", o.db, "Database file to create")->required();
    app.add_flag("--force", force, "Replace the file if it exists");
    app.add_option("--frames", o.frames, "Frames in all")->capture_default_str();
    app.add_option("--sessions", o.sessions, "Sessions in all")->capture_default_str();
    app.add_option("--big-session", o.bigSession, "Frames of the one big session")->capture_default_str();
    app.add_option("--seed", o.seed, "Seed of the random traffic")->capture_default_str();
    app.add_option("--big-span", o.bigSpanSeconds, "Seconds the big session lasts (0: a frame every 150 ms)")
        ->capture_default_str();
    app.add_option("--burst-every", o.burstEverySeconds, "A burst of server events every S seconds (big session)")
        ->capture_default_str();
    app.add_option("--burst-frames", o.burstFrames, "Server events in each burst")->capture_default_str();
    app.add_flag("--big-client-closes", o.bigClientCloses, "The big session ends with the client's close handshake");
    app.add_option("--chunk-frames", o.chunkFrames, "Commit after at least this many frames (whole sessions)")
        ->capture_default_str();
    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError& e) {
        int code = app.exit(e);
        return code == 0 ? 0 : 2;
    }
    if (std::string why = DatabaseGenerator::check(o); !why.empty()) {
        std::fprintf(stderr, "rtmtap_gen: %s\n", why.c_str());
        return 2;
    }
    if (exists(o.db) && !force) {
        std::fprintf(stderr, "rtmtap_gen: '%s' exists: refusing to overwrite it (pass --force to replace it)\n",
                     o.db.c_str());
        return 2;
    }
    removeDatabase(o.db);
    o.nowWallUs = nowWallUs();
    try {
        std::string facts = DatabaseGenerator(o).run();
        std::printf("%s\n", facts.c_str());
    } catch (const std::exception& e) {
        std::fprintf(stderr, "%srtmtap_gen: %s\n", ::isatty(2) ? "\n" : "", e.what());
        // The file was ours (we refused to overwrite anything else): an incomplete one would
        // only mislead a benchmark.
        if (exists(o.db)) {
            removeDatabase(o.db);
            std::fprintf(stderr, "rtmtap_gen: the incomplete '%s' was removed\n", o.db.c_str());
        }
        return 2;
    }
    return 0;
}
