#pragma once
// A command a client must space out per channel (typing at most every 2 s, reads debounced by 1 s):
// picks the command's frames and their channel_id, and tells whether each opens a burst, i.e. comes
// within the window of the previous one for its channel while that one did not. A rule reports the
// burst once, at its first frame: a client that types in a loop is one finding, not one a keystroke.
#include "LintFrame.h"

#include <cstdint>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>

namespace rtmtap {

class ChannelBursts {
public:
    struct Paced {
        int64_t channel = 0;
        std::optional<int64_t> burstGap;  // the gap since the channel's previous command, when this opens a burst
    };

    ChannelBursts(std::string command, int64_t windowUs) : command_(std::move(command)), windowUs_(windowUs) {}

    void reset() { channels_.clear(); }
    // nullopt unless frame is the command with a channel_id (the payload rules report one without).
    std::optional<Paced> onFrame(const LintFrame& frame);

private:
    struct Last {
        int64_t t_us = 0;
        bool inBurst = false;
    };
    std::string command_;
    int64_t windowUs_;
    std::unordered_map<int64_t, Last> channels_;
};

}  // namespace rtmtap
