#pragma once
// typing-throttle: ws_ephemeral_typing for one channel again within 2 s. The document asks for it
// to be throttled; the web client sends at most one per channel per 2-3 s.
#include "ChannelBursts.h"
#include "LintRule.h"

namespace rtmtap {

class TypingThrottleRule : public LintRule {
public:
    static constexpr int64_t kWindowUs = 2'000'000;

    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    ChannelBursts bursts_{"ws_ephemeral_typing", kWindowUs};
};

}  // namespace rtmtap
