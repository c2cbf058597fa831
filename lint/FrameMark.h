#pragma once
// A frame a rule remembers after the engine has moved on (the frame before a silence, the last
// frames before a drop, the start of a burst): where it was and what it was, without its payload,
// so that looking back a frame or two does not copy every payload of a recording.
#include "LintFrame.h"

#include <cstdint>
#include <string>

namespace rtmtap {

struct FrameMark {
    Message message;   // the frame's header; payload left empty
    std::string name;  // its command or event, "" when it has none

    FrameMark() = default;
    explicit FrameMark(const LintFrame& frame);

    // "#41 c2s 'ws_nonsense'", "#40 s2c ping", "#7 c2s text": what a sentence names it by.
    std::string describe() const;
};

}  // namespace rtmtap
