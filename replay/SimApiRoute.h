#pragma once
// One route of the simulator's HTTP API: what SimApi dispatches, and what each route group
// (SimSessionRoutes, SimChannelRoutes, SimChatRoutes) hands it.
#include "SimApiCall.h"

#include <functional>
#include <string>
#include <vector>

namespace rtmtap {

struct SimApiRoute {
    std::string path;                  // "/api/v1/user.login"
    std::vector<std::string> methods;  // the first is the one a 405 names
    bool rateLimited = false;          // the real route has RateLimitMiddleware (60 calls a minute)
    std::function<void(SimApiCall&)> serve;
};

}  // namespace rtmtap
