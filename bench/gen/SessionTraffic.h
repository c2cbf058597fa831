#pragma once
// One recorded session as a real AirSend web client sees it: ws_auth first, then s2c events at
// the session's own pace (chat.postMessage about half of them), the client's commands, a
// protocol ping from the server every 25 s answered by a pong, the web client's ws_ping every
// 10 s answered by {"event":"pong"}, some binary frames, a few truncated JSON frames, and for
// some sessions a closing handshake. Frames go to a SessionSink: through store/SessionImporter
// each is classified, interned and redacted exactly as the recorder does.
// A plan may add bursts: every burstEveryUs, burstFrames server events close together (a backlog
// pushed after a reconnect, a bot posting a batch), the case a replay's timing must survive.
#include "GenFacts.h"
#include "Rng.h"
#include "TrafficPools.h"
#include "protocol/Message.h"

#include <cstdint>
#include <string>
#include <vector>

namespace rtmtap {
class SessionSink;
}

namespace rtmtap::gen {

struct SessionPlan {
    int64_t frames = 0;         // exactly this many
    int64_t startWallUs = 0;
    double gapUs = 0;           // mean time between two frames of traffic
    int64_t user = 0;           // the authenticated user
    std::vector<int64_t> channels;  // the session's channels, busiest first
    bool big = false;
    double burstEveryUs = 0;    // 0: no bursts
    int64_t burstFrames = 0;    // server events in each burst, a mean of kBurstGapUs apart
    bool clientCloses = false;  // true: it ends with the client's close (else 30% of sessions do)
};

class SessionTraffic {
public:
    // totalFrames: of the whole run; half way through it the message whose frames the facts
    // count is chosen.
    SessionTraffic(const TrafficPools& pools, GenFacts& facts, uint64_t seed, int64_t totalFrames);

    static constexpr double kBurstGapUs = 150;

    // Writes one session into sink (SessionImporter: the database); returns its id.
    int64_t write(const SessionPlan& plan, SessionSink& sink);

private:
    struct Out {
        FrameType type;
        Direction dir;
        Opcode op = Opcode::Text;
        std::string payload;
        FrameKeys keys;
    };

    void emit(Out&& out);
    void emitTraffic(int64_t left);
    int64_t emitBurst(int64_t left);
    Out trafficFrame(FrameType type);
    Out reply(FrameType request);
    FrameType drawTraffic(bool pairAllowed);
    int64_t recentMessage();
    int64_t newMessageId();
    std::string token(const GenUser& user);
    Out binary();
    Out malformed();
    static std::string closePayload(uint16_t code);
    static const char* userEventName(FrameType type);

    const TrafficPools& pools_;
    GenFacts& facts_;
    Rng rng_;
    int64_t totalFrames_;
    int64_t nextMessageId_ = 10000;
    int64_t nextAlertId_ = 1;
    int64_t nextFileNo_ = 1;
    std::vector<double> trafficCdf_;

    // The session being written.
    const SessionPlan* plan_ = nullptr;
    int64_t tUs_ = 0;
    int64_t lastMessageId_ = 0;   // for the pair ws_add_reaction -> chat.updateMessage
    int64_t lastChannel_ = 0;     // for the pair ws_read_notification -> channel.updateReadStatus
    std::vector<int64_t> recent_;  // ids of messages posted lately, a ring
    size_t recentNext_ = 0;
    std::vector<Message> frames_;  // the session's frames: its end is known only after the last
};

}  // namespace rtmtap::gen
