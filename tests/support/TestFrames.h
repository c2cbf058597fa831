#pragma once
// Recorded frames made by hand for the replay's tests: one session's frames with their times.
#include "protocol/Message.h"

#include <cstdint>
#include <string>

namespace rtmtap::test {

inline Message frame(int64_t seq, Direction dir, int64_t tMs, const std::string& payload, Opcode op = Opcode::Text) {
    Message m;
    m.seq = seq;
    m.dir = dir;
    m.op = op;
    m.t_us = tMs * 1000;
    m.payload = payload;
    m.size = payload.size();
    return m;
}

inline Message frame(Direction dir, int64_t tMs, const std::string& payload, Opcode op = Opcode::Text) {
    return frame(0, dir, tMs, payload, op);
}

}  // namespace rtmtap::test
