#pragma once
// A pattern as SQLite's GLOB reads it, for matching names in memory exactly as `rtmtap query`
// matches them in SQL: '*' any run of characters, '?' one character, [abc], [a-z] and [^...]
// sets ('^' negates; ']' first in a set is literal), everything else literal and case-sensitive.
// Written here rather than with fnmatch(3), which differs: it negates with '!' and takes '\' as
// an escape, where GLOB takes both literally.
#include <string>
#include <string_view>

namespace rtmtap {

class Glob {
public:
    // Throws std::invalid_argument for an empty pattern or a '[' without its ']' (SQLite would
    // silently match nothing).
    explicit Glob(std::string pattern);

    bool matches(std::string_view text) const;
    const std::string& pattern() const { return pattern_; }

private:
    std::string pattern_;
};

}  // namespace rtmtap
