#pragma once
// Which frames a reader wants, as data: the filters `tail` takes (and `query` will), shared by
// every command that filters frames. Values of one option are OR'ed (--op ping --op pong), options
// are AND'ed; --event and --command together are one name filter (a frame is one or the other).
// Reader turns it into an SQL condition; cli/FrameFilterOptions binds it to command-line flags.
#include "protocol/Classifier.h"
#include "protocol/Message.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {

struct FrameFilter {
    std::vector<int64_t> sessions;
    std::vector<Direction> dirs;
    std::vector<Opcode> ops;
    std::vector<Kind> kinds;
    std::vector<std::string> events;    // SQLite GLOB patterns on an event's name ("chat.*")
    std::vector<std::string> commands;  // idem, on a command's name

    bool empty() const;
};

// The filter as an SQL condition over `frames f` (true when the filter is empty), and the texts
// to bind, in order, to its parameters ?firstParam, ?firstParam+1, ... Integer values are
// written into the SQL (they come from typed fields, never from text).
struct FrameFilterSql {
    std::string condition;
    std::vector<std::string> texts;
};

FrameFilterSql toSql(const FrameFilter& filter, int firstParam);

}  // namespace rtmtap
