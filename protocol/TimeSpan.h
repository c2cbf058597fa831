#pragma once
// Differences of recorded times. Recorded times are not trusted (an imported file can hold both
// ends of int64), so a difference of two of them must not overflow.
#include <cstdint>
#include <limits>

namespace rtmtap {

// to - from, saturated at the ends of int64.
inline int64_t spanUs(int64_t from, int64_t to) {
    int64_t span = 0;
    if (__builtin_sub_overflow(to, from, &span)) {
        return to > from ? std::numeric_limits<int64_t>::max() : std::numeric_limits<int64_t>::min();
    }
    return span;
}

}  // namespace rtmtap
