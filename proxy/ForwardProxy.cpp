#include "ForwardProxy.h"

#include "ConnectRewrite.h"
#include "HttpBodyReader.h"
#include "HttpHead.h"
#include "HttpsClientContext.h"
#include "Proxy.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>

#include <algorithm>
#include <iostream>
#include <sstream>

namespace rtmtap {
namespace {

// Other upgrades (h2c) are forwarded as plain requests: Upgrade is hop-by-hop, so the origin
// never sees it and answers as HTTP/1.1, which a client asking for h2c must accept.
bool isWebSocketUpgrade(const Poco::Net::HTTPRequest& request) {
    return hasHeaderToken(request.get("Upgrade", ""), "websocket");
}

// The request line's target replaced by origin-form: what the origin is asked for.
std::string withOriginForm(const std::string& head, const std::string& method, const std::string& target) {
    const size_t lineEnd = head.find("\r\n");
    const size_t versionStart = head.rfind(' ', lineEnd);
    return method + " " + target + head.substr(versionStart);
}

bool hasNoBody(const std::string& method, int status) {
    return method == "HEAD" || (status >= 100 && status < 200) || status == 204 || status == 304;
}

std::string responseHead(const std::string& method, const UpstreamAnswer& answer, bool keepAlive) {
    std::string out = "HTTP/1.1 " + std::to_string(answer.status) + " " + answer.reason + "\r\n";
    for (const auto& [name, value] : answer.headers) {
        out += name + ": " + value + "\r\n";
    }
    if (method == "HEAD") {
        out += "Content-Length: " + std::to_string(answer.contentLength) + "\r\n";
    } else if (!hasNoBody(method, answer.status)) {
        out += "Content-Length: " + std::to_string(answer.body.size()) + "\r\n";
    }
    out += keepAlive ? "Connection: keep-alive\r\n\r\n" : "Connection: close\r\n\r\n";
    return out;
}

}  // namespace

ForwardProxy::ForwardProxy(const ProxyConfig& config, std::vector<Tap*> taps, Clock& clock, UpgradePool& pool,
                           Hooks hooks)
    : config_(config), taps_(std::move(taps)), clock_(clock), pool_(pool), hooks_(std::move(hooks)),
      // Made now, so that a CA file POCO cannot use is an error at start, not on a pool thread.
      httpsContext_(httpsClientContext(config_.caFile, config_.insecure)) {
    for (const std::string& pattern : config_.intercept) {
        try {
            intercept_.emplace_back(Poco::toLower(pattern));
        } catch (const std::invalid_argument& e) {
            throw std::invalid_argument("bad --intercept pattern '" + pattern + "': " + e.what());
        }
    }
}

ForwardProxy::~ForwardProxy() {
    stop();
}

void ForwardProxy::start() {
    tunnels_.start();
}

void ForwardProxy::stop() {
    tunnels_.stop();
}

bool ForwardProxy::intercepts(const std::string& host) const {
    if (intercept_.empty()) {
        return true;
    }
    const std::string lower = Poco::toLower(host);
    for (const Glob& glob : intercept_) {
        if (glob.matches(lower)) {
            return true;
        }
    }
    return false;
}

// On the front loop, without blocking: a fresh socket's send buffer takes a short answer.
void ForwardProxy::refuse(ClientHead& head, int status, const std::string& reason, const std::string& line) {
    writeAll(*head.client, simpleResponse(status, reason, line));
    head.client->shutdownWrite();
}

void ForwardProxy::onHead(ClientHead&& head) {
    auto request = std::make_shared<Poco::Net::HTTPRequest>();
    ProxyTarget target;
    try {
        std::istringstream in(head.head);
        request->read(in);
        target = ProxyTarget::parse(request->getMethod(), request->getURI());
    } catch (const Poco::Exception& e) {
        refuse(head, 400, "Bad Request", "rtmtap: malformed HTTP request: " + e.displayText());
        return;
    } catch (const std::invalid_argument& e) {
        refuse(head, 400, "Bad Request", std::string("rtmtap: ") + e.what());
        return;
    }
    if (head.origin) {
        if (target.form == ProxyTarget::Form::Authority) {
            refuse(head, 400, "Bad Request", "rtmtap: a CONNECT inside a CONNECT tunnel");
            return;
        }
        std::shared_ptr<TunnelOrigin> origin = head.origin;
        originRequest(std::move(head), request, origin, target.target);
        return;
    }
    switch (target.form) {
        case ProxyTarget::Form::Authority: {
            auto shared = std::make_shared<ClientHead>(std::move(head));
            pool_.post([this, shared, target] { connect(*shared, target); });
            return;
        }
        case ProxyTarget::Form::Absolute: {
            auto origin = std::make_shared<TunnelOrigin>();
            origin->host = target.host;
            origin->port = target.port;
            origin->tls = target.tls;
            originRequest(std::move(head), request, origin, target.target);
            return;
        }
        case ProxyTarget::Form::Origin:
            break;
    }
    refuse(head, 400, "Bad Request",
           "rtmtap: this is an HTTP proxy (--mode regular): configure it as the client's proxy, which then sends "
           "CONNECT or absolute URIs (http://host/path)");
}

// On a pool thread: the origin is connected first, so that a closed port is a 502 now.
void ForwardProxy::connect(ClientHead& head, const ProxyTarget& target) {
    head.client->setBlocking(true, config_.handshakeTimeoutMs);
    Poco::Net::StreamSocket socket;
    try {
        socket.connect(Poco::Net::SocketAddress(target.host, target.port),
                       Poco::Timespan(int64_t(config_.connectTimeoutMs) * 1000));
    } catch (const Poco::TimeoutException&) {
        writeAll(*head.client, simpleResponse(504, "Gateway Timeout",
                                              "rtmtap: " + target.authority() + " did not accept the connection in time"));
        return;
    } catch (const Poco::Exception& e) {
        writeAll(*head.client, simpleResponse(502, "Bad Gateway",
                                              "rtmtap: cannot connect to " + target.authority() + ": " + e.displayText()));
        return;
    }
    if (!writeAll(*head.client, "HTTP/1.1 200 Connection established\r\n\r\n")) {
        return;
    }
    if (!intercepts(target.host)) {
        tunnels_.adopt(std::move(head.client), std::make_unique<Transport>(socket), std::move(head.rest),
                       std::move(head.ticket));
        return;
    }
    head.origin = std::make_shared<TunnelOrigin>();
    head.origin->host = target.host;
    head.origin->port = target.port;
    head.origin->connected = socket;
    head.head.clear();
    hooks_.resume(std::move(head), config_.interceptTls);
}

void ForwardProxy::originRequest(ClientHead&& head, std::shared_ptr<Poco::Net::HTTPRequest> request,
                                 std::shared_ptr<TunnelOrigin> origin, const std::string& target) {
    if (isWebSocketUpgrade(*request)) {
        UpstreamUrl upstream;
        upstream.tls = origin->tls;
        upstream.host = origin->host;
        upstream.port = origin->port;
        head.head = withOriginForm(head.head, request->getMethod(), target);
        head.origin = origin;  // its connection, for the upgrade to use
        hooks_.upgrade(std::move(head), upstream);
        return;
    }
    auto shared = std::make_shared<ClientHead>(std::move(head));
    pool_.post([this, shared, request, origin, target] { exchange(*shared, *request, *origin, target); });
}

// On a pool thread: one request and its answer, then the connection's next request (keep-alive).
void ForwardProxy::exchange(ClientHead& head, const Poco::Net::HTTPRequest& request, TunnelOrigin& origin,
                            const std::string& target) {
    const int64_t startMono = clock_.monotonicUs();
    Transport& client = *head.client;
    client.setBlocking(true, config_.handshakeTimeoutMs);
    if (Poco::icompare(request.get("Expect", ""), "100-continue") == 0) {
        writeAll(client, "HTTP/1.1 100 Continue\r\n\r\n");
    }
    const int64_t deadline = monotonicNowUs() + int64_t(config_.handshakeTimeoutMs) * 1000;
    BodyRead body = readRequestBody(client, request, std::move(head.rest), config_.maxHttpBody, deadline);
    switch (body.status) {
        case BodyRead::Ok:
            break;
        case BodyRead::Closed:
            return;  // the client went away: nobody to answer
        case BodyRead::TooLarge:
            writeAll(client, simpleResponse(413, "Payload Too Large", "rtmtap: " + body.error));
            return;
        case BodyRead::Timeout:
            writeAll(client, simpleResponse(408, "Request Timeout",
                                            "rtmtap: the request body did not arrive within " +
                                                std::to_string(config_.handshakeTimeoutMs) + " ms (--handshake-timeout)"));
            return;
        case BodyRead::Malformed:
            writeAll(client, simpleResponse(400, "Bad Request", "rtmtap: " + body.error));
            return;
    }
    ForwardRequest out;
    out.method = request.getMethod();
    out.target = target;
    out.headers.assign(request.begin(), request.end());
    out.body = std::move(body.body);
    out.declaresBody = request.has("Content-Length") || request.has("Transfer-Encoding");
    out.host = request.get("Host", "");
    const HttpOrigin where{origin.tls, origin.host, origin.port, ""};
    // As the API proxy: an API call may take its time (a long history page); connecting may not.
    const int timeoutMs = std::max(config_.connectTimeoutMs, 30000);
    HttpForwarder forwarder(where, origin.tls ? httpsContext_ : nullptr, config_.maxHttpBody, timeoutMs);
    std::optional<Poco::Net::StreamSocket> connected = std::move(origin.connected);
    origin.connected.reset();
    const int64_t startWall = clock_.wallUs();
    UpstreamAnswer answer = forwarder.forward(out, std::move(connected));
    const bool keepAlive = request.getKeepAlive();
    const std::string response =
        responseHead(out.method, answer, keepAlive) + (hasNoBody(out.method, answer.status) ? "" : answer.body);
    // Announced before the answer goes out, as ApiProxy does: the session an rtm.connect answer
    // leads to is announced after it.
    if (recorded(target)) {
        ApiExchange x;
        x.started_wall_us = startWall;
        x.client = head.peer;
        x.upstream = where.url();
        x.method = out.method;
        x.path = target;
        x.request_headers = std::move(out.headers);
        x.request_body = std::move(out.body);
        x.status = answer.status;
        x.response_headers = answer.headers;
        x.error = answer.error;
        if (isRtmConnectPath(target)) {
            auto same = rewriteRtmConnect(answer.body, [](const std::string& e) { return std::optional<std::string>(e); });
            x.ws_endpoint = same ? same->endpoint : "";
        }
        x.response_body = std::move(answer.body);
        x.duration_us = clock_.monotonicUs() - startMono;
        announce(x);
    }
    if (writeAll(client, response) && keepAlive) {
        head.rest = std::move(body.rest);
        head.head.clear();
        hooks_.resume(std::move(head), nullptr);
    }
}

bool ForwardProxy::recorded(const std::string& target) const {
    return config_.recordHttp || target.rfind("/api/", 0) == 0;
}

void ForwardProxy::onTlsFailed(ClientHead&& head, const std::string& error) {
    HandshakeResult r;
    r.recordable = true;
    r.info.client = head.peer;  // a client that refused the handshake may be gone already
    if (head.origin) {
        r.info.upstream = HttpOrigin{true, head.origin->host, head.origin->port, ""}.url();
    }
    // TlsTransport's error already says when the alert means the client refused rtmtap's CA.
    r.error = "TLS handshake with the client failed: " + error;
    hooks_.recordFailure(r, head.startMonoUs, head.startWallUs);
}

void ForwardProxy::announce(const ApiExchange& exchange) {
    for (Tap* tap : taps_) {
        try {
            tap->onApiExchange(exchange);
        } catch (const std::exception& e) {
            std::cerr << "rtmtap: recording an HTTP exchange failed: " << e.what() << std::endl;
        }
    }
}

}  // namespace rtmtap
