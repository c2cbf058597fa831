#include "ServerRules.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> serverRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    return rules;
}

}  // namespace rtmtap
