#pragma once
// What a client's text frame says as a command, parsed once by the engine for every rule: most
// rules look at the command's name, none should parse the payload again.
#include "protocol/Message.h"

#include <string>

namespace rtmtap {

struct ClientFrame {
    enum class Shape {
        NotChecked,  // not a client text frame, or its payload was not stored whole (Oversize)
        NotJson,     // not JSON at all
        NotObject,   // JSON, but null, an array or a scalar
        Object,      // a JSON object (command below, when it has a string "command")
    };
    Shape shape = Shape::NotChecked;
    bool hasCommand = false;
    std::string command;  // the "command" member when it is a string

    static ClientFrame of(const Message& m);
};

}  // namespace rtmtap
