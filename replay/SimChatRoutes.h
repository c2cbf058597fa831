#pragma once
// The API routes that make the world act (SimApi dispatches them), with a bearer:
//   POST chat.postmessage  channel_id, text -> message_id; the chat.postMessage event goes to
//        every member, the sender included; 401 not a member or no such channel, 400 no text
//   POST system.ping       finger_print, ping_token[, last_latency] -> only meta; the event
//        system.ping {ping_token} goes to the sender's WebSocket connection of that finger print
#include "SimApiRoute.h"
#include "SimServer.h"
#include "SimSessions.h"
#include "SimWorld.h"

#include <vector>

namespace rtmtap {

class SimChatRoutes {
public:
    SimChatRoutes(SimWorld& world, SimServer& server, SimSessions& sessions)
        : world_(world), server_(server), sessions_(sessions) {}

    std::vector<SimApiRoute> routes();

private:
    void postMessage(SimApiCall& call);
    void ping(SimApiCall& call);

    SimWorld& world_;
    SimServer& server_;
    SimSessions& sessions_;
};

}  // namespace rtmtap
