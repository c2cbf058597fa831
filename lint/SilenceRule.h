#pragma once
// silence: no frame in either direction for longer than the server's ping interval (25 s) plus a
// grace, between two frames, from the session's start to its first frame, or from its last frame
// to its end. The server's keepalive pings make that impossible on a healthy connection.
#include "FrameMark.h"
#include "LintRule.h"

#include <optional>

namespace rtmtap {

class SilenceRule : public LintRule {
public:
    // The server pings every 25 s (airsend-rtm.md) on one timer for all sockets, and a healthy
    // client pongs at once. 5 s of grace covers a late tick of a busy server and network
    // jitter; a longer silence is a connection whose pings no longer pass.
    static constexpr int64_t kPingIntervalUs = 25'000'000;
    static constexpr int64_t kSilenceUs = 30'000'000;

    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;
    void onSessionEnd(const LintSessionEnd& end, const LintSession& session, std::vector<Finding>& out) override;

private:
    std::optional<FrameMark> last_;
};

}  // namespace rtmtap
