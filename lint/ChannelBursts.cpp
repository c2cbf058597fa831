#include "ChannelBursts.h"

namespace rtmtap {

std::optional<int64_t> ChannelBursts::onCommand(int64_t channel, int64_t t_us) {
    auto [it, first] = channels_.try_emplace(channel);
    Last& last = it->second;
    const int64_t gap = t_us - last.t_us;
    const bool tooSoon = !first && gap < windowUs_;
    const bool opens = tooSoon && !last.inBurst;
    last.t_us = t_us;
    last.inBurst = tooSoon;
    return opens ? std::optional<int64_t>(gap) : std::nullopt;
}

}  // namespace rtmtap
