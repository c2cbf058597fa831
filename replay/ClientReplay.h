#pragma once
// One client of `rtmtap replay SOURCE --to URL`: plays the recorded client side against a live
// server.
//
// How it works:
//  1. Log in when asked (RtmClient::login + rtmConnect through --api; the ws_token it gets is
//     sent, the ws_endpoint is not used: --to says where to go), or take --token as it is.
//  2. Connect to --to and send a fresh ws_auth first (the recorded token has its signature cut
//     off). That instant is the replay's start; TCP connect to here is the connect latency.
//  3. A Scheduler of its own sends the recorded commands (ClientPlan) at their recorded offsets
//     from ws_auth, scaled by speed, or back to back with noTiming. The live server's protocol
//     pings are answered at once (RtmClient's automatic pong).
//     With reactive, a command whose preceding server events (by name and count since ws_auth,
//     control frames not counted) have not all arrived waits for them, at most waitMs, and says
//     so in the result (CommandWait); the commands after it keep their recorded spacing from it
//     (the scheduler's Shift policy).
//  4. Before a command goes, message ids the server assigned anew are mapped (IdMap: recorded
//     and live chat.postMessage events paired in order, per channel).
//  5. After the last command, at the recording's end offset, it waits (at most waitMs) for the
//     recorded events that have not arrived yet, then closes (1000, or as
//     ClientPlan::close says: a rule's close). A server that ends the
//     connection before every command went out makes the replay fail; after that, it is an end.
//  6. At the end: each answer's latency after the command it answered (attributeAnswers over the
//     live traffic) and, with expect, the events received against the recorded ones
//     (EventCompare).
// With a tap (--record) the live traffic is announced as a session of its own: SessionInfo with
// replay_of, every frame sent and received, SessionEnd.
#include "ClientPlan.h"
#include "ClientReplayResult.h"
#include "EventCompare.h"
#include "IdMap.h"
#include "RtmClient.h"
#include "Scheduler.h"
#include "protocol/Clock.h"
#include "protocol/Tap.h"

#include <atomic>
#include <condition_variable>
#include <mutex>
#include <string>
#include <vector>

namespace rtmtap {

struct ClientReplayOptions {
    std::string url;                  // ws:// or wss:// of the server
    std::string token;                // the ws_token to send; "" to log in with api, user, password
    std::string api, user, password;
    double speed = 1.0;               // 0.1 to 100
    bool noTiming = false;            // every command at once, in order
    bool reactive = false;
    int waitMs = 5000;                // the longest wait for server events (--reactive-timeout)
    RtmClientOptions client;          // timeouts, TLS
    const EventCompare* compare = nullptr;  // --expect: compare the events with it
    Tap* tap = nullptr;               // --record; not owned
    int64_t sessionId = 0;            // the tap's session id
    int64_t replayOf = 0;             // SessionInfo::replay_of
};

class ClientReplay {
public:
    // plan and recording (the frames the plan points into) outlive the replay.
    ClientReplay(int client, const ClientPlan& plan, const std::vector<Message>& recording, ClientReplayOptions options);
    ~ClientReplay();
    ClientReplay(const ClientReplay&) = delete;
    ClientReplay& operator=(const ClientReplay&) = delete;

    // Logs in, connects, plays the plan and closes; blocks until done. Once only.
    ClientReplayResult run();
    // From any thread: ends run() soon (the connection is closed as at the end).
    void cancel();

private:
    std::string wsToken();
    bool connect(const std::string& token);
    void supervise();
    void finish();
    void summarise();
    void sendCommand(size_t index);
    void waitAtEnd();
    bool waitForEvents(const EventCounts& need, std::string& missing);
    void onFrame(const Message& m);
    void keep(Message m);
    void record(Message m);
    void announceStart();
    void announceEnd();
    void fail(const std::string& why);
    int64_t sinceStartUs() const;

    const int client_;
    const ClientPlan& plan_;
    const std::vector<Message>& recording_;
    const ClientReplayOptions options_;
    const Clock& clock_;
    RtmClient rtm_;
    IdMap ids_;
    Scheduler scheduler_;

    std::atomic<bool> cancelled_{false};
    mutable std::mutex mutex_;
    std::condition_variable changed_;
    bool started_ = false;       // ws_auth is sent: frames go to frames_, not pending_
    std::atomic<bool> connectionEnded_{false};
    bool schedulerDone_ = false;
    int64_t startMonoUs_ = 0;    // TCP connect began
    int64_t startWallUs_ = 0;
    int64_t authUs_ = 0;         // ws_auth sent, since startMonoUs_
    std::vector<Message> pending_;  // frames delivered while connect() was still returning
    EventCounts counts_;            // live server events by name
    ClientReplayResult result_;
};

}  // namespace rtmtap
