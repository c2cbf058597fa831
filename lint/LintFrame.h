#pragma once
// One frame as the rules see it: the message, and what its payload says, parsed once by the
// engine for every rule (no rule parses a payload again). Text frames of both directions are
// read as JSON, and binary frames that look like JSON (the real server accepts JSON in binary
// frames); control frames and payloads not stored whole (Oversize) are NotChecked.
#include "JsonFields.h"
#include "protocol/Message.h"

#include <string>

namespace rtmtap {

struct LintFrame {
    enum class Shape {
        NotChecked,  // a control frame, binary that is not JSON, or a payload not stored whole
        NotJson,     // not JSON at all
        NotObject,   // JSON, but null, an array or a scalar
        Object,      // a JSON object: fields holds its members
    };
    const Message& message;
    Shape shape = Shape::NotChecked;
    bool hasName = false;
    std::string name;  // a client's "command" / a server's "event" member, when it is a string

private:
    JsonFields own_;  // unused when the caller lends its own

public:
    const JsonFields& fields;  // valid while message lives (and the lent fields are not reused)

    explicit LintFrame(const Message& m);
    // Parses into scratch, which keeps its buffers from frame to frame (the engine's: lint reads
    // every frame of a recording, and allocating per frame was a fifth of its time).
    LintFrame(const Message& m, JsonFields& scratch);
    LintFrame(const LintFrame&) = delete;
    LintFrame& operator=(const LintFrame&) = delete;

    bool fromClient() const { return message.dir == Direction::ClientToServer; }
    bool fromServer() const { return message.dir == Direction::ServerToClient; }
    // A client's command: a client frame that is a JSON object with a string "command".
    bool isCommand() const { return fromClient() && hasName; }
    // A server's event: a server frame that is a JSON object with a string "event".
    bool isEvent() const { return fromServer() && hasName; }
    bool is(Opcode op) const { return message.op == op; }
};

}  // namespace rtmtap
