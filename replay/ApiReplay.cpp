#include "ApiReplay.h"

#include "CorsHeaders.h"
#include "WsServer.h"
#include "protocol/JsonText.h"
#include "proxy/ConnectRewrite.h"
#include "proxy/HttpHead.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>
#include <Poco/NullStream.h>
#include <Poco/StreamCopier.h>

#include <algorithm>
#include <cctype>

namespace rtmtap {
namespace {

std::string pathOf(const std::string& target) {
    return target.substr(0, target.find('?'));
}

std::string lower(std::string s) {
    std::transform(s.begin(), s.end(), s.begin(), [](unsigned char c) { return static_cast<char>(std::tolower(c)); });
    return s;
}

// Headers that describe this connection or this body, not the recorded answer: the server sets
// its own. CORS headers come from CorsHeaders.
bool replayedHeader(const std::string& name) {
    static const char* const kSkip[] = {"connection", "keep-alive", "transfer-encoding", "content-length", "date",
                                        "content-encoding", "upgrade", "proxy-connection", "te", "trailer"};
    const std::string n = lower(name);
    if (n.rfind("access-control-", 0) == 0) {
        return false;
    }
    return std::none_of(std::begin(kSkip), std::end(kSkip), [&](const char* s) { return n == s; });
}

}  // namespace

ApiReplay::ApiReplay(const std::string& host, uint16_t port, std::vector<RecordedApiCall> calls, std::string wsUrl, Log log)
    : host_(host), calls_(std::move(calls)), wsUrl_(std::move(wsUrl)), log_(std::move(log)) {
    // A recorded preflight is no answer to replay: every preflight is answered here from the
    // routes the recording holds (CorsHeaders), as the real API answers them.
    calls_.erase(std::remove_if(calls_.begin(), calls_.end(), [](const RecordedApiCall& c) { return c.method == "OPTIONS"; }),
                 calls_.end());
    HttpServiceConfig http;
    http.host = host;
    http.port = port;
    http.threads = 32;
    http.stackSize = 256 * 1024;
    server_ = std::make_unique<HttpService>(http, [this](auto& req, auto& resp) { handle(req, resp); });
}

ApiReplay::~ApiReplay() {
    stop();
}

void ApiReplay::start() {
    server_->start();
}

void ApiReplay::stop() {
    server_->stop();
}

std::string ApiReplay::url() const {
    return "http://" + host_ + ":" + std::to_string(port());
}

const RecordedApiCall* ApiReplay::match(const std::string& method, const std::string& target) {
    std::vector<const RecordedApiCall*> exact, samePath;
    for (const RecordedApiCall& call : calls_) {
        if (call.method != method) {
            continue;
        }
        if (call.path == target) {
            exact.push_back(&call);
        }
        if (pathOf(call.path) == pathOf(target)) {
            samePath.push_back(&call);
        }
    }
    const bool useExact = !exact.empty();
    const std::vector<const RecordedApiCall*>& found = useExact ? exact : samePath;
    if (found.empty()) {
        return nullptr;
    }
    std::lock_guard lock(mutex_);
    size_t& used = used_[method + (useExact ? " = " + target : " ~ " + pathOf(target))];
    const RecordedApiCall* call = found[std::min(used, found.size() - 1)];
    ++used;
    return call;
}

std::string ApiReplay::bodyFor(const RecordedApiCall& call) const {
    if (!isRtmConnectPath(call.path)) {
        return call.response_body;
    }
    std::optional<ConnectRewrite> rewritten =
        rewriteRtmConnect(call.response_body, [this](const std::string&) -> std::optional<std::string> { return wsUrl_; });
    return rewritten ? rewritten->body : call.response_body;
}

void ApiReplay::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    // The body is not compared (a login's password is the client's own business): read it so the
    // connection can be kept alive, but only when there is one (a browser's preflight has none).
    if (requestHasBody(request)) {
        Poco::NullOutputStream sink;
        Poco::StreamCopier::copyStream(request.stream(), sink);
    }
    const std::string method = request.getMethod();
    const std::string target = request.getURI();
    std::vector<std::string> methods;
    for (const RecordedApiCall& call : calls_) {
        if (pathOf(call.path) == pathOf(target) && std::find(methods.begin(), methods.end(), call.method) == methods.end()) {
            methods.push_back(call.method);
        }
    }
    const CorsHeaders cors(methods.empty() ? CorsHeaders::unknownRouteMethods() : methods);
    if (CorsHeaders::isPreflight(request)) {
        cors.answerPreflight(request, response);
        return;
    }
    cors.apply(request, response);
    const RecordedApiCall* call = match(method, target);
    if (!call) {
        const std::string error = "rtmtap replay: the recording holds no answer to " + method + " " + pathOf(target);
        if (log_) {
            log_("API " + method + " " + target + ": not in the recording (404)");
        }
        const std::string body = "{\"meta\":{\"ok\":false,\"error\":" + jsonString(error) + "}}";
        response.setStatusAndReason(Poco::Net::HTTPResponse::HTTP_NOT_FOUND);
        response.setContentType("application/json");
        response.setContentLength(static_cast<std::streamsize>(body.size()));
        response.send() << body;
        return;
    }
    for (const auto& [name, value] : call->response_headers) {
        if (replayedHeader(name)) {
            response.add(name, value);
        }
    }
    const std::string body = bodyFor(*call);
    if (log_) {
        log_("API " + method + " " + target + ": " + std::to_string(call->status) + " from the recording");
    }
    response.setStatusAndReason(static_cast<Poco::Net::HTTPResponse::HTTPStatus>(call->status));
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
}

}  // namespace rtmtap
