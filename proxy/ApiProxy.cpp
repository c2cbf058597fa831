#include "ApiProxy.h"

#include "HttpsClientContext.h"

#include "ConnectRewrite.h"
#include "EndpointRoutes.h"
#include "HttpHead.h"

#include <Poco/Exception.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPRequestHandler.h>
#include <Poco/Net/HTTPRequestHandlerFactory.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/Net/HTTPServer.h>
#include <Poco/Net/HTTPServerParams.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/Net/NetException.h>
#include <Poco/Net/RejectCertificateHandler.h>
#include <Poco/Net/SSLManager.h>
#include <Poco/Net/ServerSocket.h>
#include <Poco/Net/SocketAddress.h>
#include <Poco/String.h>
#include <Poco/StringTokenizer.h>
#include <Poco/ThreadPool.h>
#include <Poco/URI.h>

#include <csignal>
#include <fstream>
#include <iostream>
#include <mutex>
#include <set>
#include <stdexcept>

namespace rtmtap {
namespace {

struct HttpUpstream {
    bool tls = false;
    std::string host;
    uint16_t port = 0;
    std::string basePath;  // "" or "/base"

    std::string url() const {
        std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
        return std::string(tls ? "https://" : "http://") + h + ":" + std::to_string(port) + basePath;
    }
};

HttpUpstream parseUpstream(const std::string& url) {
    const std::string example = " (e.g. http://127.0.0.1:8080)";
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        throw std::invalid_argument("invalid --api-upstream '" + url + "': " + e.message() + example);
    }
    HttpUpstream out;
    if (uri.getScheme() == "https") {
        out.tls = true;
    } else if (uri.getScheme() != "http") {
        throw std::invalid_argument("invalid --api-upstream '" + url + "': the scheme must be http:// or https://" +
                                    example);
    }
    if (uri.getHost().empty() || uri.getPort() == 0) {
        throw std::invalid_argument("invalid --api-upstream '" + url + "': no host or port 0" + example);
    }
    if (!uri.getRawQuery().empty() || !uri.getFragment().empty()) {
        throw std::invalid_argument("invalid --api-upstream '" + url + "': a base URL has no ?query or #fragment");
    }
    out.host = uri.getHost();
    out.port = uri.getPort();
    out.basePath = uri.getPath();
    while (!out.basePath.empty() && out.basePath.back() == '/') {
        out.basePath.pop_back();
    }
    return out;
}

// Headers of one hop, not passed on in either direction (RFC 9110 section 7.6.1), plus
// Content-Length (set for the body actually sent) and Host (the upstream's own). Accept-Encoding
// is dropped too: a compressed answer could be neither rewritten nor recorded readably; Expect
// as well: POCO's server has already answered 100 Continue and the whole body is sent at once.
bool isHopByHop(const std::string& name, const std::set<std::string>& connectionNamed) {
    static const std::set<std::string> names = {"connection", "keep-alive", "proxy-connection", "proxy-authorization",
                                                "proxy-authenticate", "te", "trailer", "transfer-encoding", "upgrade",
                                                "content-length", "host", "accept-encoding", "expect"};
    std::string lower = Poco::toLower(name);
    return names.count(lower) > 0 || connectionNamed.count(lower) > 0;
}

std::set<std::string> connectionNamed(const Poco::Net::HTTPMessage& message) {
    std::set<std::string> out;
    Poco::StringTokenizer tokens(message.get("Connection", ""), ",",
                                 Poco::StringTokenizer::TOK_TRIM | Poco::StringTokenizer::TOK_IGNORE_EMPTY);
    for (const auto& t : tokens) {
        out.insert(Poco::toLower(t));
    }
    return out;
}

// Reads the whole stream into out; false when it holds more than limit bytes.
bool readBounded(std::istream& in, size_t limit, std::string& out) {
    char buffer[16384];
    while (in) {
        in.read(buffer, sizeof buffer);
        out.append(buffer, static_cast<size_t>(in.gcount()));
        if (out.size() > limit) {
            return false;
        }
    }
    return true;
}


// What the client gets: the upstream's answer, or rtmtap's own one-line error.
struct Answer {
    int status = 0;
    std::string reason;
    HeaderList headers;
    std::string body;
    std::string error;  // set for rtmtap's own errors
    int64_t contentLength = 0;  // for HEAD: the upstream's Content-Length
};

Answer ownError(int status, const std::string& reason, const std::string& line) {
    Answer a;
    a.status = status;
    a.reason = reason;
    a.headers = {{"Content-Type", "text/plain; charset=utf-8"}};
    a.body = line + "\n";
    a.error = line.rfind("rtmtap: ", 0) == 0 ? line.substr(8) : line;
    return a;
}

}  // namespace

class ApiProxy::Impl {
public:
    Impl(ApiProxyConfig config, std::vector<Tap*> taps, Clock& clock)
        : config_(std::move(config)), taps_(std::move(taps)), clock_(clock), upstream_(parseUpstream(config_.upstream)) {
        if (upstream_.tls) {
            context_ = httpsClientContext(config_.caFile, config_.insecure);
        }
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
    HttpUpstream upstream_;
    Poco::Net::Context::Ptr context_;
    std::unique_ptr<Poco::ThreadPool> pool_;  // declared before server_: outlives it
    std::unique_ptr<Poco::Net::HTTPServer> server_;
    uint16_t port_ = 0;
    std::mutex stopMutex_;

    class Handler : public Poco::Net::HTTPRequestHandler {
    public:
        explicit Handler(Impl& owner) : owner_(owner) {}
        void handleRequest(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) override {
            owner_.handle(request, response);
        }

    private:
        Impl& owner_;
    };

    class Factory : public Poco::Net::HTTPRequestHandlerFactory {
    public:
        explicit Factory(Impl& owner) : owner_(owner) {}
        Poco::Net::HTTPRequestHandler* createRequestHandler(const Poco::Net::HTTPServerRequest&) override {
            return new Handler(owner_);
        }

    private:
        Impl& owner_;
    };

private:
    Answer forward(Poco::Net::HTTPServerRequest& request, const std::string& body);
    void rewrite(Poco::Net::HTTPServerRequest& request, Answer& answer, ApiExchange& exchange);
    std::string wsUrlFor(const Poco::Net::HTTPServerRequest& request) const;
    void announce(const ApiExchange& exchange);
};

void ApiProxy::Impl::start() {
    std::signal(SIGPIPE, SIG_IGN);  // a client that went away must be an error, not a signal
    Poco::Net::ServerSocket socket;
    try {
        socket.bind(Poco::Net::SocketAddress(config_.listenHost, config_.listenPort), true, false);  // no SO_REUSEPORT
        socket.listen(256);
    } catch (const Poco::Exception& e) {
        throw std::runtime_error("cannot listen on " + config_.listenHost + ":" + std::to_string(config_.listenPort) +
                                 ": " + e.displayText() + " (pick another --api-listen address or port)");
    }
    port_ = socket.address().port();
    pool_ = std::make_unique<Poco::ThreadPool>(1, config_.threads);
    auto* params = new Poco::Net::HTTPServerParams;
    params->setMaxThreads(config_.threads);
    params->setMaxQueued(256);
    params->setTimeout(Poco::Timespan(int64_t(config_.timeoutMs) * 1000));
    params->setKeepAlive(true);
    server_ = std::make_unique<Poco::Net::HTTPServer>(new Factory(*this), *pool_, socket, params);
    server_->start();
}

void ApiProxy::Impl::stop() {
    std::lock_guard<std::mutex> lock(stopMutex_);
    if (server_) {
        server_->stopAll(true);
        server_.reset();
        pool_->joinAll();
    }
}

void ApiProxy::Impl::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    const int64_t startMono = clock_.monotonicUs();
    ApiExchange exchange;
    exchange.started_wall_us = clock_.wallUs();
    exchange.client = request.clientAddress().toString();
    exchange.upstream = upstream_.url();
    exchange.method = request.getMethod();
    exchange.path = request.getURI();
    for (const auto& [name, value] : request) {
        exchange.request_headers.emplace_back(name, value);
    }
    Answer answer;
    std::string body;
    if (requestHasBody(request) && !readBounded(request.stream(), config_.maxBody, body)) {
        answer = ownError(413, "Payload Too Large",
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

Answer ApiProxy::Impl::forward(Poco::Net::HTTPServerRequest& request, const std::string& body) {
    std::string target = request.getURI();
    if (target.empty() || target[0] != '/') {
        target = "/" + target;
    }
    Poco::Net::HTTPRequest out(request.getMethod(), upstream_.basePath + target, Poco::Net::HTTPMessage::HTTP_1_1);
    std::set<std::string> named = connectionNamed(request);
    for (const auto& [name, value] : request) {
        if (!isHopByHop(name, named)) {
            out.add(name, value);
        }
    }
    out.setHost(upstream_.host, upstream_.port);
    if (!body.empty() || request.hasContentLength() || request.getChunkedTransferEncoding()) {
        out.setContentLength(static_cast<std::streamsize>(body.size()));
    }
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (upstream_.tls) {
        session = std::make_unique<Poco::Net::HTTPSClientSession>(upstream_.host, upstream_.port, context_);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(upstream_.host, upstream_.port);
    }
    session->setTimeout(Poco::Timespan(int64_t(config_.timeoutMs) * 1000));
    const std::string where = "API upstream " + upstream_.url();
    Answer answer;
    try {
        std::ostream& os = session->sendRequest(out);
        os.write(body.data(), static_cast<std::streamsize>(body.size()));
        Poco::Net::HTTPResponse in;
        std::istream& is = session->receiveResponse(in);
        if (!readBounded(is, config_.maxBody, answer.body)) {
            return ownError(502, "Bad Gateway",
                            "rtmtap: " + where + " answered with a body above " + std::to_string(config_.maxBody) +
                                " bytes");
        }
        answer.status = static_cast<int>(in.getStatus());
        answer.contentLength = in.hasContentLength() ? in.getContentLength64() : 0;
        answer.reason = in.getReason();
        std::set<std::string> upstreamNamed = connectionNamed(in);
        for (const auto& [name, value] : in) {
            if (!isHopByHop(name, upstreamNamed)) {
                answer.headers.emplace_back(name, value);
            }
        }
    } catch (const Poco::TimeoutException&) {
        return ownError(504, "Gateway Timeout", "rtmtap: " + where + " did not answer in time");
    } catch (const Poco::Exception& e) {
        return ownError(502, "Bad Gateway", "rtmtap: cannot reach " + where + ": " + e.displayText());
    }
    return answer;
}

void ApiProxy::Impl::rewrite(Poco::Net::HTTPServerRequest& request, Answer& answer, ApiExchange& exchange) {
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
    return impl_->port_;
}

std::string ApiProxy::listenUrl() const {
    const std::string& host = impl_->config_.listenHost;
    std::string h = host.find(':') != std::string::npos ? "[" + host + "]" : host;
    return "http://" + h + ":" + std::to_string(impl_->port_);
}

void ApiProxy::stop() {
    impl_->stop();
}

}  // namespace rtmtap
