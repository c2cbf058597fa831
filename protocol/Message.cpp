#include "Message.h"

namespace rtmtap {

const char* toString(Direction dir) {
    return dir == Direction::ClientToServer ? "c2s" : "s2c";
}

const char* toString(Opcode op) {
    switch (op) {
        case Opcode::Continuation: return "continuation";
        case Opcode::Text: return "text";
        case Opcode::Binary: return "binary";
        case Opcode::Close: return "close";
        case Opcode::Ping: return "ping";
        case Opcode::Pong: return "pong";
    }
    return "unknown";
}

bool parseDirection(const std::string& text, Direction& out) {
    if (text == "c2s") {
        out = Direction::ClientToServer;
        return true;
    }
    if (text == "s2c") {
        out = Direction::ServerToClient;
        return true;
    }
    return false;
}

bool parseOpcode(const std::string& text, Opcode& out) {
    for (Opcode op : {Opcode::Text, Opcode::Binary, Opcode::Close, Opcode::Ping, Opcode::Pong}) {
        if (text == toString(op)) {
            out = op;
            return true;
        }
    }
    return false;
}

bool isControl(Opcode op) {
    return (static_cast<uint8_t>(op) & 0x8) != 0;
}

}  // namespace rtmtap
