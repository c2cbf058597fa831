#include "PayloadRules.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> payloadRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    return rules;
}

}  // namespace rtmtap
