#include "UpstreamUrl.h"
#include "HostName.h"

#include <Poco/Exception.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace rtmtap {

UpstreamUrl UpstreamUrl::parse(const std::string& url) {
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("invalid upstream URL '" + url + "': " + e.message());
    }
    UpstreamUrl out;
    if (uri.getScheme() == "wss") {
        out.tls = true;
    } else if (uri.getScheme() != "ws") {
        throw std::invalid_argument("invalid upstream URL '" + url +
                                    "': the scheme must be ws:// or wss:// (e.g. ws://rtm.example:9001)");
    }
    if (uri.getHost().empty()) {
        throw std::invalid_argument("invalid upstream URL '" + url + "': no host (e.g. ws://rtm.example:9001)");
    }
    if (!uri.getFragment().empty()) {
        throw std::invalid_argument("invalid upstream URL '" + url + "': a WebSocket URL has no #fragment");
    }
    out.host = uri.getHost();
    out.port = uri.getPort();
    if (out.port == 0) {
        throw std::invalid_argument("invalid upstream URL '" + url + "': port 0");
    }
    out.basePath = uri.getPath();
    while (!out.basePath.empty() && out.basePath.back() == '/') {
        out.basePath.pop_back();
    }
    out.baseQuery = uri.getRawQuery();
    return out;
}

std::string UpstreamUrl::targetFor(const std::string& clientTarget) const {
    std::string path = clientTarget;
    std::string query;
    auto q = clientTarget.find('?');
    if (q != std::string::npos) {
        path = clientTarget.substr(0, q);
        query = clientTarget.substr(q + 1);
    }
    if (path.empty() || path[0] != '/') {
        path = "/" + path;
    }
    std::string target = basePath + path;
    if (!basePath.empty() && path == "/") {
        target = basePath;  // ws://h/base + GET / -> /base, not /base/
    }
    std::string joined = baseQuery;
    if (!query.empty()) {
        joined += (joined.empty() ? "" : "&") + query;
    }
    return joined.empty() ? target : target + "?" + joined;
}

std::string UpstreamUrl::hostHeader() const {
    const std::string h = urlHost(host);
    return h + ":" + std::to_string(port);
}

std::string UpstreamUrl::urlFor(const std::string& clientTarget) const {
    return std::string(tls ? "wss://" : "ws://") + hostHeader() + targetFor(clientTarget);
}

}  // namespace rtmtap
