#pragma once
// `rtmtap query [filters] [--jsonl|--json|--count] [--limit N] [--order asc|desc]`: the frames of
// every session that pass the filters, in recording order, found through the query indexes
// (store/FrameSearch.h). Exit status as ripgrep: 0 something matched, 1 nothing, 2 an error.
#include "Color.h"
#include "FramePrinter.h"
#include "store/FrameFilter.h"
#include "store/Reader.h"

#include <cstdint>
#include <ostream>
#include <string>

namespace rtmtap::cli {

struct QueryOptions {
    std::string db;
    FrameFilter filter;
    FrameFormat format = FrameFormat::Lines;
    bool count = false;   // print only how many frames match
    int64_t limit = 0;    // at most this many frames; 0: all
    SearchOrder order = SearchOrder::Ascending;
    bool pretty = false;
    size_t width = 0;
    Palette palette;
};

int runQuery(const QueryOptions& options, std::ostream& out, std::ostream& err);

}  // namespace rtmtap::cli
