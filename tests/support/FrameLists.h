#pragma once
// What the command tests of query, show and tail share: a database made of sessions written out
// as lists of frames, and the reading of the commands' output back into "session:seq" lists.
#include "protocol/Message.h"

#include <Poco/JSON/Object.h>

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

namespace rtmtap::test {

struct PlannedFrame {
    Direction dir;
    Opcode op;
    std::string payload;
};

// Imports each list as one session through store/SessionImporter (ids 1, 2, ... in a new file):
// session i starts at startUs(i) (wall clock) with client 127.0.0.1:4000<i>, and its k-th frame
// (from 1) comes k seconds after, in t_us and wall_us alike.
void importSessions(const std::string& db, const std::vector<std::vector<PlannedFrame>>& sessions,
                    const std::function<int64_t(size_t)>& startUs);

// The lines of text, without their '\n'.
std::vector<std::string> lines(const std::string& text);
// "session:seq" of a frame as `--jsonl` prints it.
std::string idOf(const Poco::JSON::Object::Ptr& frame);
// "session:seq" of each `--jsonl` line; every line must parse as a JSON object.
std::vector<std::string> jsonlIds(const std::string& out);

}  // namespace rtmtap::test
