#pragma once
// command-fields: a known command missing a field its catalogue spec requires (error) or with a
// field of the wrong type (warn): `channel_id`, `message_id`, `emoji_value`, `auth_token`. The
// backend drops a bad command payload silently (protocol-notes.md), so the read, the typing
// indicator or the reaction never takes effect, and nothing tells the app.
#include "LintRule.h"

namespace rtmtap {

class CommandFieldsRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
