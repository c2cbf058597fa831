#pragma once
// The rules about what a client sends (issue 13, client side).
#include "LintRule.h"

#include <memory>
#include <vector>

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> clientRules();

}  // namespace rtmtap
