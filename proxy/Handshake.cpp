#include "Handshake.h"

#include "EndpointRoutes.h"
#include "HttpHead.h"
#include "Proxy.h"
#include "TlsTransport.h"

#include <Poco/Exception.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>

#include <set>
#include <sstream>

namespace rtmtap {
namespace {

// Headers that belong to one hop, or that the proxy must not pass on (extensions would let the
// upstream compress frames; the proxy speaks no extension).
bool isHopByHop(const std::string& name) {
    static const std::set<std::string> names = {
        "connection", "upgrade", "host", "keep-alive", "proxy-connection", "proxy-authorization",
        "proxy-authenticate", "te", "trailer", "transfer-encoding", "content-length", "sec-websocket-extensions"};
    return names.count(Poco::toLower(name)) > 0;
}

}  // namespace

Handshake::Handshake(const ProxyConfig& config, const UpstreamUrl& upstream, std::shared_ptr<TlsContext> upstreamTls,
                     InflightSockets& inflight)
    : config_(config), upstream_(upstream), hasUpstream_(!upstream.host.empty()), upstreamTls_(std::move(upstreamTls)),
      inflight_(inflight) {}

void Handshake::connectUpstream(HandshakeResult& r) {
    InflightGuard guard(inflight_, r.client->fd());
    r.client->setBlocking(true, config_.handshakeTimeoutMs);
    if (!guard.ok()) {
        fail(r, 503, "Service Unavailable", "rtmtap: the proxy is shutting down");
        return;
    }
    if (!openUpstream(r)) {
        return;
    }
    InflightGuard upstreamGuard(inflight_, r.upstream->fd());
    if (!upstreamGuard.ok()) {
        fail(r, 503, "Service Unavailable", "rtmtap: the proxy is shutting down");
        return;
    }
    exchangeWithUpstream(r, upstreamRequest(upstream_.targetFor(upstreamTarget_)));
}

bool Handshake::acceptRequest(HandshakeResult& r, const std::string& head) {
    Poco::Net::HTTPRequest request;
    try {
        std::istringstream in(head);
        request.read(in);
    } catch (const Poco::Exception& e) {
        fail(r, 400, "Bad Request", "rtmtap: malformed HTTP request: " + e.displayText());
        return false;
    }
    r.recordable = true;
    r.info.path = request.getURI();
    for (const auto& [name, value] : request) {
        r.info.headers.emplace_back(name, value);
    }
    std::string noUpstream;
    if (chooseUpstream(r.info.path, noUpstream)) {
        r.info.upstream = upstream_.urlFor(upstreamTarget_);
    }
    if (auto refusal = checkUpgradeRequest(request, "WebSocket proxy")) {
        fail(r, refusal->status, refusal->reason, refusal->line, refusal->extraHeaders);
        return false;
    }
    clientKey_ = request.get("Sec-WebSocket-Key", "");
    // Headers named in Connection are hop-by-hop too (RFC 9110 section 7.6.1).
    std::set<std::string> connectionNamed;
    Poco::StringTokenizer tokens(request.get("Connection", ""), ",",
                                 Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& t : tokens) {
        connectionNamed.insert(Poco::toLower(t));
    }
    for (const auto& [name, value] : request) {
        if (!isHopByHop(name) && !connectionNamed.count(Poco::toLower(name))) {
            forwarded_.emplace_back(name, value);
        }
    }
    if (!noUpstream.empty()) {
        fail(r, 502, "Bad Gateway", "rtmtap: " + noUpstream);
        return false;
    }
    return true;
}

bool Handshake::chooseUpstream(const std::string& clientTarget, std::string& problem) {
    upstreamTarget_ = clientTarget;
    if (!config_.routes) {
        return true;
    }
    std::optional<EndpointRoutes::Target> routed = EndpointRoutes::split(clientTarget);
    if (routed) {
        upstreamTarget_ = routed->target;
        if (hasUpstream_) {
            return true;  // --upstream wins; the client still asks for the path it was given
        }
        std::optional<UpstreamUrl> origin = config_.routes->find(routed->route);
        if (!origin) {
            problem = "no endpoint is known for route " + std::to_string(routed->route) +
                      " (the proxy restarted since rtm.connect?): call rtm.connect through the proxy again";
            return false;
        }
        upstream_ = *origin;
        return true;
    }
    if (!hasUpstream_) {
        problem = "no upstream for '" + clientTarget +
                  "': connect to the ws_endpoint that rtm.connect returned through the proxy's API, or start the "
                  "proxy with --upstream";
        return false;
    }
    return true;
}

bool Handshake::connectTcp(HandshakeResult& r, Poco::Net::StreamSocket& socket) {
    try {
        Poco::Net::SocketAddress address(upstream_.host, upstream_.port);
        socket.connect(address, Poco::Timespan(int64_t(config_.connectTimeoutMs) * 1000));
        return true;
    } catch (const Poco::TimeoutException&) {
        fail(r, 504, "Gateway Timeout",
             "rtmtap: upstream " + upstream_.hostHeader() + " did not accept the connection in time");
    } catch (const Poco::Exception& e) {
        fail(r, 502, "Bad Gateway", "rtmtap: cannot connect to upstream " + upstream_.hostHeader() + ": " + e.displayText());
    }
    return false;
}

bool Handshake::openUpstream(HandshakeResult& r) {
    Poco::Net::StreamSocket socket;
    if (connected_) {
        // Moved, not copied: a POCO socket closes with its last copy, and the relay's close must
        // be the last.
        socket = std::move(*connected_);
        connected_.reset();
    } else if (!connectTcp(r, socket)) {
        return false;
    }
    if (!upstream_.tls) {
        r.upstream = std::make_unique<Transport>(socket);
        return true;
    }
    auto tls = std::make_unique<TlsTransport>(socket, upstreamTls_);
    tls->setBlocking(true, config_.connectTimeoutMs);
    bool ok = tls->connect(upstream_.host);
    r.upstream = std::move(tls);
    if (!ok) {
        bool timedOut = r.upstream->error() == "timed out";
        fail(r, timedOut ? 504 : 502, timedOut ? "Gateway Timeout" : "Bad Gateway",
             "rtmtap: TLS handshake with upstream " + upstream_.hostHeader() + " failed: " + r.upstream->error());
        return false;
    }
    return true;
}

std::string Handshake::upstreamRequest(const std::string& target) {
    std::string req = "GET " + target + " HTTP/1.1\r\nHost: " + upstream_.hostHeader() +
                      "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    // The client's own key goes upstream, so the upstream's Sec-WebSocket-Accept is valid for the
    // client too and its 101 can be passed on unchanged.
    for (const auto& [name, value] : forwarded_) {
        req += name + ": " + value + "\r\n";
    }
    return req + "\r\n";
}

bool Handshake::exchangeWithUpstream(HandshakeResult& r, const std::string& request) {
    r.upstream->setBlocking(true, config_.handshakeTimeoutMs);
    if (!writeAll(*r.upstream, request)) {
        fail(r, 502, "Bad Gateway", "rtmtap: upstream closed the connection during the upgrade: " + r.upstream->error());
        return false;
    }
    deadlineUs_ = monotonicNowUs() + int64_t(config_.handshakeTimeoutMs) * 1000;
    HeadRead head = readHttpHead(*r.upstream, deadlineUs_, 64 * 1024);
    if (head.status == HeadRead::Timeout) {
        fail(r, 504, "Gateway Timeout", "rtmtap: upstream did not answer the upgrade in time");
        return false;
    }
    if (head.status != HeadRead::Ok) {
        fail(r, 502, "Bad Gateway", "rtmtap: upstream closed the connection without answering the upgrade");
        return false;
    }
    Poco::Net::HTTPResponse response;
    try {
        std::istringstream in(head.head);
        response.read(in);
    } catch (const Poco::Exception& e) {
        fail(r, 502, "Bad Gateway", "rtmtap: malformed upstream response: " + e.displayText());
        return false;
    }
    const int status = headStatus(head.head);
    if (status < 0) {
        fail(r, 502, "Bad Gateway", "rtmtap: malformed upstream response: its status is not three digits");
        return false;
    }
    if (status != 101) {
        // Pass the refusal on as the upstream wrote it: status, headers and (bounded) body.
        std::string body = readSome(*r.upstream, responseBodyLimit(response, 1u << 20), deadlineUs_, head.rest);
        writeAll(*r.client, head.head + body);
        r.httpStatus = status;
        r.error = "upstream refused the upgrade: " + std::to_string(status) + " " + response.getReason();
        return false;
    }
    std::string problem;
    if (Poco::icompare(response.get("Upgrade", ""), "websocket") != 0 || !hasHeaderToken(response.get("Connection", ""), "upgrade")) {
        problem = "upstream answered 101 without Upgrade: websocket";
    } else if (response.get("Sec-WebSocket-Accept", "") != computeWebSocketAccept(clientKey_)) {
        problem = "upstream sent a wrong Sec-WebSocket-Accept";
    } else if (response.has("Sec-WebSocket-Extensions")) {
        problem = "upstream negotiated an extension that was not offered: " + response.get("Sec-WebSocket-Extensions");
    }
    if (!problem.empty()) {
        fail(r, 502, "Bad Gateway", "rtmtap: " + problem);
        return false;
    }
    r.info.subprotocol = response.get("Sec-WebSocket-Protocol", "");
    if (!writeAll(*r.client, head.head)) {
        r.httpStatus = 101;
        r.error = "client went away during the upgrade";
        return false;
    }
    r.httpStatus = 101;
    r.upstreamEarly = head.rest;
    r.upgraded = true;
    return true;
}

void Handshake::fail(HandshakeResult& r, int status, const std::string& reason, const std::string& line,
                     const std::string& extraHeaders) {
    r.httpStatus = status;
    r.error = line.rfind("rtmtap: ", 0) == 0 ? line.substr(8) : line;
    writeAll(*r.client, simpleResponse(status, reason, line, extraHeaders));
}

}  // namespace rtmtap
