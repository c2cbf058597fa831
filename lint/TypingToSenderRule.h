#pragma once
// typing-to-sender: a chat.userTyping event delivered to the user it is about. The real server
// excludes all of the sender's connections (protocol-notes.md), so the app would show its own
// user typing to them.
#include "LintRule.h"

namespace rtmtap {

class TypingToSenderRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
};

}  // namespace rtmtap
