#pragma once
// One replay of a recording to one client under test (`rtmtap replay`): a WsServer handler. It
// waits for ws_auth, then sends the recorded server frames at their offsets (ReplayPlan) on a
// Scheduler of its own, holds --reactive answers until the client sends their command, asks a
// StepGate before each frame with --step, and reports what happened when the client goes.
//
// Before ws_auth the client is treated as the real server treats it (protocol-notes.md): ws_ping
// is answered with {"event":"pong"}, other known commands are ignored, anything else (invalid
// JSON, no command, an unknown or internal command) drops the connection. The same rule holds
// after ws_auth. A client that sends no ws_auth within authTimeoutMs is dropped.
#include "ReplayPlan.h"
#include "ReplayResult.h"
#include "Scheduler.h"
#include "StepGate.h"
#include "WsHandler.h"
#include "protocol/Clock.h"

#include <atomic>
#include <cstdint>
#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <thread>
#include <vector>

namespace rtmtap {

struct ServeOptions {
    double speed = 1.0;       // 0.1 to 100
    bool noTiming = false;    // every frame at once, in order
    bool loop = false;        // at the end, play the recording again (until the client goes)
    bool step = false;        // ask the StepGate before each frame
    int authTimeoutMs = 30000;
};

class ReplaySession : public WsHandler {
public:
    using Done = std::function<void(ReplayResult)>;
    using Quit = std::function<void()>;

    // plan, clock and gate outlive the session. gate may be null (no --step). done receives the
    // result once, from the connection's thread, after the client went; quit is called when the
    // user answers q at a step.
    ReplaySession(int client, const ReplayPlan& plan, const ServeOptions& options, const Clock& clock,
                  StepGate* gate, Done done, Quit quit);
    ~ReplaySession() override;

    void onOpen(WsConnection& conn) override;
    void onMessage(WsConnection& conn, const Message& message) override;
    void onClose(WsConnection& conn, const WsEnd& end) override;

private:
    void orderTimedFrames();
    void run();
    bool waitForStart();
    void scheduleRound(int64_t baseUs);
    void scheduleNext();
    void playFrame(size_t index, const Firing& firing);
    bool askGate(const PlannedFrame& f, int64_t offsetUs);
    void afterFrame();
    void startReplay();
    void onCommand(const Message& m, const CommandKey& key);
    void onPong(const Message& m);
    bool acceptable(const Message& m, std::string& why) const;
    void misbehaved(WsConnection& conn, const std::string& why);
    int64_t sinceStartUs() const;
    int64_t roundLengthUs() const;

    const int client_;
    const ReplayPlan& plan_;
    const ServeOptions options_;
    const Clock& clock_;
    StepGate* gate_;
    Done done_;
    Quit quit_;
    WsConnection* conn_ = nullptr;  // set in onOpen, valid until onClose returns

    Scheduler scheduler_;
    std::thread thread_;
    std::atomic<bool> cancelled_{false};
    bool stepping_ = false;  // the runner thread's own

    mutable std::mutex mutex_;
    std::condition_variable startedCv_;
    bool started_ = false;
    bool closed_ = false;
    int64_t openMonoUs_ = 0;
    int64_t startMonoUs_ = 0;
    int64_t clientFrames_ = 0;
    std::vector<size_t> timed_;       // plan_.frames not held for a command, in the order they go out
    size_t dropAfter_ = SIZE_MAX;     // the recorded server's drop goes after this many of timed_
    size_t nextTimed_ = 0;            // the next of timed_ to put in the scheduler (this round)
    size_t roundLeft_ = 0;            // frames of this round not yet sent, skipped or held
    int64_t roundBaseUs_ = 0;
    std::vector<bool> matched_;       // per recorded command: the client sent it (this round)
    std::vector<bool> held_;          // per planned frame: waiting for its command (this round)
    ReplayResult result_;
};

}  // namespace rtmtap
