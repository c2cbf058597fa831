#include "BigSession.h"

#include "protocol/Clock.h"
#include "replay/SimEvents.h"
#include "replay/SimJwt.h"
#include "store/TextIndex.h"

#include <array>

namespace rtmtap::test {
namespace {

const std::array<const char*, 8> kTopics = {"deploy", "lunch", "review", "invoice",
                                            "standup", "release", "bugfix", "roadmap"};
const std::array<int64_t, 4> kChannels = {11010001, 11010002, 11010003, 11010004};
constexpr int64_t kUsers = 5;  // kBigSessionUser and the four after it
constexpr int64_t kPongAfterUs = 3000;
// The conversation's pattern repeats every kTurns frames (1.28 s at the default gap), the channel
// changing each time; the client's commands come at the pace of the web client's throttles.
constexpr int kTurns = 64;

// Makes the frames turn by turn. Every name and id in them follows from the turn's number, so
// two sessions of the same length are the same.
class BigSessionMaker {
public:
    BigSessionMaker(int64_t frames, const BigSessionOptions& options)
        : frames_(frames), options_(options), session_(0, options.startWallUs), events_(SimFlavor::Doc, clock_) {}

    CraftedSession make();

private:
    int64_t written() const { return static_cast<int64_t>(session_.messages().size()); }
    CraftedSession& at(int64_t tUs) { return session_.at(static_cast<double>(tUs) / 1e6); }
    void auth();
    void pingAndPong();
    void turn();
    void postMessage();
    SimMessage lastMessage(bool edited) const;
    SimUser otherUser(int64_t index) const;  // one of the four users who are not the session's
    int64_t channel() const { return kChannels[static_cast<size_t>(turn_ / kTurns) % kChannels.size()]; }
    int64_t epochSeconds() const { return (options_.startWallUs + t_) / 1'000'000; }

    int64_t frames_;
    BigSessionOptions options_;
    CraftedSession session_;
    FakeClock clock_;  // SimEvents' doc flavour never reads it
    SimEvents events_;
    int64_t t_ = 0;
    int64_t nextPingUs_ = 0;
    int64_t pings_ = 0;
    int64_t turn_ = 0;
    int64_t messageId_ = 10000;
};

CraftedSession BigSessionMaker::make() {
    if (frames_ <= 0) {
        return session_;
    }
    auth();
    const int64_t closing = frames_ >= 3 ? 2 : 0;
    nextPingUs_ = options_.pingEveryUs;
    bool silenceDone = options_.silenceUs <= 0;
    while (written() < frames_ - closing) {
        t_ += options_.frameGapUs;
        if (!silenceDone && written() >= frames_ / 2) {
            // Nothing at all for the silence, the server's pings included (it stalled).
            t_ += options_.silenceUs;
            nextPingUs_ = t_ + options_.pingEveryUs;
            silenceDone = true;
        }
        if (t_ >= nextPingUs_ && frames_ - closing - written() >= 2) {
            pingAndPong();
        } else {
            turn();
        }
    }
    if (closing > 0) {
        t_ += options_.frameGapUs;
        at(t_).clientClose(1000, "bye");
        at(t_ + 2000).serverClose(1000, "bye");
    }
    return session_;
}

void BigSessionMaker::auth() {
    const std::string claims = R"({"user_id":)" + std::to_string(kBigSessionUser) +
                               R"(,"user_name":"User 1","client_ip":"127.0.0.1","user_agent":"rtmtap-test",)" +
                               R"("expiry":")" + SimJwt::formatTime(epochSeconds() + 86400) +
                               R"(","finger_print":"bigsession"})";
    at(0).client(wsAuthFrame(claims));
}

void BigSessionMaker::pingAndPong() {
    const std::string payload = "ping " + std::to_string(++pings_);
    at(t_).server(payload, Opcode::Ping);
    t_ += kPongAfterUs;
    at(t_).client(payload, Opcode::Pong);
    nextPingUs_ += options_.pingEveryUs;
}

void BigSessionMaker::turn() {
    const int step = static_cast<int>(turn_ % kTurns);
    const std::string ch = std::to_string(channel());
    const std::string msg = std::to_string(messageId_);
    if (step == 9 || step == 30) {
        auto payload = SimEvents::object();
        payload->set("user", SimEvents::documentUser(otherUser(turn_)));
        payload->set("channel_id", channel());
        at(t_).server(events_.frame("chat.userTyping", *payload));
    } else if (step == 10 || step == 50) {
        auto payload = SimEvents::object();
        payload->set("message", events_.updatedMessage(lastMessage(true), ""));
        at(t_).server(events_.frame("chat.updateMessage", *payload));
    } else if (step == 11) {
        at(t_).client(R"({"command":"ws_read_notification","channel_id":")" + ch + R"(","message_id":")" + msg + "\"}");
    } else if (step == 40 && (turn_ / kTurns) % 2 == 0) {
        at(t_).client(R"({"command":"ws_ephemeral_typing","channel_id":")" + ch + "\"}");
    } else if (step == 40) {
        at(t_).client(R"({"command":"ws_add_reaction","message_id":")" + msg + R"(","emoji_value":"U 1F600"})");
    } else {
        postMessage();
    }
    ++turn_;
}

void BigSessionMaker::postMessage() {
    ++messageId_;
    auto payload = SimEvents::object();
    payload->set("message", events_.postedMessage(lastMessage(false), ""));
    at(t_).server(events_.frame("chat.postMessage", *payload));
}

SimMessage BigSessionMaker::lastMessage(bool edited) const {
    SimMessage m;
    m.id = messageId_;
    m.userId = kBigSessionUser + messageId_ % kUsers;
    m.channelId = channel();
    m.displayName = "User " + std::to_string(1 + messageId_ % kUsers);
    m.text = "Message " + std::to_string(messageId_) + " about the " +
             kTopics[static_cast<size_t>(messageId_) % kTopics.size()] + (edited ? " (edited)" : "");
    m.edited = edited;
    m.createdTs = epochSeconds();
    return m;
}

SimUser BigSessionMaker::otherUser(int64_t index) const {
    const int64_t n = 2 + index % (kUsers - 1);
    SimUser u;
    u.id = kBigSessionUser + n - 1;
    u.email = "user" + std::to_string(n) + "@example.test";
    u.displayName = "User " + std::to_string(n);
    u.online = true;
    u.lastActiveTs = epochSeconds();
    return u;
}

}  // namespace

CraftedSession bigSession(int64_t frames, const BigSessionOptions& options) {
    return BigSessionMaker(frames, options).make();
}

int64_t writeBigSession(const std::string& dbPath, int64_t frames, const BigSessionOptions& options) {
    SessionInfo info;
    info.client = "127.0.0.1:50000";
    info.upstream = "ws://127.0.0.1:9001/";
    info.path = "/";
    info.headers = {{"Host", "127.0.0.1:9001"}, {"Origin", "http://127.0.0.1:8080"}, {"User-Agent", "rtmtap-test"}};
    const int64_t id = importSession(dbPath, bigSession(frames, options), info, options.label);
    if (options.indexText) {
        TextIndex::catchUp(dbPath);
    }
    return id;
}

}  // namespace rtmtap::test
