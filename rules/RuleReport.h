#pragma once
// Each rule's counts as `rtmtap proxy --rules` says them at exit and `rtmtap replay --patch` at
// its end, on stderr:
//   rtmtap: rules rules.jsonl: frames each rule acted on
//     line 1 {"match": ...}: 2 touched, 3 matched
//     line 2 {"match": ...}: matched nothing, 1 path missing
#include "RuleEngine.h"

#include <ostream>

namespace rtmtap {

class RuleReport {
public:
    static void print(const RuleEngine& engine, std::ostream& out);
};

}  // namespace rtmtap
