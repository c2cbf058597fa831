#include "TimingRules.h"

#include "BurstRule.h"
#include "CreatedOrderRule.h"
#include "SilenceRule.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> timingRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    rules.push_back(std::make_unique<SilenceRule>());
    rules.push_back(std::make_unique<BurstRule>());
    rules.push_back(std::make_unique<CreatedOrderRule>());
    return rules;
}

}  // namespace rtmtap
