#pragma once
// unseen-message: chat.updateMessage or chat.deleteMessage about a message the session never saw
// (no earlier chat.postMessage or chat.updateMessage of it, no read notification or reaction of
// the client naming it). Only info: history loaded over HTTP is the usual reason, but when a view
// goes stale this is where the app was told about a message it may not hold.
#include "LintRule.h"

#include <cstdint>
#include <unordered_set>

namespace rtmtap {

class UnseenMessageRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    void onEvent(const LintFrame& frame, std::vector<Finding>& out);

    std::unordered_set<int64_t> seen_;  // message ids this session has seen or named
};

}  // namespace rtmtap
