#include "FrameJson.h"

#include "protocol/Utf8.h"
#include "store/JsonObject.h"
#include "store/JsonOut.h"
#include "store/Reader.h"

namespace rtmtap::view {

std::string frameJson(const FrameRow& row) {
    const Message& m = row.message;
    JsonObject json;
    json.number("session", m.session)
        .number("seq", m.seq)
        .number("t_us", m.t_us)
        .number("fwd_us", m.fwd_us >= 0 ? std::optional<int64_t>(m.fwd_us) : std::nullopt)
        .number("wall_us", m.wall_us)
        .string("dir", toString(m.dir))
        .string("op", toString(m.op))
        .string("kind", row.kind)
        .stringOrNull("name", row.name)
        .number("channel_id", row.channel_id)
        .number("message_id", row.message_id)
        .number("user_id", row.user_id)
        .number("size", static_cast<int64_t>(m.size))
        .strings("flags", flagNames(m.flags));
    if (m.op == Opcode::Text && isValidUtf8(m.payload)) {
        json.string("data", m.payload);
    } else {
        json.raw("data", "{\"base64\":\"" + base64(m.payload) + "\"}");
    }
    return json.str();
}

}  // namespace rtmtap::view
