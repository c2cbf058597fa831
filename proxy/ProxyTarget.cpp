#include "ProxyTarget.h"

#include "HostName.h"

#include <Poco/Exception.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <stdexcept>

namespace rtmtap {
namespace {

uint16_t parsePort(const std::string& text, const std::string& whole) {
    unsigned port = 0;
    if (text.empty() || text.size() > 5 || text.find_first_not_of("0123456789") != std::string::npos ||
        !Poco::NumberParser::tryParseUnsigned(text, port) || port == 0 || port > 65535) {
        throw std::invalid_argument("bad port in '" + whole + "' (1-65535)");
    }
    return static_cast<uint16_t>(port);
}

ProxyTarget parseAuthority(const std::string& text) {
    ProxyTarget out;
    out.form = ProxyTarget::Form::Authority;
    std::string host;
    std::string port;
    if (!text.empty() && text[0] == '[') {
        const size_t close = text.find(']');
        if (close == std::string::npos || close + 1 >= text.size() || text[close + 1] != ':') {
            throw std::invalid_argument("CONNECT needs host:port, got '" + text + "'");
        }
        host = text.substr(1, close - 1);
        port = text.substr(close + 2);
    } else {
        const size_t colon = text.rfind(':');
        if (colon == std::string::npos || text.find(':') != colon) {
            throw std::invalid_argument("CONNECT needs host:port, got '" + text + "'");
        }
        host = text.substr(0, colon);
        port = text.substr(colon + 1);
    }
    out.port = parsePort(port, text);
    out.host = Poco::toLower(host);
    if (!isValidHost(out.host)) {
        throw std::invalid_argument("bad host in '" + text + "'");
    }
    return out;
}

ProxyTarget parseAbsolute(const std::string& text) {
    Poco::URI uri;
    try {
        uri = Poco::URI(text);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("unparseable URI '" + text + "': " + e.message());
    }
    ProxyTarget out;
    out.form = ProxyTarget::Form::Absolute;
    const std::string scheme = uri.getScheme();
    if (scheme == "https" || scheme == "wss") {
        out.tls = true;
    } else if (scheme != "http" && scheme != "ws") {
        throw std::invalid_argument("'" + text + "': the proxy forwards http, https, ws and wss URIs");
    }
    if (!uri.getFragment().empty()) {
        throw std::invalid_argument("'" + text + "': a request target has no #fragment");
    }
    out.host = Poco::toLower(uri.getHost());
    if (!isValidHost(out.host)) {
        throw std::invalid_argument("bad host in '" + text + "'");
    }
    out.port = uri.getPort() != 0 ? uri.getPort() : (out.tls ? 443 : 80);
    out.target = uri.getPathEtc();
    if (out.target.empty() || out.target[0] != '/') {
        out.target = "/" + out.target;
    }
    return out;
}

}  // namespace

ProxyTarget ProxyTarget::parse(const std::string& method, const std::string& requestTarget) {
    if (requestTarget.empty()) {
        throw std::invalid_argument("empty request target");
    }
    if (method == "CONNECT") {
        return parseAuthority(requestTarget);
    }
    if (requestTarget[0] == '/' || requestTarget == "*") {
        ProxyTarget out;
        out.target = requestTarget;
        return out;
    }
    return parseAbsolute(requestTarget);
}

std::string ProxyTarget::authority() const {
    return urlHost(host) + ":" + std::to_string(port);
}

}  // namespace rtmtap
