#pragma once
// One rule of a rules file (rules/RuleSet): which frames (the query filters, plus nth/every) and
// what becomes of them. Plain data, read once and never changed (rules/RuleEngine shares it
// between sessions).
#include "proxy/Filter.h"
#include "protocol/JsonPath.h"
#include "store/FrameFilter.h"

#include <cstdint>
#include <optional>
#include <string>
#include <utility>
#include <vector>

namespace rtmtap {

// A frame a rule sends (replace, insert_before, insert_after), in the JSONL export's frame form.
struct RuleFrame {
    std::optional<Direction> dir;  // none: the matched frame's direction
    Opcode op = Opcode::Text;
    std::string payload;
    int afterMs = 0;  // insert_after only
};

struct Rule {
    enum class Action { Drop, Set, Delete, Delay, Duplicate, Replace, InsertBefore, InsertAfter, Close };

    uint64_t line = 0;  // in its file, counting blank and '#' lines
    std::string text;   // the line as written
    FrameFilter match;
    int64_t nth = 0;    // > 0: only the nth frame that matches, counted per session
    int64_t every = 0;  // > 0: every nth frame that matches (the nth, 2nth, ...)

    Action action = Action::Drop;
    std::vector<std::pair<JsonPath, std::string>> set;  // path, the new value's raw JSON bytes
    std::vector<JsonPath> remove;                       // delete
    int delayMs = 0;
    int duplicate = 1;             // the frame goes out this many times in all
    std::vector<RuleFrame> frames;  // replace (one), insert_before, insert_after
    FilterClose close;

    // "line 3 {\"match\": ...}": the line number and the rule as written, cut to about 80 characters.
    std::string label() const;
};

const char* toString(Rule::Action action);  // "drop", "set", "delete", "delay_ms", ...

}  // namespace rtmtap
