#pragma once
// drop-without-close: a session that ended without a close frame in either direction (code
// 1006), with the last frames before the end and whether the real server drops a client for
// one of them. Info when the server (or nobody known) ended it: the real server never sends a
// close frame (protocol-notes.md). Warn when the client dropped it: a client that closes sends a
// close frame, so a client drop is a crash, a lost network or a socket torn down.
#include "FrameMark.h"
#include "LintRule.h"

#include <optional>

namespace rtmtap {

class DropWithoutCloseRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
    void onSessionEnd(const LintSessionEnd& end, const LintSession& session, std::vector<Finding>& out) override;

private:
    struct Recent {
        FrameMark mark;
        const char* dropCause = nullptr;  // why the real server drops a client for it, or nullptr
    };

    std::string before(const Recent& recent, const LintSessionEnd& end) const;

    bool sawClose_ = false;
    std::optional<Recent> last_;
    std::optional<Recent> previous_;  // the frame before last_
};

}  // namespace rtmtap
