#include "LintFrame.h"

namespace rtmtap {
namespace {

bool looksLikeJson(const std::string& payload) {
    size_t first = payload.find_first_not_of(" \t\r\n");
    return first != std::string::npos && (payload[first] == '{' || payload[first] == '[');
}

bool isChecked(const Message& m) {
    // Not the message: its payload was not kept, or the session ended before its last fragment.
    if (m.flags & (MessageFlag::Oversize | MessageFlag::Incomplete)) {
        return false;
    }
    return m.op == Opcode::Text || (m.op == Opcode::Binary && looksLikeJson(m.payload));
}

}  // namespace

LintFrame::LintFrame(const Message& m) : LintFrame(m, own_) {}

LintFrame::LintFrame(const Message& m, JsonFields& scratch) : message(m), fields(scratch) {
    if (!isChecked(m)) {
        scratch.parse("");  // no fields left from an earlier frame
        return;
    }
    if (!scratch.parse(m.payload)) {
        shape = Shape::NotJson;
        return;
    }
    if (fields.rootType() != JsonType::Object) {
        shape = Shape::NotObject;
        return;
    }
    shape = Shape::Object;
    std::optional<std::string> value = fields.string(fromClient() ? "command" : "event");
    if (value) {
        hasName = true;
        name = std::move(*value);
    }
}

}  // namespace rtmtap
