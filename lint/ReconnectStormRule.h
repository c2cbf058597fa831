#pragma once
// reconnect-storm: one user opening session after session, each within 5 s of the end of the one
// before, 3 times in a row with no growing gap (no back-off). Reported once per storm, at the
// ws_auth of the session that makes it 3 quick reconnects in a row; later ones in the same run
// stay quiet. Reads the shared session history (LintSession::history), keeps no state of its own
// across sessions.
#include "LintRule.h"

namespace rtmtap {

class ReconnectStormRule : public LintRule {
public:
    // Half the web client's 10 s wait after a close: quicker than that is not the web client's pace.
    static constexpr int64_t kQuickUs = 5'000'000;
    static constexpr size_t kStormReconnects = 3;

    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    bool checked_ = false;
};

}  // namespace rtmtap
