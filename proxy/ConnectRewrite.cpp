#include "ConnectRewrite.h"

#include "EndpointRoutes.h"
#include "protocol/JsonStrings.h"

namespace rtmtap {

bool isRtmConnectPath(const std::string& target) {
    std::string path = target.substr(0, target.find('?'));
    const std::string name = "rtm.connect";
    if (path.size() < name.size() || path.compare(path.size() - name.size(), name.size(), name) != 0) {
        return false;
    }
    return path.size() == name.size() || path[path.size() - name.size() - 1] == '/';
}

std::optional<ConnectRewrite> rewriteRtmConnect(const std::string& body, EndpointRoutes& routes,
                                                const std::string& proxyWsUrl) {
    return rewriteRtmConnect(body, [&](const std::string& endpoint) { return routes.rewrite(endpoint, proxyWsUrl); });
}

std::optional<ConnectRewrite> rewriteRtmConnect(const std::string& body, const EndpointRoute& route) {
    JsonStringScan scan = scanJsonStrings(body);
    if (!scan.valid) {
        return std::nullopt;
    }
    const JsonStringMember* endpoint = nullptr;
    for (const JsonStringMember& member : scan.members) {
        if (member.path == "rtm.ws_endpoint") {
            endpoint = &member;  // a duplicate key: the last one wins, as in most JSON parsers
        }
    }
    if (!endpoint) {
        return std::nullopt;
    }
    std::optional<std::string> routed = route(endpoint->value);
    if (!routed) {
        return std::nullopt;
    }
    ConnectRewrite out;
    out.endpoint = endpoint->value;
    out.body = spliceJsonStrings(body, {{*endpoint, *routed}});
    return out;
}

}  // namespace rtmtap
