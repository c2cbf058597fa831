#include "ChannelBursts.h"

#include "protocol/TimeSpan.h"

namespace rtmtap {

std::optional<ChannelBursts::Paced> ChannelBursts::onFrame(const LintFrame& frame) {
    if (!frame.isCommand() || frame.name != command_) {
        return std::nullopt;
    }
    std::optional<int64_t> channel = frame.fields.id("channel_id");
    if (!channel) {
        return std::nullopt;
    }
    auto [it, first] = channels_.try_emplace(*channel);
    Last& last = it->second;
    const int64_t gap = spanUs(last.t_us, frame.message.t_us);
    const bool tooSoon = !first && gap < windowUs_;
    Paced paced{*channel, tooSoon && !last.inBurst ? std::optional<int64_t>(gap) : std::nullopt};
    last.t_us = frame.message.t_us;
    last.inBurst = tooSoon;
    return paced;
}

}  // namespace rtmtap
