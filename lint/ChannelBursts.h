#pragma once
// Commands a client must space out per channel (typing at most every 2 s, reads debounced by 1 s):
// tells, for each such command, whether it opens a burst, i.e. comes within the window of the
// previous one for its channel while that one did not. A rule reports the burst once, at its
// first frame: a client that types in a loop is one finding, not one a keystroke.
#include <cstdint>
#include <optional>
#include <unordered_map>

namespace rtmtap {

class ChannelBursts {
public:
    explicit ChannelBursts(int64_t windowUs) : windowUs_(windowUs) {}

    void reset() { channels_.clear(); }
    // A command for channel at t_us: the gap since the channel's previous command when this one
    // opens a burst, else nullopt.
    std::optional<int64_t> onCommand(int64_t channel, int64_t t_us);

private:
    struct Last {
        int64_t t_us = 0;
        bool inBurst = false;
    };
    int64_t windowUs_;
    std::unordered_map<int64_t, Last> channels_;
};

}  // namespace rtmtap
