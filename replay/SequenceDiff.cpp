#include "SequenceDiff.h"

#include <algorithm>
#include <cstdint>

namespace rtmtap {
namespace {

constexpr size_t kMaxCells = 16u << 20;

using Op = DiffStep::Op;

// The middle part, a[a0..a1) against b[b0..b1), by a classic LCS table walked back to front.
void lcsDiff(const std::vector<std::string>& a, size_t a0, size_t a1, const std::vector<std::string>& b, size_t b0,
             size_t b1, std::vector<DiffStep>& out) {
    const size_t n = a1 - a0, m = b1 - b0;
    std::vector<uint32_t> len((n + 1) * (m + 1), 0);
    auto at = [&](size_t i, size_t j) -> uint32_t& { return len[i * (m + 1) + j]; };
    for (size_t i = n; i-- > 0;) {
        for (size_t j = m; j-- > 0;) {
            at(i, j) = a[a0 + i] == b[b0 + j] ? at(i + 1, j + 1) + 1 : std::max(at(i + 1, j), at(i, j + 1));
        }
    }
    size_t i = 0, j = 0;
    while (i < n || j < m) {
        if (i < n && j < m && a[a0 + i] == b[b0 + j]) {
            out.push_back({Op::Same, a0 + i++, b0 + j++});
        } else if (j < m && (i == n || at(i, j + 1) >= at(i + 1, j))) {
            out.push_back({Op::Extra, a0 + i, b0 + j++});
        } else {
            out.push_back({Op::Missing, a0 + i++, b0 + j});
        }
    }
}

void positionalDiff(const std::vector<std::string>& a, size_t a0, size_t a1, const std::vector<std::string>& b,
                    size_t b0, size_t b1, std::vector<DiffStep>& out) {
    size_t i = a0, j = b0;
    for (; i < a1 && j < b1; ++i, ++j) {
        if (a[i] == b[j]) {
            out.push_back({Op::Same, i, j});
        } else {
            out.push_back({Op::Missing, i, j});
            out.push_back({Op::Extra, i + 1, j});
        }
    }
    for (; i < a1; ++i) {
        out.push_back({Op::Missing, i, j});
    }
    for (; j < b1; ++j) {
        out.push_back({Op::Extra, i, j});
    }
}

}  // namespace

std::vector<DiffStep> diffSequences(const std::vector<std::string>& recorded, const std::vector<std::string>& replayed) {
    std::vector<DiffStep> out;
    size_t start = 0;
    while (start < recorded.size() && start < replayed.size() && recorded[start] == replayed[start]) {
        out.push_back({Op::Same, start, start});
        ++start;
    }
    size_t endA = recorded.size(), endB = replayed.size();
    while (endA > start && endB > start && recorded[endA - 1] == replayed[endB - 1]) {
        --endA;
        --endB;
    }
    const size_t n = endA - start, m = endB - start;
    if (n > 0 && m > 0 && (n + 1) * (m + 1) > kMaxCells) {
        positionalDiff(recorded, start, endA, replayed, start, endB, out);
    } else {
        lcsDiff(recorded, start, endA, replayed, start, endB, out);
    }
    for (size_t k = 0; endA + k < recorded.size(); ++k) {
        out.push_back({Op::Same, endA + k, endB + k});
    }
    return out;
}

bool hasDifferences(const std::vector<DiffStep>& steps) {
    return std::any_of(steps.begin(), steps.end(), [](const DiffStep& s) { return s.op != Op::Same; });
}

}  // namespace rtmtap
