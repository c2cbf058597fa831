#pragma once
// The payload rules of `rtmtap lint`, in report order (LintEngine::allRules joins the lists).
#include "LintRule.h"

#include <memory>
#include <vector>

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> payloadRules();

}  // namespace rtmtap
