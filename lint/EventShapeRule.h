#pragma once
// event-shape: a server event's payload against its catalogue spec (protocol/Catalogue field
// specs): a required field missing or a field of the wrong type, the payload not an object when
// the event carries one (warn). A type only the document's own examples use (read_user_count as
// a string) is info: the document's quirk, not the server's mistake. Events the catalogue does
// not know are unknown-event's. Said once per session for each event and set of fields.
#include "LintRule.h"

#include <set>
#include <string>

namespace rtmtap {

class EventShapeRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    std::set<std::string> reported_;  // "event severity paths" already reported this session
};

}  // namespace rtmtap
