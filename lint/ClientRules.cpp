#include "ClientRules.h"

#include "CommandBeforeAuthRule.h"
#include "FirstNotAuthRule.h"
#include "InvalidJsonRule.h"
#include "UnknownCommandRule.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> clientRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    rules.push_back(std::make_unique<InvalidJsonRule>());
    rules.push_back(std::make_unique<UnknownCommandRule>());
    rules.push_back(std::make_unique<FirstNotAuthRule>());
    rules.push_back(std::make_unique<CommandBeforeAuthRule>());
    return rules;
}

}  // namespace rtmtap
