#pragma once
// Message ids that a server assigns anew when a recording is re-sent to it (`rtmtap replay --to`):
// the recorded conversation reacts to message 10004, but the live server numbered that message
// 10017. The recorded chat.postMessage events and the live ones are paired in order, per channel
// (the n-th message posted in a channel in the recording is the n-th posted there live), and a
// recorded id is then replaced by its live partner in the commands sent and in the events compared.
//
// Thread-safe: the reader thread learns live ids while the sender maps commands.
#include "protocol/Message.h"

#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

class IdMap {
public:
    IdMap() = default;
    // Learns the recorded chat.postMessage events of a session (its frames in recorded order).
    explicit IdMap(const std::vector<Message>& recordedFrames);

    void addRecorded(int64_t channel, int64_t messageId);
    void addLive(int64_t channel, int64_t messageId);
    // A live server frame: a chat.postMessage event pairs its id with the recorded one at the same
    // place in its channel. Other frames are ignored.
    void learn(const Message& liveFrame);

    // The live id of a recorded message id, nullopt while none is paired with it.
    std::optional<int64_t> live(int64_t recorded) const;
    // Every pair, recorded id -> live id (identical ids included).
    std::map<int64_t, int64_t> pairs() const;

    // A recorded command with its top-level message_id (a number or a string of digits) replaced
    // by the live id when it names a paired recorded id. Only those bytes change: the rest of the
    // frame, key order and spacing included, stays as recorded. Anything else is returned as it is.
    std::string mapCommand(const std::string& payload) const;

private:
    struct Channel {
        std::vector<int64_t> recorded, live;
    };
    void pairLocked(Channel& channel, size_t index);

    mutable std::mutex mutex_;
    std::map<int64_t, Channel> channels_;
    std::map<int64_t, int64_t> recordedToLive_;
};

// The message id a chat.postMessage event posts, with its channel; nullopt for any other frame.
struct PostedMessage {
    int64_t channel = 0;
    int64_t id = 0;
};
std::optional<PostedMessage> postedMessage(const Message& frame);

}  // namespace rtmtap
