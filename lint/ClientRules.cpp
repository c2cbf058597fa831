#include "ClientRules.h"

#include "CloseCodeRule.h"
#include "CommandBeforeAuthRule.h"
#include "FirstNotAuthRule.h"
#include "InvalidJsonRule.h"
#include "PongMissingRule.h"
#include "PongSlowRule.h"
#include "ReadDebounceRule.h"
#include "ReconnectStormRule.h"
#include "TokenExpiredRule.h"
#include "TokenReusedRule.h"
#include "TypingThrottleRule.h"
#include "UnknownCommandRule.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> clientRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    rules.push_back(std::make_unique<InvalidJsonRule>());
    rules.push_back(std::make_unique<UnknownCommandRule>());
    rules.push_back(std::make_unique<FirstNotAuthRule>());
    rules.push_back(std::make_unique<CommandBeforeAuthRule>());
    rules.push_back(std::make_unique<PongMissingRule>());
    rules.push_back(std::make_unique<PongSlowRule>());
    rules.push_back(std::make_unique<TypingThrottleRule>());
    rules.push_back(std::make_unique<ReadDebounceRule>());
    rules.push_back(std::make_unique<ReconnectStormRule>());
    rules.push_back(std::make_unique<TokenExpiredRule>());
    rules.push_back(std::make_unique<TokenReusedRule>());
    rules.push_back(std::make_unique<CloseCodeRule>());
    return rules;
}

}  // namespace rtmtap
