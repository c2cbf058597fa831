#include "SessionTraffic.h"

#include "store/SessionSink.h"

#include <algorithm>
#include <array>
#include <ctime>
#include <limits>
#include <utility>

namespace rtmtap::gen {

namespace {

constexpr int64_t kSecond = 1'000'000;
constexpr int64_t kServerPingUs = 25 * kSecond;  // the real server's protocol ping
constexpr int64_t kWsPingUs = 10 * kSecond;      // the real web client's ws_ping
constexpr int64_t kNever = std::numeric_limits<int64_t>::max();
constexpr int64_t kFirstMessageId = 10000;

struct Weight {
    FrameType type;
    double weight;
};

// The mix of traffic between the keep-alives (per cent, roughly). The pairs (a command and the
// event it causes) count once here and give two frames.
constexpr std::array<Weight, 22> kTraffic{{
    {FrameType::PostMessage, 52},   {FrameType::BotMessage, 0.5},    {FrameType::EditMessage, 6},
    {FrameType::DeleteMessage, 1},  {FrameType::UserTyping, 9},      {FrameType::TypingCommand, 3},
    {FrameType::ReadNotification, 4}, {FrameType::ReadStatus, 2},    {FrameType::AllRead, 0.5},
    {FrameType::AddReaction, 1.5},  {FrameType::ReactionUpdate, 1.5}, {FrameType::UserOnline, 2},
    {FrameType::UserOffline, 2},    {FrameType::ProfileUpdate, 0.3}, {FrameType::ChannelUpdate, 1.5},
    {FrameType::UserAdded, 0.3},    {FrameType::UserRemoved, 0.3},   {FrameType::Alert, 1.5},
    {FrameType::FsAdd, 0.5},        {FrameType::LockRelease, 0.05},  {FrameType::LockAcquire, 0.003},
    {FrameType::Binary, 2},
}};
constexpr double kMalformedWeight = 0.2;  // drawn apart: see drawTraffic

bool isPair(FrameType type) {
    return type == FrameType::ReadNotification || type == FrameType::AddReaction;
}

const char* kAgent = "Mozilla/5.0 (X11; Linux x86_64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0 Safari/537.36";

std::string base64url(const std::string& bytes) {
    static const char* digits = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    std::string out;
    uint32_t acc = 0;
    int bits = 0;
    for (unsigned char c : bytes) {
        acc = (acc << 8) | c;
        bits += 8;
        while (bits >= 6) {
            bits -= 6;
            out += digits[(acc >> bits) & 0x3f];
        }
    }
    if (bits > 0) {
        out += digits[(acc << (6 - bits)) & 0x3f];
    }
    return out;
}

std::string randomBytes(Rng& rng, size_t n) {
    std::string out(n, '\0');
    for (char& c : out) {
        c = static_cast<char>(rng.next() & 0xff);
    }
    return out;
}

std::string dateTime(int64_t wallUs) {
    time_t t = static_cast<time_t>(wallUs / kSecond);
    struct tm tm {};
    gmtime_r(&t, &tm);
    char text[32];
    std::strftime(text, sizeof text, "%Y-%m-%d %H:%M:%S", &tm);
    return text;
}

}  // namespace

SessionTraffic::SessionTraffic(const TrafficPools& pools, GenFacts& facts, uint64_t seed, int64_t totalFrames)
    : pools_(pools), facts_(facts), rng_(seed), totalFrames_(totalFrames), recent_(64, 0) {
    double sum = 0;
    for (const Weight& w : kTraffic) {
        sum += w.weight;
        trafficCdf_.push_back(sum);
    }
}

int64_t SessionTraffic::write(const SessionPlan& plan, SessionSink& sink) {
    plan_ = &plan;
    tUs_ = rng_.between(2'000, 40'000);  // the client sends ws_auth as soon as the socket opens
    std::fill(recent_.begin(), recent_.end(), 0);
    frames_.clear();

    const GenUser& me = pools_.user(plan.user);
    bool clientCloses = plan.frames >= 4 && (rng_.chance(0.3) || plan.clientCloses);  // the draw comes first
    int64_t closing = clientCloses ? 2 : 0;
    emit({FrameType::WsAuth, Direction::ClientToServer, Opcode::Text, RtmPayloads::wsAuth(token(me)), {}});
    emitTraffic(plan.frames - 1 - closing);
    if (clientCloses) {
        tUs_ += static_cast<int64_t>(rng_.exponential(plan.gapUs));
        emit({FrameType::Close, Direction::ClientToServer, Opcode::Close, closePayload(1000), {}});
        tUs_ += rng_.between(500, 20'000);
        emit({FrameType::Close, Direction::ServerToClient, Opcode::Close, closePayload(1000), {}});
    }

    ImportedSession session;
    SessionInfo& info = session.info;
    info.started_wall_us = plan.startWallUs;
    info.client = "10." + std::to_string(rng_.between(0, 255)) + "." + std::to_string(rng_.between(0, 255)) + "." +
                  std::to_string(rng_.between(1, 254)) + ":" + std::to_string(rng_.between(32768, 60999));
    info.upstream = "ws://127.0.0.1:9001/";
    info.path = "/";
    info.headers = {{"Host", "rtm.airsend.example"},
                    {"User-Agent", kAgent},
                    {"Origin", "https://app.airsend.example"},
                    {"Upgrade", "websocket"},
                    {"Connection", "Upgrade"},
                    {"Sec-WebSocket-Version", "13"},
                    {"Sec-WebSocket-Key", base64url(randomBytes(rng_, 16)) + "=="}};
    SessionEnd end;
    if (clientCloses) {
        end.close_code = 1000;
        end.closed_by = "client";
        end.duration_us = tUs_ + rng_.between(100, 2'000);
    } else {
        // The server never sends a close frame: it drops the socket (a missed pong, an expired
        // token), which the proxy records as 1006.
        end.close_code = 1006;
        end.closed_by = "server";
        end.error = "server dropped the connection without a close frame";
        end.duration_us = tUs_ + rng_.between(kSecond, 50 * kSecond);
    }
    end.ended_wall_us = plan.startWallUs + end.duration_us;
    session.end = end;

    int64_t id = sink.beginSession(session);
    for (Message& m : frames_) {
        sink.addFrame(std::move(m));
    }
    frames_.clear();
    return id;
}

void SessionTraffic::emitTraffic(int64_t left) {
    const SessionPlan& plan = *plan_;
    int64_t nextPing = tUs_ + rng_.between(0, kServerPingUs);
    // Most clients are the web client, which sends ws_ping every 10 s; the others rely on pings.
    int64_t nextWsPing = rng_.chance(0.85) ? tUs_ + rng_.between(0, kWsPingUs) : kNever;
    int64_t nextTraffic = tUs_ + static_cast<int64_t>(rng_.exponential(plan.gapUs));
    // No draw from rng_ for bursts unless the plan has them: the query benchmark's database
    // stays the same for a seed.
    const bool bursts = plan.burstEveryUs > 0 && plan.burstFrames > 0;
    int64_t nextBurst = bursts ? tUs_ + static_cast<int64_t>(plan.burstEveryUs) : kNever;
    while (left > 0) {
        int64_t next = std::min({nextPing, nextWsPing, nextTraffic, nextBurst});
        tUs_ = std::max(tUs_ + 1, next);
        if (next == nextBurst) {
            left -= emitBurst(left);
            nextBurst += static_cast<int64_t>(plan.burstEveryUs);
            nextTraffic = tUs_ + 1 + static_cast<int64_t>(rng_.exponential(plan.gapUs));
        } else if (next == nextPing || next == nextWsPing) {
            bool server = next == nextPing;
            (server ? nextPing : nextWsPing) += server ? kServerPingUs : kWsPingUs;
            if (left < 2) {
                continue;
            }
            emit(server ? Out{FrameType::Ping, Direction::ServerToClient, Opcode::Ping, "", {}}
                        : Out{FrameType::WsPing, Direction::ClientToServer, Opcode::Text,
                              RtmPayloads::command("ws_ping"), {}});
            tUs_ += 1'000 + static_cast<int64_t>(rng_.exponential(server ? 15'000 : 25'000));
            emit(reply(server ? FrameType::Ping : FrameType::WsPing));
            left -= 2;
        } else {
            FrameType type = drawTraffic(left >= 2);
            emit(trafficFrame(type));
            --left;
            if (isPair(type)) {
                tUs_ += 2'000 + static_cast<int64_t>(rng_.exponential(20'000));  // the backend's round trip
                emit(reply(type));
                --left;
            }
            nextTraffic = tUs_ + 1 + static_cast<int64_t>(rng_.exponential(plan.gapUs));
        }
    }
}

// Server events only (what the traffic mix draws for the client becomes a chat.postMessage),
// a mean of kBurstGapUs apart; returns the frames written.
int64_t SessionTraffic::emitBurst(int64_t left) {
    const int64_t n = std::min(left, plan_->burstFrames);
    for (int64_t i = 0; i < n; ++i) {
        if (i > 0) {
            tUs_ += 1 + static_cast<int64_t>(rng_.exponential(kBurstGapUs));
        }
        Out out = trafficFrame(drawTraffic(false));
        if (out.dir == Direction::ClientToServer) {
            out = trafficFrame(FrameType::PostMessage);
        }
        emit(std::move(out));
    }
    return n;
}

void SessionTraffic::emit(Out&& out) {
    Message m;
    m.dir = out.dir;
    m.op = out.op;
    m.t_us = tUs_;
    m.fwd_us = tUs_ + rng_.between(15, 150);
    m.wall_us = plan_->startWallUs + tUs_;
    m.size = out.payload.size();
    m.payload = std::move(out.payload);
    facts_.count(out.type, m.wall_us, m.size, out.keys);
    frames_.push_back(std::move(m));
}

FrameType SessionTraffic::drawTraffic(bool pairAllowed) {
    if (rng_.chance(kMalformedWeight / trafficCdf_.back())) {
        return FrameType::Malformed;
    }
    double x = rng_.uniform() * trafficCdf_.back();
    size_t i = static_cast<size_t>(std::upper_bound(trafficCdf_.begin(), trafficCdf_.end(), x) - trafficCdf_.begin());
    FrameType type = kTraffic[std::min(i, kTraffic.size() - 1)].type;
    return !pairAllowed && isPair(type) ? FrameType::PostMessage : type;
}

SessionTraffic::Out SessionTraffic::trafficFrame(FrameType type) {
    RtmPayloads p(plan_->startWallUs + tUs_);
    int64_t channel = pools_.sessionChannel(plan_->channels, rng_);
    const GenUser& other = pools_.drawUser(rng_);
    const GenUser& me = pools_.user(plan_->user);
    Out out{type, Direction::ServerToClient, Opcode::Text, "", {}};
    FrameKeys& keys = out.keys;
    keys.channel = channel;
    switch (type) {
    case FrameType::PostMessage: {
        const GenUser& author = rng_.chance(0.15) ? me : other;
        int64_t id = newMessageId();
        keys.user = author.id;
        keys.message = id;
        out.payload = p.message("chat.postMessage", id, author, channel, pools_.text(rng_, keys), false, nullptr);
        break;
    }
    case FrameType::BotMessage:  // its user (AirBot) is outside the pool: not counted
        keys.message = newMessageId();
        out.payload = p.botMessage(*keys.message, channel, other.id, pools_.drawUser(rng_).id);
        break;
    case FrameType::EditMessage:
    case FrameType::ReactionUpdate:
        keys.user = other.id;
        keys.message = recentMessage();
        out.payload = p.message("chat.updateMessage", *keys.message, other, channel, pools_.text(rng_, keys),
                                type == FrameType::EditMessage,
                                type == FrameType::ReactionUpdate ? &pools_.drawUser(rng_) : nullptr);
        break;
    case FrameType::DeleteMessage:
        keys.message = recentMessage();
        out.payload = p.deleteMessage(*keys.message, channel);
        break;
    case FrameType::TypingCommand:
        out.dir = Direction::ClientToServer;
        out.payload = RtmPayloads::typingCommand(me, channel);
        break;
    case FrameType::ReadNotification:
        out.dir = Direction::ClientToServer;
        keys.message = lastMessageId_ = recentMessage();
        lastChannel_ = channel;
        out.payload = RtmPayloads::readNotification(channel, *keys.message);
        break;
    case FrameType::ReadStatus:
        keys.user = other.id;
        out.payload = p.readStatus(other.id, channel, recentMessage(), 0, static_cast<int>(rng_.between(0, 40)));
        break;
    case FrameType::AllRead:
        out.dir = Direction::ClientToServer;
        out.payload = RtmPayloads::allReadNotification(channel);
        break;
    case FrameType::AddReaction:
        out.dir = Direction::ClientToServer;
        keys.channel.reset();
        keys.message = lastMessageId_ = recentMessage();
        lastChannel_ = channel;
        out.payload = RtmPayloads::addReaction(*keys.message, "U 1F44D");
        break;
    case FrameType::UserTyping:
    case FrameType::UserOnline:
    case FrameType::UserOffline:
    case FrameType::ProfileUpdate:
    case FrameType::UserAdded:
        keys.user = other.id;
        out.payload = p.userEvent(userEventName(type), other, channel, type != FrameType::UserOffline);
        break;
    case FrameType::UserRemoved:
        keys.user = other.id;
        out.payload = p.userRemoved(other.id, pools_.drawUser(rng_).id, channel);
        break;
    case FrameType::ChannelUpdate:
        out.payload = p.channelUpdate(channel, other, pools_.drawUser(rng_));
        break;
    case FrameType::Alert:
        keys.message = recentMessage();
        out.payload = p.alert(nextAlertId_++, other, *keys.message, channel);
        break;
    case FrameType::FsAdd:
        keys.user = other.id;
        out.payload = p.fsAdd(other.id, channel, nextFileNo_++);
        break;
    case FrameType::LockAcquire:
    case FrameType::LockRelease:
        keys.user = other.id;
        out.payload = p.lock(type == FrameType::LockAcquire ? "lock.acquire" : "lock.release",
                             rng_.between(1, 5000), channel, other.id);
        break;
    case FrameType::Binary:
        return binary();
    default:
        return malformed();
    }
    return out;
}

const char* SessionTraffic::userEventName(FrameType type) {
    switch (type) {
    case FrameType::UserTyping:
        return "chat.userTyping";
    case FrameType::UserOnline:
        return "user.online";
    case FrameType::UserOffline:
        return "user.offline";
    case FrameType::ProfileUpdate:
        return "user.profileUpdate";
    default:
        return "user_added.channel";
    }
}

// What answers a request: the pong to a ping, the event a command causes.
SessionTraffic::Out SessionTraffic::reply(FrameType request) {
    switch (request) {
    case FrameType::Ping:
        return {FrameType::Pong, Direction::ClientToServer, Opcode::Pong, "", {}};
    case FrameType::WsPing:
        return {FrameType::PongEvent, Direction::ServerToClient, Opcode::Text, RtmPayloads::pongEvent(), {}};
    case FrameType::ReadNotification: {
        const GenUser& me = pools_.user(plan_->user);
        Out out{FrameType::ReadStatus, Direction::ServerToClient, Opcode::Text, "", {}};
        out.keys.channel = lastChannel_;
        out.keys.user = me.id;
        out.payload = RtmPayloads(plan_->startWallUs + tUs_)
                          .readStatus(me.id, lastChannel_, lastMessageId_, 0, static_cast<int>(rng_.between(0, 40)));
        return out;
    }
    default: {  // AddReaction: the message comes back with the reaction
        const GenUser& author = pools_.drawUser(rng_);
        Out out{FrameType::ReactionUpdate, Direction::ServerToClient, Opcode::Text, "", {}};
        out.keys.channel = lastChannel_;
        out.keys.user = author.id;
        out.keys.message = lastMessageId_;
        out.payload = RtmPayloads(plan_->startWallUs + tUs_)
                          .message("chat.updateMessage", lastMessageId_, author, lastChannel_,
                                   pools_.text(rng_, out.keys), false, &pools_.user(plan_->user));
        return out;
    }
    }
}

// A message posted lately in this session (edits, reactions, reads and alerts name one), else an
// older one from anywhere.
int64_t SessionTraffic::recentMessage() {
    int64_t id = recent_[static_cast<size_t>(rng_.next() % recent_.size())];
    if (id != 0) {
        return id;
    }
    return nextMessageId_ > kFirstMessageId ? rng_.between(kFirstMessageId, nextMessageId_ - 1) : kFirstMessageId;
}

int64_t SessionTraffic::newMessageId() {
    int64_t id = nextMessageId_++;
    recent_[recentNext_++ % recent_.size()] = id;
    if (!facts_.hasTargetMessage() && facts_.frames() >= totalFrames_ / 2) {
        facts_.setTargetMessage(id);
    }
    return id;
}

// An HS256 JWT shaped like the real ws_token (protocol-notes.md); the store keeps its claims
// and drops the signature.
std::string SessionTraffic::token(const GenUser& user) {
    std::string finger(12, 'a');
    for (char& c : finger) {
        c = static_cast<char>('a' + rng_.next() % 26);
    }
    int64_t created = plan_->startWallUs / kSecond;
    std::string claims = "{\"user_id\":" + std::to_string(user.id) + ",\"user_name\":\"" + user.email +
                         "\",\"client_ip\":\"10.0." + std::to_string(rng_.between(0, 255)) + "." +
                         std::to_string(rng_.between(1, 254)) + "\",\"user_agent\":\"" + kAgent +
                         "\",\"expiry\":\"" + dateTime(plan_->startWallUs + 24 * 3600 * kSecond) +
                         "\",\"finger_print\":\"" + finger + "\",\"topic\":\"rtm\",\"created_on\":" +
                         std::to_string(created) + "}";
    return base64url(R"({"typ":"JWT","alg":"HS256"})") + "." + base64url(claims) + "." +
           base64url(randomBytes(rng_, 32));
}

// Not JSON-looking (the first byte is above 0x7f), so the store does not try to classify it.
SessionTraffic::Out SessionTraffic::binary() {
    Out out{FrameType::Binary, rng_.chance(0.5) ? Direction::ClientToServer : Direction::ServerToClient,
            Opcode::Binary, randomBytes(rng_, static_cast<size_t>(rng_.between(16, 400))), {}};
    out.payload[0] = static_cast<char>(0x80 | (out.payload[0] & 0x0f));
    return out;
}

// A chat.postMessage cut short before its text: a client or proxy bug as rtmtap must record it.
SessionTraffic::Out SessionTraffic::malformed() {
    FrameKeys ignored;
    const GenUser& author = pools_.drawUser(rng_);
    std::string whole = RtmPayloads(plan_->startWallUs + tUs_)
                            .message("chat.postMessage", recentMessage(), author, plan_->channels.front(),
                                     pools_.text(rng_, ignored), false, nullptr);
    size_t content = whole.find("\"content\"");
    whole.resize(static_cast<size_t>(rng_.between(16, static_cast<int64_t>(content))));
    return {FrameType::Malformed, rng_.chance(0.5) ? Direction::ClientToServer : Direction::ServerToClient,
            Opcode::Text, std::move(whole), {}};
}

std::string SessionTraffic::closePayload(uint16_t code) {
    return std::string{static_cast<char>(code >> 8), static_cast<char>(code & 0xff)};
}

}  // namespace rtmtap::gen
