#include "ReplaySession.h"

#include "EventPrinter.h"
#include "WsConnection.h"
#include "protocol/Catalogue.h"
#include "protocol/Classifier.h"

#include <algorithm>
#include <cstdio>

namespace rtmtap {
namespace {

std::string seconds(int64_t us) {
    char text[32];
    std::snprintf(text, sizeof(text), "%.3f s", us / 1e6);
    return text;
}

std::string closeText(const WsEnd& end) {
    std::string out = "(" + std::to_string(end.code);
    return out + (end.reason.empty() ? "" : " " + end.reason) + ")";
}

}  // namespace

ReplaySession::ReplaySession(int client, const ReplayPlan& plan, const ServeOptions& options, const Clock& clock,
                             StepGate* gate, Done done, Quit quit)
    : client_(client), plan_(plan), options_(options), clock_(clock), gate_(gate), done_(std::move(done)),
      quit_(std::move(quit)), scheduler_(clock, Scheduler::LatePolicy::CatchUp) {
    result_.client = client;
    result_.planned = plan.frames.size();
    stepping_ = options.step && gate;
    orderTimedFrames();
}

// The frames that keep their own time, in the order the scheduler runs them (offset order,
// recorded order for equal offsets: with --no-timing all offsets are equal), and where the
// recorded server's drop falls among them: after the frames of its offset (after all of them with
// --no-timing; never with --loop).
void ReplaySession::orderTimedFrames() {
    for (size_t i = 0; i < plan_.frames.size(); ++i) {
        if (!plan_.frames[i].heldFor) {
            timed_.push_back(i);
        }
    }
    if (options_.noTiming) {
        dropAfter_ = plan_.dropAtUs && !options_.loop ? timed_.size() : SIZE_MAX;
        return;
    }
    auto offset = [this](size_t i) { return plan_.frames[i].offsetUs; };
    std::stable_sort(timed_.begin(), timed_.end(), [&](size_t a, size_t b) { return offset(a) < offset(b); });
    if (plan_.dropAtUs && !options_.loop) {
        auto before = [&](int64_t at, size_t i) { return at < offset(i); };
        dropAfter_ = static_cast<size_t>(std::upper_bound(timed_.begin(), timed_.end(), *plan_.dropAtUs, before) -
                                         timed_.begin());
    }
}

ReplaySession::~ReplaySession() {
    cancelled_ = true;
    scheduler_.stop();
    startedCv_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
}

void ReplaySession::onOpen(WsConnection& conn) {
    std::lock_guard lock(mutex_);
    conn_ = &conn;
    openMonoUs_ = clock_.monotonicUs();
    result_.peer = conn.peer();
    result_.session = conn.info().id;
    thread_ = std::thread([this] { run(); });
}

void ReplaySession::run() {
    if (!waitForStart()) {
        return;
    }
    scheduler_.setMoreMayCome(true);
    try {
        scheduler_.run();
    } catch (const std::exception& e) {
        std::lock_guard lock(mutex_);
        result_.ended = std::string("replay failed: ") + e.what();
        result_.clean = false;
        conn_->drop();
    }
}

bool ReplaySession::waitForStart() {
    std::unique_lock lock(mutex_);
    startedCv_.wait_for(lock, std::chrono::milliseconds(options_.authTimeoutMs),
                        [this] { return started_ || closed_ || cancelled_.load(); });
    if (started_ || closed_ || cancelled_) {
        return started_ && !closed_ && !cancelled_;
    }
    result_.ended = "the client sent no ws_auth within " + seconds(options_.authTimeoutMs * 1000LL) + ": dropped";
    result_.clean = false;
    conn_->drop();
    return false;
}

int64_t ReplaySession::sinceStartUs() const {
    return clock_.monotonicUs() - startMonoUs_;
}

int64_t ReplaySession::roundLengthUs() const {
    if (options_.noTiming) {
        return 0;
    }
    int64_t length = 1000;  // a recording of one instant still takes a millisecond a round
    for (const PlannedFrame& f : plan_.frames) {
        length = std::max(length, f.offsetUs + (f.heldFor ? f.delayUs : 0));
    }
    return length;
}

// Caller holds mutex_.
void ReplaySession::scheduleRound(int64_t baseUs) {
    ++result_.rounds;
    for (size_t i = 0; i < held_.size(); ++i) {
        if (held_[i]) {
            const PlannedFrame& f = plan_.frames[i];
            result_.neverReleased.push_back({f.frame->seq, f.name, plan_.commands[*f.heldFor].key.describe()});
        }
    }
    roundBaseUs_ = baseUs;
    matched_.assign(plan_.commands.size(), false);
    held_.assign(plan_.frames.size(), false);
    for (size_t i = 0; i < plan_.frames.size(); ++i) {
        held_[i] = plan_.frames[i].heldFor.has_value();
    }
    roundLeft_ = timed_.size();
    nextTimed_ = 0;
    scheduleNext();
}

// Caller holds mutex_. The round's frames go into the scheduler one at a time, each when the one
// before it runs: all of them at ws_auth (2,000 allocations and insertions a client) held up the
// start of every other client's replay (bench/replay.sh, 100 clients). The recorded server's drop
// takes its place among them.
void ReplaySession::scheduleNext() {
    if (nextTimed_ == dropAfter_) {
        const int64_t offset = options_.noTiming ? roundBaseUs_ : roundBaseUs_ + *plan_.dropAtUs;
        scheduler_.add(offset, [this] { conn_->drop(); });
    }
    if (nextTimed_ < timed_.size()) {
        const size_t i = timed_[nextTimed_++];
        const int64_t offset = options_.noTiming ? roundBaseUs_ : roundBaseUs_ + plan_.frames[i].offsetUs;
        scheduler_.add(offset, [this, i](const Firing& firing) {
            playFrame(i, firing);
            afterFrame();
        });
    }
}

void ReplaySession::afterFrame() {
    std::lock_guard lock(mutex_);
    scheduleNext();
    if (roundLeft_ > 0 && --roundLeft_ == 0 && options_.loop && !closed_) {
        scheduleRound(roundBaseUs_ + roundLengthUs());
    }
}

bool ReplaySession::askGate(const PlannedFrame& f, int64_t offsetUs) {
    Message shown = *f.frame;
    shown.t_us = offsetUs;
    StepGate::Answer answer = gate_->ask("#" + std::to_string(f.frame->seq) + " " + EventPrinter::line(shown), cancelled_);
    switch (answer) {
    case StepGate::Answer::Next:
        return true;
    case StepGate::Answer::Continue:
        stepping_ = false;
        // The rest keeps its recorded spacing from this frame, which goes now.
        scheduler_.rebase(clock_.monotonicUs() - static_cast<int64_t>(offsetUs / scheduler_.speed()));
        return true;
    case StepGate::Answer::Skip: {
        std::lock_guard lock(mutex_);
        ++result_.skipped;
        return false;
    }
    case StepGate::Answer::Quit:
        conn_->close(1001, "replay ended at a step");
        if (quit_) {
            quit_();
        }
        return false;
    case StepGate::Answer::Cancelled:
        return false;
    }
    return false;
}

void ReplaySession::playFrame(size_t index, const Firing& firing) {
    const PlannedFrame& f = plan_.frames[index];
    if (cancelled_) {
        return;
    }
    if (stepping_ && !askGate(f, firing.offsetUs)) {
        return;
    }
    // A ping is noted before it goes: the client's pong may arrive before send() returns.
    if (f.frame->op == Opcode::Ping) {
        std::lock_guard lock(mutex_);
        result_.pings.push_back({f.frame->seq, sinceStartUs(), std::nullopt});
    }
    // A frame a patch (or a filter of the recorded session) made is recorded as such.
    const bool sent = conn_->send(f.frame->op, f.frame->payload, f.frame->flags & (MessageFlag::Edited | MessageFlag::Injected));
    std::lock_guard lock(mutex_);
    if (sent) {
        ++result_.sent;
    } else if (f.frame->op == Opcode::Ping) {
        result_.pings.pop_back();
    }
}

// Caller holds mutex_.
void ReplaySession::startReplay() {
    started_ = true;
    result_.started = true;
    startMonoUs_ = clock_.monotonicUs();
    if (!options_.noTiming) {
        scheduler_.setSpeed(options_.speed);
    }
    scheduler_.rebase(startMonoUs_);
    scheduleRound(0);
    startedCv_.notify_all();
}

// Caller holds mutex_. Releases the frames that answered the first recorded command with this
// key not yet matched in this round, each after its recorded delay (scaled by --speed).
void ReplaySession::onCommand(const Message& m, const CommandKey& key) {
    result_.commands.push_back({key, started_ ? sinceStartUs() : -(clock_.monotonicUs() - openMonoUs_), m.seq});
    if (!started_) {
        return;
    }
    for (size_t j = 0; j < plan_.commands.size(); ++j) {
        if (matched_[j] || plan_.commands[j].key != key) {
            continue;
        }
        matched_[j] = true;
        const int64_t now = options_.noTiming ? roundBaseUs_ : scheduler_.positionUs();
        for (size_t i = 0; i < plan_.frames.size(); ++i) {
            const PlannedFrame& f = plan_.frames[i];
            if (held_[i] && f.heldFor == j) {
                held_[i] = false;
                const int64_t at = options_.noTiming ? now : now + f.delayUs;
                scheduler_.add(at, [this, i](const Firing& firing) { playFrame(i, firing); });
            }
        }
        return;
    }
}

void ReplaySession::onPong(const Message&) {
    std::lock_guard lock(mutex_);
    for (ReplayPing& ping : result_.pings) {
        if (!ping.pongAfterUs) {
            ping.pongAfterUs = sinceStartUs() - ping.sentUs;
            return;
        }
    }
}

bool ReplaySession::acceptable(const Message& m, std::string& why) const {
    Classification c = classify(m.payload);
    if (c.malformed) {
        why = "invalid JSON";
    } else if (c.kind != Kind::Command) {
        why = "a frame without a command";
    } else if (const CatalogueEntry* entry = findCatalogueEntry(c.name, Direction::ClientToServer); !entry) {
        why = "the unknown command '" + c.name + "'";
    } else if (entry->flavour == Flavour::Internal) {
        why = "the server-internal command '" + c.name + "'";
    } else {
        return true;
    }
    return false;
}

void ReplaySession::misbehaved(WsConnection& conn, const std::string& why) {
    {
        std::lock_guard lock(mutex_);
        if (result_.ended.empty()) {
            const int64_t at = started_ ? sinceStartUs() : clock_.monotonicUs() - openMonoUs_;
            result_.ended = "the client sent " + why + (started_ ? " at " : " before ws_auth, at ") + seconds(at) +
                            ": dropped, as the real server does";
            result_.clean = false;
        }
    }
    conn.drop();
}

void ReplaySession::onMessage(WsConnection& conn, const Message& m) {
    if (m.op == Opcode::Pong) {
        onPong(m);
        return;
    }
    if (m.op != Opcode::Text && m.op != Opcode::Binary) {
        return;  // pings and closes: the server answers them itself
    }
    std::string why;
    if (!acceptable(m, why)) {
        misbehaved(conn, why);
        return;
    }
    std::optional<CommandKey> key = commandKey(m);
    std::lock_guard lock(mutex_);
    if (!started_ && key->name == "ws_ping") {
        conn.sendText(R"({"event":"pong"})");
    }
    if (!started_ && key->name == "ws_auth") {
        startReplay();
    }
    onCommand(m, *key);
}

void ReplaySession::onClose(WsConnection&, const WsEnd& end) {
    {
        std::lock_guard lock(mutex_);
        closed_ = true;
        result_.durationUs = clock_.monotonicUs() - openMonoUs_;
        if (result_.ended.empty()) {
            switch (end.kind) {
            case WsEnd::Kind::PeerClosed: result_.ended = "the client closed it " + closeText(end); break;
            case WsEnd::Kind::Dropped: result_.ended = "the client dropped the connection (no close frame)"; break;
            case WsEnd::Kind::ServerClosed: result_.ended = "the replay closed it " + closeText(end); break;
            case WsEnd::Kind::ServerDropped:
                result_.ended = !end.error.empty() ? "the replay dropped it: " + end.error
                                : plan_.dropAtUs                  ? "the replay dropped it, as the recorded server did"
                                                                  : "the replay stopped";
                result_.clean = end.error.empty();
                break;
            case WsEnd::Kind::ProtocolError:
            case WsEnd::Kind::TooBig:
                result_.ended = "the client broke the protocol: " + end.error;
                result_.clean = false;
                break;
            }
        }
    }
    cancelled_ = true;
    if (gate_) {
        gate_->wake();
    }
    scheduler_.stop();
    startedCv_.notify_all();
    if (thread_.joinable()) {
        thread_.join();
    }
    std::lock_guard lock(mutex_);
    for (size_t i = 0; i < held_.size(); ++i) {
        if (held_[i]) {
            const PlannedFrame& f = plan_.frames[i];
            result_.neverReleased.push_back({f.frame->seq, f.name, plan_.commands[*f.heldFor].key.describe()});
        }
    }
    held_.assign(held_.size(), false);
    SchedulerStats stats = scheduler_.stats();
    result_.latenessP50Us = stats.p50Us;
    result_.latenessP99Us = stats.p99Us;
    result_.latenessMaxUs = stats.maxUs;
    if (done_) {
        done_(result_);
    }
}

}  // namespace rtmtap
