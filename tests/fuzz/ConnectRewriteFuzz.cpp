// What the API side of the proxy reads off the network besides HTTP (which POCO parses): the
// body of an rtm.connect answer, whose rtm.ws_endpoint it rewrites (proxy/ConnectRewrite) into a
// route of EndpointRoutes, and the endpoint URL itself (UpstreamUrl::parse, also --upstream).
// Input: byte 0 = 0: the rest is an rtm.connect answer body; else the rest is a URL.
#include "proxy/ConnectRewrite.h"
#include "proxy/EndpointRoutes.h"
#include "proxy/UpstreamUrl.h"
#include "tests/fuzz/FuzzCheck.h"
#include "tests/fuzz/FuzzJson.h"

#include <stdexcept>
#include <string>

using namespace rtmtap;

namespace {

const std::string kProxyWs = "ws://127.0.0.1:9001";

void answer(const std::string& body) {
    EndpointRoutes routes;
    const auto rewritten = rewriteRtmConnect(body, routes, kProxyWs);
    if (!rewritten) {
        return;  // passed on unchanged
    }
    FUZZ_CHECK(fuzz::validJson(rewritten->body, false));
    // Read back, the new body names the route, and the route leads to the endpoint's origin
    // with its path and query.
    std::string routedUrl;
    const auto again = rewriteRtmConnect(rewritten->body, [&](const std::string& endpoint) {
        routedUrl = endpoint;
        return std::optional<std::string>();
    });
    FUZZ_CHECK(!again);
    FUZZ_CHECK(routedUrl.compare(0, kProxyWs.size() + 9, kProxyWs + EndpointRoutes::kPrefix) == 0);
    const auto split = EndpointRoutes::split(routedUrl.substr(kProxyWs.size()));
    FUZZ_CHECK(split && split->route == 1);
    const auto origin = routes.find(split->route);
    FUZZ_CHECK(origin.has_value());
    // The origin (scheme and authority) is what the route leads to; the path and query go on
    // exactly as the answer wrote them (not through Poco::URI: "/b%" is passed on as it is).
    const std::string& endpoint = rewritten->endpoint;
    const size_t authorityEnd = endpoint.find_first_of("/?#", endpoint.find("://") + 3);
    const UpstreamUrl original = UpstreamUrl::parse(endpoint.substr(0, authorityEnd));  // rewrite accepted it
    FUZZ_CHECK(origin->host == original.host && origin->port == original.port && origin->tls == original.tls);
    const std::string tail = authorityEnd == std::string::npos ? "" : endpoint.substr(authorityEnd);
    FUZZ_CHECK(split->target == (tail.empty() || tail[0] == '?' ? "/" + tail : tail));
}

void url(const std::string& text) {
    UpstreamUrl parsed;
    try {
        parsed = UpstreamUrl::parse(text);
    } catch (const std::invalid_argument& e) {
        FUZZ_CHECK(std::string(e.what()).find('\n') == std::string::npos || text.find('\n') != std::string::npos);
        return;
    }
    FUZZ_CHECK(!parsed.host.empty() && parsed.port != 0);
    const std::string target = parsed.targetFor("/x?y=1");
    FUZZ_CHECK(!target.empty() && target[0] == '/');
    // The URL written into the record reads back as the same origin.
    UpstreamUrl back;
    try {
        back = UpstreamUrl::parse(parsed.urlFor("/"));
    } catch (const std::invalid_argument&) {
        return;  // a host POCO accepted but cannot write back unambiguously (e.g. '%' or '@' in it)
    }
    FUZZ_CHECK(back.port == parsed.port && back.tls == parsed.tls);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
    if (size == 0) {
        return 0;
    }
    const std::string rest(reinterpret_cast<const char*>(data + 1), size - 1);
    if (data[0] == 0) {
        answer(rest);
    } else {
        url(rest);
    }
    return 0;
}
