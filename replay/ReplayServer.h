#pragma once
// `rtmtap replay SOURCE`: serves a recording to clients under test. A WsServer accepts the
// handshake on any path; each client gets a ReplaySession of its own over one shared ReplayPlan.
// With expect, it serves one client (a second gets 503) and is done when that client goes; the
// client's commands are then compared with the recorded ones (ReplayResult::diff).
#include "ReplayPlan.h"
#include "ReplayResult.h"
#include "ReplaySession.h"
#include "WsServer.h"
#include "protocol/Clock.h"
#include "protocol/Tap.h"

#include <condition_variable>
#include <functional>
#include <memory>
#include <mutex>
#include <string>
#include <vector>

namespace rtmtap {

struct ReplayServerConfig {
    std::string host = "127.0.0.1";
    uint16_t port = 9002;
    ServeOptions serve;
    bool expect = false;
    int64_t replayOf = 0;      // --record: the recorded session's id in the database, 0 for a file
    std::string describe;      // "session 3 of rtmtap.db": the upstream column of recorded replays
    Tap* tap = nullptr;        // --record and the live view; not owned
    std::function<int64_t()> sessionId;  // ids for the tap (Recorder::nextSessionId)
};

class ReplayServer {
public:
    using ResultHandler = std::function<void(const ReplayResult&)>;

    // Listens at once: throws Poco::Exception when the address is taken. plan, gate and clock
    // outlive the server; gate may be null. onResult is called as each client's replay ends.
    ReplayServer(const ReplayPlan& plan, ReplayServerConfig config, StepGate* gate, ResultHandler onResult,
                 const Clock& clock = Clock::system());
    ~ReplayServer();

    void start();
    void stop();  // ends every replay (each reports); idempotent
    std::string url() const;
    uint16_t port() const;

    // True once the replay is over by itself: with expect, its one client went; or someone
    // answered q at a step. Waits up to timeoutMs for it.
    bool waitDone(int timeoutMs);
    std::vector<ReplayResult> results() const;

private:
    std::shared_ptr<WsHandler> admit(SessionInfo& info);
    void finished(ReplayResult result);
    void quit();

    const ReplayPlan& plan_;
    ReplayServerConfig config_;
    StepGate* gate_;
    ResultHandler onResult_;
    const Clock& clock_;
    std::unique_ptr<WsServer> server_;

    mutable std::mutex mutex_;
    std::condition_variable changed_;
    int clients_ = 0;
    bool done_ = false;
    std::vector<ReplayResult> results_;
};

// The recorded commands of plan as ReplayCommands, and the diff of live against them.
void compareCommands(const ReplayPlan& plan, ReplayResult& result);

}  // namespace rtmtap
