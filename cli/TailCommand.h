#pragma once
// `rtmtap tail [--db F] [--jsonl] [filters] [--from-start]`: follows the frames another process
// (the proxy, an import) records, in the order they were recorded, until stopped. Prints each
// frame as `rtmtap show` does, prefixed by its session id (or as `show --jsonl` with --jsonl).
#include "Color.h"
#include "store/FrameFilter.h"

#include <functional>
#include <ostream>
#include <string>

namespace rtmtap::cli {

struct TailOptions {
    std::string db;
    bool jsonl = false;
    bool fromStart = false;  // print the frames already recorded first
    FrameFilter filter;
    size_t width = 0;        // line width; 0: the terminal's, else 120
    int pollMs = 100;
    Palette palette;
};

// Waits up to ms milliseconds; returns true when it is time to stop (a signal, stdout gone).
using TailPause = std::function<bool(int ms)>;

// Returns 0 when stopped or when out fails (the reader went away), 2 when the database cannot be
// read (not rtmtap's, newer, unreadable). A database that does not exist yet is waited for.
int runTail(const TailOptions& options, std::ostream& out, std::ostream& err, const TailPause& pause);

}  // namespace rtmtap::cli
