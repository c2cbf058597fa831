#pragma once
// A rules file, read: JSONL, one rule a line, blank lines and lines starting with '#' skipped.
//   {"match": {"dir": "s2c", "event": "chat.*", "nth": 2}, "drop": true}
// match: the filters of `rtmtap query` by their flag names (dir, op, kind, event, command,
// channel, message, user, session, where, text: a value or an array of them; malformed, edited,
// injected: true) plus nth and every. One action: drop, set, delete, delay_ms, duplicate,
// replace, insert_before, insert_after, close (docs in rules/Rule.h and `rtmtap proxy --help`).
// Anything wrong is one line "FILE:LINE: field: what is wrong".
#include "Rule.h"

#include <istream>
#include <stdexcept>
#include <string>
#include <vector>

namespace rtmtap {

class RuleError : public std::runtime_error {
public:
    using std::runtime_error::runtime_error;
};

struct RuleSet {
    std::string file;  // as it was named
    std::vector<Rule> rules;

    // Throws RuleError.
    static RuleSet load(const std::string& file);
    // name: how errors name the file.
    static RuleSet parse(std::istream& in, const std::string& name);
};

}  // namespace rtmtap
