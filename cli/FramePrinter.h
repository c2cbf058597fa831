#pragma once
// Prints frames for `show`, `query` and `tail` in the form asked for: lines for people (with
// colour on a terminal, payloads as one-line previews or, with pretty, as indented JSON), one
// JSON object a line, or one JSON array. One place, so the three commands print alike.
#include "Color.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace rtmtap {
struct FrameRow;
}

namespace rtmtap::cli {

enum class FrameFormat { Lines, Jsonl, Json };
// What starts each readable line: nothing (one session's frames), "12 " (tail), "12:345 " (query).
enum class LinePrefix { None, Session, SessionSeq };

struct FramePrinterOptions {
    FrameFormat format = FrameFormat::Lines;
    LinePrefix prefix = LinePrefix::None;
    bool pretty = false;  // Lines: a JSON payload as indented JSON under its line
    size_t width = 0;     // Lines: 0: the terminal's, else $COLUMNS or 120
    Palette palette;
};

class FramePrinter {
public:
    FramePrinter(std::ostream& out, FramePrinterOptions options);

    // Prints one frame; false when out has failed (the reader went away).
    bool print(const FrameRow& row);
    // Ends the output (Json: closes the array, "[]" when nothing was printed).
    void finish();
    int64_t printed() const { return printed_; }

private:
    std::ostream& out_;
    FramePrinterOptions options_;
    size_t width_;
    int64_t printed_ = 0;
};

}  // namespace rtmtap::cli
