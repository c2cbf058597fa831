#include "ClientReplay.h"

#include "Attribution.h"
#include "protocol/JsonText.h"
#include "protocol/CloseFrame.h"

#include <Poco/URI.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <thread>

namespace rtmtap {
namespace {

constexpr int kSliceMs = 50;  // how often the supervisor looks at the connection

std::string seconds(int64_t us) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.3f s", us / 1e6);
    return text;
}

RtmClientOptions withPings(RtmClientOptions o) {
    o.autoPong = true;         // answered at once, before the handler sees the ping
    o.deliverPingPong = true;  // ... and seen, so that --record holds both
    return o;
}

// The close code and reason of a close frame's payload; 1005 when it carries none.
std::pair<int, std::string> closeOf(const std::string& payload) {
    return {closeCodeOf(payload, 1005), std::string(closeReasonOf(payload))};
}

std::string pathOf(const std::string& url) {
    try {
        return Poco::URI(url).getPathAndQuery();
    } catch (const std::exception&) {
        return "";
    }
}

}  // namespace

ClientReplay::ClientReplay(int client, const ClientPlan& plan, const std::vector<Message>& recording,
                           ClientReplayOptions options)
    : client_(client), plan_(plan), recording_(recording), options_(std::move(options)), clock_(Clock::system()),
      rtm_(withPings(options_.client)), ids_(recording),
      scheduler_(clock_, options_.reactive ? Scheduler::LatePolicy::Shift : Scheduler::LatePolicy::CatchUp) {
    result_.client = client;
    result_.session = options_.tap ? options_.sessionId : 0;
    result_.planned = plan.sends.size();
}

ClientReplay::~ClientReplay() {
    cancel();
}

void ClientReplay::cancel() {
    cancelled_ = true;
    scheduler_.stop();
    changed_.notify_all();
}

int64_t ClientReplay::sinceStartUs() const {
    return clock_.monotonicUs() - startMonoUs_;
}

ClientReplayResult ClientReplay::run() {
    std::string token;
    try {
        token = wsToken();
    } catch (const RtmClientError& e) {
        result_.failure = e.what();
        return result_;
    }
    if (cancelled_ || !connect(token)) {
        return result_;
    }
    if (!options_.noTiming) {
        scheduler_.setSpeed(options_.speed);
    }
    scheduler_.rebase(startMonoUs_ + authUs_);
    for (size_t i = 0; i < plan_.sends.size(); ++i) {
        scheduler_.add(options_.noTiming ? 0 : plan_.sends[i].offsetUs, [this, i] { sendCommand(i); });
    }
    scheduler_.add(options_.noTiming ? 0 : plan_.endUs, [this] { waitAtEnd(); });
    supervise();
    finish();
    return result_;
}

std::string ClientReplay::wsToken() {
    if (!options_.token.empty()) {
        return options_.token;
    }
    const std::string bearer = rtm_.login(options_.api, options_.user, options_.password);
    return rtm_.rtmConnect(options_.api, bearer).wsToken;
}

bool ClientReplay::connect(const std::string& token) {
    startMonoUs_ = clock_.monotonicUs();
    startWallUs_ = clock_.wallUs();
    try {
        rtm_.connect(options_.url, token, [this](const Message& m) { onFrame(m); });
    } catch (const RtmClientError& e) {
        result_.failure = e.what();
        return false;
    }
    authUs_ = sinceStartUs();
    result_.connectUs = authUs_;
    result_.authUs = authUs_;
    result_.connected = true;
    std::lock_guard lock(mutex_);
    announceStart();
    Message auth;
    auth.dir = Direction::ClientToServer;
    auth.op = Opcode::Text;
    // It went before anything came back, though the answers may have been stamped first.
    auth.t_us = pending_.empty() ? authUs_ : std::min(authUs_, pending_.front().t_us);
    // What RtmClient sent; the recorder cuts the token's signature off, as the proxy's does.
    auth.payload = "{\"command\":\"ws_auth\",\"auth_token\":" + jsonString(token) + "}";
    record(std::move(auth));
    started_ = true;
    for (Message& m : pending_) {
        record(std::move(m));
    }
    pending_.clear();
    return true;
}

// Runs the scheduler on a thread of its own and watches the connection meanwhile: a server that
// goes away must end the replay at once, not at the next command.
void ClientReplay::supervise() {
    std::thread runner([this] {
        try {
            scheduler_.run();
        } catch (const std::exception& e) {
            std::lock_guard lock(mutex_);
            fail(std::string("the replay failed: ") + e.what());
        }
        std::lock_guard lock(mutex_);
        schedulerDone_ = true;
        changed_.notify_all();
    });
    std::unique_lock lock(mutex_);
    while (!schedulerDone_) {
        changed_.wait_for(lock, std::chrono::milliseconds(kSliceMs));
        if (!connectionEnded_ && rtm_.ended()) {
            connectionEnded_ = true;
            changed_.notify_all();
            lock.unlock();
            scheduler_.stop();
            lock.lock();
        }
    }
    lock.unlock();
    runner.join();
}

void ClientReplay::finish() {
    const bool serverEnded = connectionEnded_ || rtm_.ended();
    const std::string why = rtm_.endReason();
    if (serverEnded && result_.sent < result_.planned && result_.failure.empty() && !cancelled_) {
        fail("the server ended the connection after " + seconds(sinceStartUs() - authUs_) + ", with " +
             std::to_string(result_.sent) + " of " + std::to_string(result_.planned) + " commands sent: " +
             (why.empty() ? "it went away" : why));
    }
    if (serverEnded) {
        result_.ended = why.empty() ? "the server ended it" : why;
    } else {
        Message close;
        close.dir = Direction::ClientToServer;
        close.op = Opcode::Close;
        close.payload = std::string("\x03\xe8", 2);
        if (plan_.close && !cancelled_) {
            close.payload = plan_.close->payload;
            close.flags = MessageFlag::Injected;
            try {
                rtm_.send(Opcode::Close, close.payload);  // close() below then waits for the answer
            } catch (const RtmClientError&) {
                // Gone meanwhile: close() ends it.
            }
        }
        {
            std::lock_guard lock(mutex_);
            close.t_us = sinceStartUs();
            record(close);
        }
        const std::string code = std::to_string(closeOf(close.payload).first);
        result_.ended = cancelled_ ? "stopped: the replay closed it (" + code + ")" : "the replay closed it (" + code + ")";
    }
    rtm_.close();  // joins the reader: result_.frames is this thread's alone from here
    result_.durationUs = sinceStartUs();
    announceEnd();
    summarise();
}

// The figures the report shows, from the live traffic once it is over.
void ClientReplay::summarise() {
    std::vector<std::optional<size_t>> cause = attributeAnswers(result_.frames);
    for (size_t i = 0; i < cause.size(); ++i) {
        if (cause[i]) {
            result_.eventLatenciesUs.push_back(result_.frames[i].t_us - result_.frames[*cause[i]].t_us);
        }
    }
    for (const auto& [recorded, live] : ids_.pairs()) {
        if (recorded != live) {
            result_.mappedIds[recorded] = live;
        }
    }
    if (options_.compare) {
        result_.diff = options_.compare->compare(recording_, plan_.startUs, result_.frames, authUs_, ids_);
    }
}

void ClientReplay::fail(const std::string& why) {
    if (result_.failure.empty()) {
        result_.failure = why;
    }
}

void ClientReplay::sendCommand(size_t index) {
    const PlannedSend& send = plan_.sends[index];
    if (cancelled_) {
        return;
    }
    if (options_.reactive && !send.after.empty()) {
        const int64_t began = clock_.monotonicUs();
        std::string missing;
        const bool arrived = waitForEvents(send.after, missing);
        const int64_t waited = clock_.monotonicUs() - began;
        if (cancelled_ || connectionEnded_) {
            return;
        }
        if (!arrived || waited >= 1000) {
            std::lock_guard lock(mutex_);
            result_.waits.push_back({send.frame->seq, send.name, waited, !arrived, missing});
        }
    }
    const std::string payload = ids_.mapCommand(send.frame->payload);
    try {
        rtm_.send(send.frame->op, payload);
    } catch (const RtmClientError&) {
        // The server went away: the supervisor tells how and stops the rest.
        return;
    }
    std::lock_guard lock(mutex_);
    Message sent;
    sent.dir = Direction::ClientToServer;
    sent.op = send.frame->op;
    sent.flags = send.frame->flags & (MessageFlag::Edited | MessageFlag::Injected);  // a patch made it
    sent.t_us = sinceStartUs();
    sent.payload = payload;
    record(std::move(sent));
    ++result_.sent;
}

void ClientReplay::waitAtEnd() {
    std::string missing;
    if (!waitForEvents(plan_.events, missing) && !cancelled_ && !connectionEnded_) {
        std::lock_guard lock(mutex_);
        result_.endMissing = missing;
    }
}

// True when the live events reached need; false after waitMs, a cancel, or the connection's end.
bool ClientReplay::waitForEvents(const EventCounts& need, std::string& missing) {
    std::unique_lock lock(mutex_);
    const bool reached = changed_.wait_for(lock, std::chrono::milliseconds(options_.waitMs), [&] {
        return cancelled_ || connectionEnded_ || countsReached(counts_, need);
    });
    if (reached && countsReached(counts_, need)) {
        return true;
    }
    missing.clear();
    countsReached(counts_, need, &missing);
    return false;
}

// The reader thread's: every frame the server sent (ping and pong frames included).
void ClientReplay::onFrame(const Message& m) {
    Message live = m;
    live.t_us = sinceStartUs();
    if (EventCompare::compared(live)) {
        ids_.learn(live);  // before the count: a command released by this event sees its id
    }
    std::lock_guard lock(mutex_);
    if (EventCompare::compared(live)) {
        ++counts_[eventName(live)];
    }
    if (live.op == Opcode::Ping) {
        Message pong;
        pong.dir = Direction::ClientToServer;
        pong.op = Opcode::Pong;
        pong.t_us = live.t_us;
        pong.payload = live.payload;  // RtmClient answered it with this before handing it on
        keep(std::move(live));
        keep(std::move(pong));
    } else {
        keep(std::move(live));
    }
    changed_.notify_all();
}

// Caller holds mutex_. Until connect() has recorded ws_auth, frames wait in pending_.
void ClientReplay::keep(Message m) {
    if (started_) {
        record(std::move(m));
    } else {
        pending_.push_back(std::move(m));
    }
}

// Caller holds mutex_. m: dir, op, t_us and payload set.
void ClientReplay::record(Message m) {
    m.session = options_.sessionId;
    m.seq = static_cast<int64_t>(result_.frames.size()) + 1;
    m.size = m.payload.size();
    m.wall_us = startWallUs_ + m.t_us;
    m.fwd_us = m.dir == Direction::ClientToServer ? m.t_us : -1;
    if (options_.tap) {
        options_.tap->onMessage(m);
    }
    result_.frames.push_back(std::move(m));
}

// Caller holds mutex_.
void ClientReplay::announceStart() {
    if (!options_.tap) {
        return;
    }
    SessionInfo info;
    info.id = options_.sessionId;
    info.started_wall_us = startWallUs_;
    info.client = "rtmtap replay, client " + std::to_string(client_);
    info.upstream = options_.url;
    info.path = pathOf(options_.url);
    info.replay_of = options_.replayOf;
    options_.tap->onSessionStart(info);
}

void ClientReplay::announceEnd() {
    if (!options_.tap) {
        return;
    }
    SessionEnd end;
    end.id = options_.sessionId;
    end.duration_us = result_.durationUs;
    end.ended_wall_us = startWallUs_ + end.duration_us;
    end.error = result_.failure;
    end.closed_by = "server";
    end.close_code = 1006;
    for (const Message& m : result_.frames) {
        if (m.op == Opcode::Close) {
            std::tie(end.close_code, end.close_reason) = closeOf(m.payload);
            end.closed_by = m.dir == Direction::ClientToServer ? "client" : "server";
            break;
        }
    }
    options_.tap->onSessionEnd(end);
}

}  // namespace rtmtap
