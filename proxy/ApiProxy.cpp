#include "ApiProxy.h"
#include "HostName.h"

#include "HttpsClientContext.h"

#include "ConnectRewrite.h"
#include "EndpointRoutes.h"
#include "HttpForwarder.h"
#include "HttpHead.h"
#include "HttpService.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>

#include <iostream>
#include <stdexcept>

namespace rtmtap {
namespace {

HttpForwarder makeForwarder(const ApiProxyConfig& config) {
    HttpOrigin origin = HttpOrigin::parse(config.upstream, "--api-upstream");
    Poco::Net::Context::Ptr tls = origin.tls ? httpsClientContext(config.caFile, config.insecure) : nullptr;
    return HttpForwarder(std::move(origin), tls, config.maxBody, config.timeoutMs, "API upstream");
}

}  // namespace

class ApiProxy::Impl {
public:
    Impl(ApiProxyConfig config, std::vector<Tap*> taps, Clock& clock)
        : config_(std::move(config)), taps_(std::move(taps)), clock_(clock),
          forwarder_(makeForwarder(config_)) {
        if (config_.threads < 1) {
            throw std::invalid_argument("the API proxy needs at least one thread");
        }
    }

    void start();
    void stop();
    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

    ApiProxyConfig config_;
    std::vector<Tap*> taps_;
    Clock& clock_;
    HttpForwarder forwarder_;
    std::unique_ptr<HttpService> server_;

private:
    UpstreamAnswer forward(Poco::Net::HTTPServerRequest& request, const std::string& body);
    void rewrite(Poco::Net::HTTPServerRequest& request, UpstreamAnswer& answer, ApiExchange& exchange);
    std::string wsUrlFor(const Poco::Net::HTTPServerRequest& request) const;
    void announce(const ApiExchange& exchange);
};

void ApiProxy::Impl::start() {
    HttpServiceConfig http;
    http.host = config_.listenHost;
    http.port = config_.listenPort;
    http.threads = config_.threads;
    http.maxQueued = 256;
    http.backlog = 256;
    http.idleTimeoutMs = config_.timeoutMs;
    try {
        server_ = std::make_unique<HttpService>(http, [this](auto& request, auto& response) { handle(request, response); });
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + config_.listenHost + ":" + std::to_string(config_.listenPort) +
                                 ": " + e.displayText() + " (pick another --api-listen address or port)");
    }
    server_->start();
}

void ApiProxy::Impl::stop() {
    if (server_) {
        server_->stop();
    }
}

void ApiProxy::Impl::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const int64_t startMono = clock_.monotonicUs();
    ApiExchange exchange;
    exchange.started_wall_us = clock_.wallUs();
    exchange.client = request.clientAddress().toString();
    exchange.upstream = forwarder_.origin().url();
    exchange.method = request.getMethod();
    exchange.path = request.getURI();
    for (const auto& [name, value] : request) {
        exchange.request_headers.emplace_back(name, value);
    }
    UpstreamAnswer answer;
    std::string body;
    if (requestHasBody(request) && !readBoundedStream(request.stream(), config_.maxBody, body)) {
        answer = UpstreamAnswer::ownError(413, "Payload Too Large",
                          "rtmtap: request body above " + std::to_string(config_.maxBody) + " bytes");
        body.resize(config_.maxBody);  // the record keeps what fits
        response.setKeepAlive(false);  // the rest of the body is still on the wire
    } else {
        answer = forward(request, body);
    }
    exchange.request_body = std::move(body);
    if (answer.error.empty() && isRtmConnectPath(request.getURI())) {
        rewrite(request, answer, exchange);
    }
    exchange.status = answer.status;
    exchange.response_headers = answer.headers;
    exchange.response_body = answer.body;
    exchange.error = answer.error;
    exchange.duration_us = clock_.monotonicUs() - startMono;
    // Before the answer goes out: the WebSocket session it leads to is announced after it.
    announce(exchange);
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(answer.status), answer.reason);
    // POCO has already set its own Date: the upstream's, like any header it sent, replaces it.
    for (const auto& header : answer.headers) {
        response.erase(header.first);
    }
    for (const auto& [name, value] : answer.headers) {
        response.add(name, value);
    }
    try {
        if (request.getMethod() == Poco::Net::HTTPRequest::HTTP_HEAD) {
            // No body, but the length the upstream announced for a GET.
            response.setContentLength64(answer.contentLength);
            response.send();
        } else {
            response.sendBuffer(answer.body.data(), answer.body.size());
        }
    } catch (const Poco::Exception&) {
        // The client went away; the exchange is recorded all the same.
    }
}

UpstreamAnswer ApiProxy::Impl::forward(Poco::Net::HTTPServerRequest& request, const std::string& body) {
    ForwardRequest out;
    out.method = request.getMethod();
    out.target = request.getURI();
    out.headers.assign(request.begin(), request.end());
    out.body = body;
    out.declaresBody = request.hasContentLength() || request.getChunkedTransferEncoding();
    return forwarder_.forward(out);
}

void ApiProxy::Impl::rewrite(Poco::Net::HTTPServerRequest& request, UpstreamAnswer& answer, ApiExchange& exchange) {
    if (!config_.routes) {
        return;
    }
    std::optional<ConnectRewrite> rewritten = rewriteRtmConnect(answer.body, *config_.routes, wsUrlFor(request));
    if (rewritten) {
        answer.body = std::move(rewritten->body);
        exchange.ws_endpoint = rewritten->endpoint;
    }
}

std::string ApiProxy::Impl::wsUrlFor(const Poco::Net::HTTPServerRequest& request) const {
    const std::string& url = config_.wsUrl;
    auto hostStart = url.find("://");
    if (hostStart == std::string::npos) {
        return url;
    }
    hostStart += 3;
    for (const char* wildcard : {"0.0.0.0:", "[::]:"}) {
        if (url.compare(hostStart, std::string(wildcard).size(), wildcard) == 0) {
            // The host the client reached the API by is the one it can reach the proxy by.
            std::string host = request.getHost();
            auto colon = host.rfind(':');
            if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
                host = host.substr(0, colon);
            }
            if (host.empty()) {
                return url;
            }
            return url.substr(0, hostStart) + host + url.substr(hostStart + std::string(wildcard).size() - 1);
        }
    }
    return url;
}

void ApiProxy::Impl::announce(const ApiExchange& exchange) {
    for (Tap* tap : taps_) {
        try {
            tap->onApiExchange(exchange);
        } catch (const std::exception& e) {
            std::cerr << "rtmtap: recording an API call failed: " << e.what() << std::endl;
        }
    }
}

ApiProxy::ApiProxy(ApiProxyConfig config, std::vector<Tap*> taps, Clock& clock)
    : impl_(std::make_unique<Impl>(std::move(config), std::move(taps), clock)) {}

ApiProxy::~ApiProxy() {
    stop();
}

void ApiProxy::start() {
    impl_->start();
}

uint16_t ApiProxy::port() const {
    return (impl_->server_ ? impl_->server_->port() : 0);
}

std::string ApiProxy::listenUrl() const {
    const std::string& host = impl_->config_.listenHost;
    const std::string h = urlHost(host);
    return "http://" + h + ":" + std::to_string((impl_->server_ ? impl_->server_->port() : 0));
}

void ApiProxy::stop() {
    impl_->stop();
}

}  // namespace rtmtap
