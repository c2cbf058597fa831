#pragma once
// unknown-event: a server event the document does not define. Info when real traffic has it
// (the catalogue's RealOnly events, protocol-notes.md "Event frames in real traffic"), warn
// when neither knows it, and warn for a server JSON object without a string "event". Said once
// per session and name.
#include "LintRule.h"

#include <set>
#include <string>

namespace rtmtap {

class UnknownEventRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    std::set<std::string> reported_;  // event names already reported this session ("" for no event)
};

}  // namespace rtmtap
