#pragma once
// The filters of `rtmtap query` (store/FrameFilter) matched against one message in memory, with
// the answers the SQL of store/FrameSearch gives for the recorded frame: the rules' "match", and
// anything else that picks live frames by the query flags. Cheap tests (session, direction,
// opcode, flags) come first; the payload is classified only when a filter needs it.
#include "protocol/Glob.h"
#include "MatchSubject.h"
#include "store/FrameFilter.h"

#include <vector>

namespace rtmtap {

class FrameMatcher {
public:
    // Throws std::invalid_argument for an --event or --command glob that is not one.
    explicit FrameMatcher(FrameFilter filter);

    // message.session is its session.
    bool matches(const Message& message) const { return matches(MatchSubject(message)); }
    // Several matchers over one subject classify its payload once.
    bool matches(const MatchSubject& subject) const;

    const FrameFilter& filter() const { return filter_; }

private:
    bool matchesIds(const Classification& c) const;
    bool matchesName(const Classification& c) const;
    bool matchesWords(const MatchSubject& subject) const;

    FrameFilter filter_;
    std::vector<Glob> events_;
    std::vector<Glob> commands_;
    std::vector<std::string> lowerWords_;
};

// --where's condition on one payload: the JSON value at the path has the condition's type and
// value (numbers compare as numbers: 5 matches 5.0; the string "5" does not match 5), as
// SQLite's json_extract compares it. False for a payload that is not JSON.
bool jsonConditionHolds(const JsonCondition& condition, std::string_view payload);

}  // namespace rtmtap
