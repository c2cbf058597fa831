#pragma once
// One rule of `rtmtap lint`: fed one session's frames in seq order, between a start and an end;
// it appends what it finds to out. A rule keeps its own state per session and is reset by
// onSessionStart, so one instance checks many sessions one after the other. Rules that look
// across sessions read LintSession::history, never state of their own.
#include "Finding.h"
#include "LintFrame.h"
#include "LintSession.h"
#include "RuleInfo.h"

#include <vector>

namespace rtmtap {

class LintRule {
public:
    virtual ~LintRule() = default;
    virtual const RuleInfo& info() const = 0;
    const char* id() const { return info().id; }
    virtual void onSessionStart(const LintSession& session) { (void)session; }
    virtual void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) = 0;
    virtual void onSessionEnd(const LintSessionEnd& end, const LintSession& session, std::vector<Finding>& out) {
        (void)end;
        (void)session;
        (void)out;
    }
};

}  // namespace rtmtap
