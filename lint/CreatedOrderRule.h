#pragma once
// created-order: chat.postMessage events of one channel arriving out of their created_on order
// (created_on_ts, or created_on "YYYY-MM-DD hh:mm:ss" when there is no created_on_ts). An app that
// appends messages in arrival order shows them in the wrong order.
#include "LintRule.h"

#include <cstdint>
#include <string>
#include <unordered_map>

namespace rtmtap {

class CreatedOrderRule : public LintRule {
public:
    const RuleInfo& info() const override;
    void onSessionStart(const LintSession& session) override;
    void onFrame(const LintFrame& frame, const LintSession& session, std::vector<Finding>& out) override;

private:
    // The latest-created message delivered so far in a channel.
    struct Latest {
        int64_t createdSeconds = 0;
        std::string created;  // as the event wrote it, for the sentence
        int64_t messageId = 0;
        int64_t seq = 0;
    };

    std::unordered_map<int64_t, Latest> latest_;  // by channel id
};

}  // namespace rtmtap
