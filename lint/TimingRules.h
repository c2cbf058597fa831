#pragma once
// The timing rules of `rtmtap lint`, in report order (LintEngine::allRules joins the lists).
#include "LintRule.h"

#include <memory>
#include <vector>

namespace rtmtap {

std::vector<std::unique_ptr<LintRule>> timingRules();

}  // namespace rtmtap
