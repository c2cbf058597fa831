#pragma once
// The JSON of AirSend RTM frames as the real system sends them (shared/spec/airsend-rtm.md and
// protocol-notes.md: events carry meta.emitted_on, commands send ids as digit strings), written
// with snprintf: Poco::JSON (replay/SimEvents) costs microseconds a frame, too slow for 10
// million. Every id a frame names sits where protocol/Classifier looks for it.
#include <cstdint>
#include <string>

namespace rtmtap::gen {

struct GenUser {
    int64_t id = 0;
    std::string displayName;
    std::string email;
};

class RtmPayloads {
public:
    // Wall-clock µs since the epoch of the frame being written: emitted_on and created_on.
    explicit RtmPayloads(int64_t wallUs) : wallUs_(wallUs) {}

    static std::string wsAuth(const std::string& token);
    static std::string command(const char* name);  // {"command":"ws_ping"}
    static std::string pongEvent() { return R"({"event":"pong"})"; }
    static std::string typingCommand(const GenUser& user, int64_t channel);
    static std::string readNotification(int64_t channel, int64_t message);
    static std::string allReadNotification(int64_t channel);
    static std::string addReaction(int64_t message, const char* emoji);

    // chat.postMessage (edited = false) or chat.updateMessage; reaction adds one emoticon.
    std::string message(const char* event, int64_t id, const GenUser& author, int64_t channel,
                        const std::string& content, bool edited, const GenUser* reaction) const;
    // A bot message (message_type 5): content is an object, as in the document's example.
    std::string botMessage(int64_t id, int64_t channel, int64_t adder, int64_t added) const;
    std::string deleteMessage(int64_t message, int64_t channel) const;
    // chat.userTyping, user.online, user.offline, user.profileUpdate, user_added.channel
    std::string userEvent(const char* event, const GenUser& user, int64_t channel, bool online) const;
    std::string userRemoved(int64_t removed, int64_t by, int64_t channel) const;
    std::string channelUpdate(int64_t channel, const GenUser& creator, const GenUser& member) const;
    std::string readStatus(int64_t user, int64_t channel, int64_t watermark, int unread, int total) const;
    std::string alert(int64_t alertId, const GenUser& from, int64_t message, int64_t channel) const;
    std::string fsAdd(int64_t user, int64_t channel, int64_t fileNo) const;
    std::string lock(const char* event, int64_t lockId, int64_t channel, int64_t user) const;

private:
    std::string meta() const;         // {"api":"v1","emitted_on":S.US}
    std::string createdOn() const;    // "YYYY-MM-DD hh:mm:ss" (UTC)
    int64_t seconds() const { return wallUs_ / 1'000'000; }
    std::string userObject(const GenUser& user, bool online) const;

    int64_t wallUs_;
};

}  // namespace rtmtap::gen
