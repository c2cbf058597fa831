#pragma once
// read-debounce: ws_read_notification for one channel within 1 s of the previous one (warn), or
// for a message id not above the highest already read in that channel (info: the web client
// sends a read at once, whatever the id, when a message is opened directly).
#include "ChannelBursts.h"
#include "LintRule.h"

#include <unordered_map>

namespace rtmtap {

class ReadDebounceRule : public LintRule {
public:
    static constexpr int64_t kWindowUs = 1'000'000;

    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    // The info finding when id is not above what the channel has read; records id.
    void checkHigher(const LintFrame& frame, int64_t channel, int64_t id, bool reported, std::vector<Finding>& out);

    ChannelBursts bursts_{"ws_read_notification", kWindowUs};
    std::unordered_map<int64_t, int64_t> highestRead_;  // channel -> message id
};

}  // namespace rtmtap
