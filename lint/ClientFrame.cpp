#include "ClientFrame.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace rtmtap {
namespace {

// POCO 1.11's parser throws on a bare top-level null, which is JSON (and a case protocol-notes
// names): told apart here so the sentence says "not an object", not "not JSON".
bool isJsonNull(const std::string& text) {
    size_t first = text.find_first_not_of(" \t\r\n");
    size_t last = text.find_last_not_of(" \t\r\n");
    return first != std::string::npos && text.compare(first, last - first + 1, "null") == 0;
}

}  // namespace

ClientFrame ClientFrame::of(const Message& m) {
    ClientFrame frame;
    if (m.dir != Direction::ClientToServer || m.op != Opcode::Text || (m.flags & MessageFlag::Oversize)) {
        return frame;
    }
    Poco::Dynamic::Var value;
    try {
        value = Poco::JSON::Parser().parse(m.payload);
    } catch (const std::exception&) {
        frame.shape = isJsonNull(m.payload) ? Shape::NotObject : Shape::NotJson;
        return frame;
    }
    if (value.type() != typeid(Poco::JSON::Object::Ptr)) {
        frame.shape = Shape::NotObject;
        return frame;
    }
    frame.shape = Shape::Object;
    auto object = value.extract<Poco::JSON::Object::Ptr>();
    Poco::Dynamic::Var command = object->get("command");
    if (command.isString()) {
        frame.hasCommand = true;
        frame.command = command.extract<std::string>();
    }
    return frame;
}

}  // namespace rtmtap
