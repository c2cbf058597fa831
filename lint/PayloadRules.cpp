#include "PayloadRules.h"

#include "CommandFieldsRule.h"
#include "EventMetaRule.h"
#include "EventShapeRule.h"
#include "UnknownEventRule.h"

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> payloadRules() {
    std::vector<std::unique_ptr<LintRule>> rules;
    rules.push_back(std::make_unique<CommandFieldsRule>());
    rules.push_back(std::make_unique<EventMetaRule>());
    rules.push_back(std::make_unique<UnknownEventRule>());
    rules.push_back(std::make_unique<EventShapeRule>());
    return rules;
}

}  // namespace rtmtap
