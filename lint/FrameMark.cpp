#include "FrameMark.h"

#include <cstdio>

namespace rtmtap {

FrameMark::FrameMark(const LintFrame& frame) : name(frame.hasName ? frame.name : std::string()) {
    const Message& m = frame.message;
    message.session = m.session;
    message.seq = m.seq;
    message.dir = m.dir;
    message.op = m.op;
    message.flags = m.flags;
    message.t_us = m.t_us;
    message.fwd_us = m.fwd_us;
    message.wall_us = m.wall_us;
    message.size = m.size;
    message.edit_of = m.edit_of;
}

std::string FrameMark::describe() const {
    std::string what = name.empty() ? toString(message.op) : "'" + name + "'";
    return "#" + std::to_string(message.seq) + " " + toString(message.dir) + " " + what;
}

}  // namespace rtmtap
