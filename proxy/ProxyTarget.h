#pragma once
// The request target of a request to the proxy in --mode regular (RFC 9112 section 3.2): the
// authority-form of CONNECT ("host:port"), the absolute-form a client configured with a proxy
// sends for plain http:// ("http://host[:port]/path?q"), or the origin-form inside a CONNECT
// tunnel ("/path?q"). Checked strictly: the host goes to a connect(2) and into the records.
#include <cstdint>
#include <string>

namespace rtmtap {

struct ProxyTarget {
    enum class Form { Authority, Absolute, Origin };
    Form form = Form::Origin;
    bool tls = false;     // https:// or wss:// in absolute-form
    std::string host;     // lower case, IPv6 without brackets; "" in origin-form
    uint16_t port = 0;
    std::string target;   // origin-form path and query: "/" at least; "" for CONNECT

    // Throws std::invalid_argument with a one-line reason: a CONNECT without a port, a scheme
    // other than http, https, ws or wss, a host that is not a name or an address, a fragment.
    static ProxyTarget parse(const std::string& method, const std::string& requestTarget);

    std::string authority() const;  // "host:port", "[::1]:port"
};

}  // namespace rtmtap
