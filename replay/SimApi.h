#pragma once
// The simulator's HTTP API: the calls AirSend's real web client makes (protocol-notes.md, "The
// API calls the real web client makes"), answered from the simulated world. This class is the
// dispatcher: the route table of the route groups (SimSessionRoutes, SimChannelRoutes,
// SimChatRoutes, where each route is listed), CORS, rate limiting, and errors.
// Every answer is JSON with a top-level meta {ok[, error]}: an unknown path is 404, a wrong
// method 405, a refusal a route throws (SimApiCall::Failure) its status, anything else 500.
// As the real API, every answer carries the CORS headers (CorsHeaders), and an OPTIONS preflight
// of any path is answered 200 without a body: a page of another origin can use it all.
// Routes with the real RateLimitMiddleware refuse a 61st call a minute from one client IP with
// 429 {"meta":{"ok":false,"error":"Too Many Requests"}} and RetryAfter: <seconds>.
#include "SimApiRoute.h"
#include "SimChannelRoutes.h"
#include "SimChatRoutes.h"
#include "SimJwt.h"
#include "SimRateLimiter.h"
#include "SimServer.h"
#include "SimSessionRoutes.h"
#include "SimSessions.h"
#include "SimWorld.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>
#include <vector>

namespace rtmtap {

class SimApi {
public:
    // server: where chat.postmessage and system.ping deliver their events; its URL is what
    // rtm.connect hands out.
    SimApi(SimWorld& world, const SimJwt& jwt, SimServer& server);

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    const SimApiRoute* findRoute(const std::string& path) const;
    void serve(const SimApiRoute& route, SimApiCall& call);
    bool withinRateLimit(const SimApiRoute& route, SimApiCall& call);

    SimWorld& world_;
    const SimJwt& jwt_;
    SimSessions sessions_;
    SimRateLimiter limiter_;
    SimSessionRoutes sessionRoutes_;
    SimChannelRoutes channelRoutes_;
    SimChatRoutes chatRoutes_;
    std::vector<SimApiRoute> routes_;
};

}  // namespace rtmtap
