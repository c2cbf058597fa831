#pragma once
// The differences between what a recording holds and what a replay saw, as a diff of two
// sequences of comparable keys (a longest common subsequence, as diff(1) prints it): `rtmtap
// replay --expect` compares commands (serving a client) or events (re-sending to a server).
#include <cstddef>
#include <string>
#include <vector>

namespace rtmtap {

struct DiffStep {
    enum class Op { Same, Missing, Extra };  // Missing: recorded only; Extra: seen only in the replay
    Op op;
    size_t recorded;  // index into recorded (Same, Missing), else the position it would take
    size_t replayed;  // index into replayed (Same, Extra), else the position it would take
};

// recorded and replayed hold keys compared with ==. Steps come in order; when both sequences are
// equal every step is Same. Long, very different sequences (more than 16 million cells to
// compare after trimming the common start and end) are compared position by position instead.
std::vector<DiffStep> diffSequences(const std::vector<std::string>& recorded, const std::vector<std::string>& replayed);

// True when a diff holds any Missing or Extra step.
bool hasDifferences(const std::vector<DiffStep>& steps);

}  // namespace rtmtap
