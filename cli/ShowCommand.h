#pragma once
// `rtmtap show ID [--db F] [--jsonl|--json] [--pretty] [filters]`: one session's frames in
// order, as lines for people, one JSON object a line, or one JSON object with the session.
#include "Color.h"
#include "FramePrinter.h"
#include "store/FrameFilter.h"

#include <cstdint>
#include <ostream>
#include <string>
#include <string_view>

namespace rtmtap {
struct FrameRow;
}

namespace rtmtap::cli {

struct ShowOptions {
    std::string db;
    int64_t session = 0;
    FrameFormat format = FrameFormat::Lines;
    bool pretty = false;
    FrameFilter filter;  // its sessions are ignored: the session is the one named
    size_t width = 0;    // preview line width; 0: the terminal's, else 120
    Palette palette;
};

// Returns 0, 1 when filters were given and matched nothing, 2 when the session does not exist
// or the database cannot be read.
int runShow(const ShowOptions& options, std::ostream& out, std::ostream& err);

// The preview width: requested if non-zero, else the terminal's, $COLUMNS, or 120.
size_t previewWidth(size_t requested);
// One frame as a line for people, at most width columns (escape sequences do not count).
std::string frameLine(const FrameRow& row, size_t width, const Palette& palette = Palette());
// The same line's parts before the payload.
std::string frameHead(const FrameRow& row, const Palette& palette = Palette());

}  // namespace rtmtap::cli
