#include "IdMap.h"

#include "protocol/Classifier.h"
#include "protocol/JsonScanner.h"

#include <algorithm>

namespace rtmtap {
namespace {

constexpr std::string_view kMessageId = "message_id";

bool isMessageIdKey(std::string_view text, const JsonString& key) {
    std::string_view raw = text.substr(key.offset, key.length);
    return key.escaped ? unescapeJson(raw) == kMessageId : raw == kMessageId;
}

// The id a value spells, as a JSON integer or a string of digits ("10004", as commands send ids).
std::optional<int64_t> idValue(std::string_view value, bool& quoted) {
    quoted = value.size() >= 2 && value.front() == '"';
    if (quoted) {
        value = value.substr(1, value.size() - 2);
    }
    int64_t id = 0;
    if (!parseJsonInt64(value, id)) {
        return std::nullopt;
    }
    return id;
}

}  // namespace

std::optional<PostedMessage> postedMessage(const Message& frame) {
    if (frame.dir != Direction::ServerToClient || (frame.op != Opcode::Text && frame.op != Opcode::Binary)) {
        return std::nullopt;
    }
    Classification c = classify(frame.payload);
    if (c.kind != Kind::Event || c.name != "chat.postMessage" || !c.channel_id || !c.message_id) {
        return std::nullopt;
    }
    return PostedMessage{*c.channel_id, *c.message_id};
}

IdMap::IdMap(const std::vector<Message>& recordedFrames) {
    for (const Message& m : recordedFrames) {
        if (std::optional<PostedMessage> posted = postedMessage(m)) {
            addRecorded(posted->channel, posted->id);
        }
    }
}

// Caller holds mutex_.
void IdMap::pairLocked(Channel& channel, size_t index) {
    if (index < channel.recorded.size() && index < channel.live.size()) {
        // The first pairing of a recorded id wins: a recording that posted the same id twice
        // (a server that reuses ids) keeps the earlier partner.
        recordedToLive_.emplace(channel.recorded[index], channel.live[index]);
    }
}

void IdMap::addRecorded(int64_t channel, int64_t messageId) {
    std::lock_guard lock(mutex_);
    Channel& c = channels_[channel];
    c.recorded.push_back(messageId);
    pairLocked(c, c.recorded.size() - 1);
}

void IdMap::addLive(int64_t channel, int64_t messageId) {
    std::lock_guard lock(mutex_);
    Channel& c = channels_[channel];
    c.live.push_back(messageId);
    pairLocked(c, c.live.size() - 1);
}

void IdMap::learn(const Message& liveFrame) {
    if (std::optional<PostedMessage> posted = postedMessage(liveFrame)) {
        addLive(posted->channel, posted->id);
    }
}

std::optional<int64_t> IdMap::live(int64_t recorded) const {
    std::lock_guard lock(mutex_);
    auto it = recordedToLive_.find(recorded);
    if (it == recordedToLive_.end()) {
        return std::nullopt;
    }
    return it->second;
}

std::map<int64_t, int64_t> IdMap::pairs() const {
    std::lock_guard lock(mutex_);
    return recordedToLive_;
}

std::string IdMap::mapCommand(const std::string& payload) const {
    JsonMembers top = jsonMembers(payload);
    if (!top.object) {
        return payload;
    }
    std::string out = payload;
    // Back to front, so the offsets of the members not yet spliced stay valid.
    for (auto it = top.members.rbegin(); it != top.members.rend(); ++it) {
        if (!isMessageIdKey(payload, it->key)) {
            continue;
        }
        bool quoted = false;
        std::optional<int64_t> recorded = idValue(std::string_view(payload).substr(it->valueOffset, it->valueLength), quoted);
        std::optional<int64_t> mapped = recorded ? live(*recorded) : std::nullopt;
        if (!mapped || *mapped == *recorded) {
            continue;
        }
        const std::string digits = std::to_string(*mapped);
        out.replace(it->valueOffset, it->valueLength, quoted ? "\"" + digits + "\"" : digits);
    }
    return out;
}

}  // namespace rtmtap
