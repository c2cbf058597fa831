#include "SimApi.h"

#include "CorsHeaders.h"

#include <Poco/URI.h>

#include <algorithm>

namespace rtmtap {
namespace {

std::string pathOf(const std::string& uri) {
    try {
        return Poco::URI(uri).getPath();
    } catch (const std::exception&) {
        return uri;
    }
}

}  // namespace

SimApi::SimApi(SimWorld& world, const SimJwt& jwt, SimServer& server)
    : world_(world),
      jwt_(jwt),
      sessionRoutes_(world, jwt, sessions_, server.url()),
      channelRoutes_(world),
      chatRoutes_(world, server, sessions_) {
    for (auto group : {sessionRoutes_.routes(), channelRoutes_.routes(), chatRoutes_.routes()}) {
        routes_.insert(routes_.end(), group.begin(), group.end());
    }
}

const SimApiRoute* SimApi::findRoute(const std::string& path) const {
    auto it = std::find_if(routes_.begin(), routes_.end(), [&](const SimApiRoute& r) { return r.path == path; });
    return it == routes_.end() ? nullptr : &*it;
}

void SimApi::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    SimApiCall call(request, response, world_, jwt_, sessions_);
    try {
        const std::string path = pathOf(request.getURI());
        const SimApiRoute* route = findRoute(path);
        const CorsHeaders cors(route ? route->methods : CorsHeaders::unknownRouteMethods());
        cors.apply(request, response);  // on every answer, errors included
        const std::string& method = request.getMethod();
        if (CorsHeaders::isPreflight(request)) {
            cors.answerPreflight(request, response);
        } else if (!route) {
            call.replyError(404, "Unknown API method " + path + " (the simulator serves what AirSend's web client calls)");
        } else if (std::find(route->methods.begin(), route->methods.end(), method) == route->methods.end()) {
            call.replyError(405, "Method not allowed (use " + route->methods.front() + ")");
        } else if (withinRateLimit(*route, call)) {
            serve(*route, call);
        }
    } catch (const std::exception& e) {
        if (!response.sent()) {
            call.replyError(500, std::string("Internal error: ") + e.what());
        }
    }
}

void SimApi::serve(const SimApiRoute& route, SimApiCall& call) {
    try {
        route.serve(call);
    } catch (const SimApiCall::Failure& failure) {
        if (!call.response().sent()) {
            call.replyError(failure.status, failure.what(), failure.field);
        }
    }
}

// The real RateLimitMiddleware's key is method, route and client IP, and its headers go on every
// answer of a limited route; RetryAfter only on a refusal.
bool SimApi::withinRateLimit(const SimApiRoute& route, SimApiCall& call) {
    if (!route.rateLimited) {
        return true;
    }
    const std::string key = call.request().getMethod() + "|" + route.path + "|" + call.clientIp();
    const SimRateLimiter::Hit hit = limiter_.hit(key, call.now());
    auto& response = call.response();
    response.set("X-RateLimit-Max", std::to_string(hit.maxHits));
    response.set("X-RateLimit-Hits", std::to_string(hit.hits));
    response.set("X-RateLimit-Remaining", std::to_string(std::max<int64_t>(0, hit.maxHits - hit.hits)));
    response.set("X-RateLimit-ResetAt", std::to_string(hit.resetAt));
    response.set("X-RateLimit-ResetAfter", std::to_string(hit.retryAfter));
    if (!hit.limited) {
        return true;
    }
    response.set("RetryAfter", std::to_string(hit.retryAfter));
    call.replyError(429, "Too Many Requests");
    return false;
}

}  // namespace rtmtap
