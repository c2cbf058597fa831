#include "ServerRules.h"

#include "DropWithoutCloseRule.h"
#include "TypingToSenderRule.h"
#include "UnseenMessageRule.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> serverRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    rules.push_back(std::make_unique<TypingToSenderRule>());
    rules.push_back(std::make_unique<UnseenMessageRule>());
    rules.push_back(std::make_unique<DropWithoutCloseRule>());
    return rules;
}

}  // namespace rtmtap
