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


}  // namespace rtmtap
