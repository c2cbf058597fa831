#pragma once
// The WebSocket endpoints that rtm.connect answers named, as the API side of the proxy rewrote
// them: the answer's ws_endpoint becomes <proxy's ws URL>/_rtmtap/<n>/<original path and query>,
// where n numbers the original endpoint's origin (scheme, host, port) in this table. The
// WebSocket handshake strips the prefix and connects to that origin. Only origins an upstream
// answer named can be reached this way: a client cannot make the proxy connect anywhere else.
// Thread-safe; the table lives as long as the proxy (origins are few: one per RTM node).
#include "UpstreamUrl.h"

#include <cstddef>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

namespace rtmtap {

class EndpointRoutes {
public:
    static constexpr const char* kPrefix = "/_rtmtap/";
    static constexpr size_t kMaxRoutes = 1024;

    struct Target {
        size_t route = 0;
        std::string target;  // the original request target: "/ws?x", "/" when it was empty
    };

    // "ws://rtm.example:9001/ws?x" -> "<proxyWsUrl>/_rtmtap/<n>/ws?x". nullopt (leave the answer
    // alone) when endpoint is not a ws:// or wss:// URL with a host, or the table is full.
    std::optional<std::string> rewrite(const std::string& endpoint, const std::string& proxyWsUrl);

    // The origin of route n, nullopt when there is none (e.g. the proxy restarted since).
    std::optional<UpstreamUrl> find(size_t route) const;

    // Splits "/_rtmtap/3/ws?x" into {3, "/ws?x"}; nullopt when the target has no valid prefix.
    static std::optional<Target> split(const std::string& requestTarget);

private:
    mutable std::mutex mutex_;
    std::vector<UpstreamUrl> origins_;  // route n is origins_[n - 1]
};

}  // namespace rtmtap
