#pragma once
// The rewrite of an rtm.connect answer: rtm.ws_endpoint (and only its string value, by a byte
// splice: the real server pretty-prints, and everything else must reach the client unchanged)
// becomes the proxy's route to that endpoint (EndpointRoutes::rewrite).
#include <functional>
#include <optional>
#include <string>

namespace rtmtap {

class EndpointRoutes;

struct ConnectRewrite {
    std::string body;      // the new answer body
    std::string endpoint;  // the ws_endpoint the upstream returned
};

// True when the request path (query ignored) ends with "/rtm.connect" or is "rtm.connect".
bool isRtmConnectPath(const std::string& target);

// nullopt (pass the answer on unchanged) when body is not valid JSON, has no string
// rtm.ws_endpoint, or the endpoint is not a ws:// or wss:// URL.
std::optional<ConnectRewrite> rewriteRtmConnect(const std::string& body, EndpointRoutes& routes,
                                                const std::string& proxyWsUrl);

// The same splice with the new endpoint chosen by route (given the original; nullopt: leave the
// answer unchanged). `rtmtap replay --api-listen` points every answer at the replay.
using EndpointRoute = std::function<std::optional<std::string>(const std::string& endpoint)>;
std::optional<ConnectRewrite> rewriteRtmConnect(const std::string& body, const EndpointRoute& route);

}  // namespace rtmtap
