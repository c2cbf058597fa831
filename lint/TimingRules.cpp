#include "TimingRules.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> timingRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    return rules;
}

}  // namespace rtmtap
