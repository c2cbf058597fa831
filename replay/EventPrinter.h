#pragma once
// How `rtmtap client` shows a frame: one readable line for people, or one JSON object a line.
#include "protocol/Message.h"

#include <string>

namespace rtmtap {

class EventPrinter {
public:
    // "15:03:07.123 < chat.postMessage channel=11010004 message=10004 user=91010006 {"meta":...}"
    // Local wall time, '<' received / '>' sent, the event or command name, the ids the classifier
    // finds, and the frame's first 100 characters (whitespace runs collapsed). Never a newline.
    static std::string line(const Message& m);
    // {"t_ms":1234,"dir":"s2c","op":"text","data":<frame>} where data is the frame itself when it
    // is valid JSON (text or binary; line breaks outside strings become spaces so the object stays
    // on one line), a JSON string for other text (invalid UTF-8 becomes U+FFFD), {"base64":"..."}
    // for other binary, and {"code":1000,"reason":"..."} for a close frame. t_ms is Message::t_us
    // in whole milliseconds.
    static std::string jsonl(const Message& m);
};

}  // namespace rtmtap
