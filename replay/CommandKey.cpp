#include "CommandKey.h"

#include "protocol/Classifier.h"

#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>

namespace rtmtap {
namespace {

// emoji_value as a string whatever its JSON type ("U 1F600" in the document); nullopt when absent.
std::optional<std::string> emojiOf(const std::string& payload) {
    try {
        Poco::Dynamic::Var json = Poco::JSON::Parser().parse(payload);
        const auto obj = json.extract<Poco::JSON::Object::Ptr>();
        if (!obj || !obj->has("emoji_value")) {
            return std::nullopt;
        }
        return obj->get("emoji_value").toString();
    } catch (const std::exception&) {
        return std::nullopt;
    }
}

}  // namespace

bool CommandKey::operator==(const CommandKey& other) const {
    return name == other.name && channel == other.channel && message == other.message && emoji == other.emoji;
}

std::string CommandKey::describe() const {
    std::string out = name;
    if (channel) {
        out += " channel_id=" + std::to_string(*channel);
    }
    if (message) {
        out += " message_id=" + std::to_string(*message);
    }
    if (emoji) {
        out += " emoji_value=" + *emoji;
    }
    return out;
}

std::optional<CommandKey> commandKey(const Message& frame) {
    if (frame.dir != Direction::ClientToServer || (frame.op != Opcode::Text && frame.op != Opcode::Binary)) {
        return std::nullopt;
    }
    Classification c = classify(frame.payload);
    if (c.kind != Kind::Command) {
        return std::nullopt;
    }
    CommandKey key;
    key.name = c.name;
    key.channel = c.channel_id;
    key.message = c.message_id;
    if (frame.payload.find("\"emoji_value\"") != std::string::npos) {
        key.emoji = emojiOf(frame.payload);
    }
    return key;
}

}  // namespace rtmtap
