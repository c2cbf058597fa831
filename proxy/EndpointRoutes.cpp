#include "EndpointRoutes.h"

#include <stdexcept>

namespace rtmtap {
namespace {

bool sameOrigin(const UpstreamUrl& a, const UpstreamUrl& b) {
    return a.tls == b.tls && a.host == b.host && a.port == b.port;
}

}  // namespace

std::optional<std::string> EndpointRoutes::rewrite(const std::string& endpoint, const std::string& proxyWsUrl) {
    // The path and query are cut out by hand, not through Poco::URI, so that they reach the
    // upstream exactly as the answer wrote them (a trailing slash, percent-escapes).
    auto schemeEnd = endpoint.find("://");
    if (schemeEnd == std::string::npos) {
        return std::nullopt;
    }
    auto authorityEnd = endpoint.find_first_of("/?#", schemeEnd + 3);
    std::string origin = endpoint.substr(0, authorityEnd);
    std::string rest = authorityEnd == std::string::npos ? "" : endpoint.substr(authorityEnd);
    if (rest.find('#') != std::string::npos) {
        return std::nullopt;  // a WebSocket URL has no fragment (browsers refuse it too)
    }
    UpstreamUrl parsed;
    try {
        parsed = UpstreamUrl::parse(origin);
    } catch (const std::invalid_argument&) {
        return std::nullopt;
    }
    size_t route = 0;
    {
        std::lock_guard<std::mutex> lock(mutex_);
        for (size_t i = 0; i < origins_.size() && route == 0; ++i) {
            if (sameOrigin(origins_[i], parsed)) {
                route = i + 1;
            }
        }
        if (route == 0) {
            if (origins_.size() >= kMaxRoutes) {
                return std::nullopt;
            }
            origins_.push_back(parsed);
            route = origins_.size();
        }
    }
    if (rest.empty() || rest[0] == '?') {
        rest = "/" + rest;
    }
    return proxyWsUrl + kPrefix + std::to_string(route) + rest;
}

std::optional<UpstreamUrl> EndpointRoutes::find(size_t route) const {
    std::lock_guard<std::mutex> lock(mutex_);
    if (route == 0 || route > origins_.size()) {
        return std::nullopt;
    }
    return origins_[route - 1];
}

std::optional<EndpointRoutes::Target> EndpointRoutes::split(const std::string& requestTarget) {
    const std::string prefix = kPrefix;
    if (requestTarget.compare(0, prefix.size(), prefix) != 0) {
        return std::nullopt;
    }
    size_t i = prefix.size();
    size_t route = 0;
    size_t digits = 0;
    while (i < requestTarget.size() && requestTarget[i] >= '0' && requestTarget[i] <= '9' && digits < 9) {
        route = route * 10 + static_cast<size_t>(requestTarget[i] - '0');
        ++i;
        ++digits;
    }
    if (digits == 0 || (i < requestTarget.size() && requestTarget[i] != '/' && requestTarget[i] != '?')) {
        return std::nullopt;
    }
    Target out;
    out.route = route;
    out.target = requestTarget.substr(i);
    if (out.target.empty() || out.target[0] == '?') {
        out.target = "/" + out.target;
    }
    return out;
}

}  // namespace rtmtap
