#include "FrameRows.h"

namespace rtmtap {

const char* const kFrameColumns =
    "SELECT f.session, f.seq, f.dir, f.op, f.flags, f.t_us, f.fwd_us, f.wall_us, f.size, f.kind, n.name, "
    "f.channel_id, f.message_id, f.user_id, f.payload, f.edit_of ";

Kind kindFrom(int64_t kind) {
    if (kind < 0 || kind > static_cast<int64_t>(Kind::Control)) {
        return Kind::Other;  // a value this build does not know (the file is not trusted)
    }
    return static_cast<Kind>(kind);
}

Direction directionFrom(int64_t dir) {
    return dir == 1 ? Direction::ServerToClient : Direction::ClientToServer;
}

FrameRow frameFrom(const Statement& s) {
    FrameRow row;
    Message& m = row.message;
    m.session = s.columnInt(0);
    m.seq = s.columnInt(1);
    m.dir = directionFrom(s.columnInt(2));
    m.op = static_cast<Opcode>(s.columnInt(3) & 0xf);
    m.flags = static_cast<uint32_t>(s.columnInt(4));
    m.t_us = s.columnInt(5);
    m.fwd_us = s.isNull(6) ? -1 : s.columnInt(6);
    m.wall_us = s.columnInt(7);
    m.size = static_cast<uint64_t>(s.columnInt(8));
    row.kind = toString(kindFrom(s.columnInt(9)));
    row.name = s.columnText(10);
    row.channel_id = s.columnOptInt(11);
    row.message_id = s.columnOptInt(12);
    row.user_id = s.columnOptInt(13);
    m.payload = s.columnBlob(14);
    m.edit_of = s.isNull(15) ? 0 : s.columnInt(15);
    return row;
}

}  // namespace rtmtap
