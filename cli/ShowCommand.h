#pragma once
// `rtmtap show ID [--db F] [--jsonl]`: one session's frames in order, as lines for people or as
// one JSON object a line.
#include <cstdint>
#include <ostream>
#include <string>

namespace rtmtap {
struct FrameRow;
}

namespace rtmtap::cli {

struct ShowOptions {
    std::string db;
    int64_t session = 0;
    bool jsonl = false;
    size_t width = 0;  // preview line width; 0: the terminal's, else 120
};

// Returns 0, 1 when the session is not in the database, 2 when the database cannot be read.
int runShow(const ShowOptions& options, std::ostream& out, std::ostream& err);

// One frame as the JSON object `show --jsonl` prints (field names are a contract).
std::string frameJson(const FrameRow& row);
// The preview width: requested if non-zero, else the terminal's, $COLUMNS, or 120.
size_t previewWidth(size_t requested);
// One frame as a line for people, at most width columns.
std::string frameLine(const FrameRow& row, size_t width);

}  // namespace rtmtap::cli
