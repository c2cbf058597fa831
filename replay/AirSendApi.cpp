#include "AirSendApi.h"

#include "proxy/HttpsClientContext.h"

#include <Poco/Exception.h>
#include <Poco/JSON/Object.h>
#include <Poco/JSON/Parser.h>
#include <Poco/Net/Context.h>
#include <Poco/Net/HTTPClientSession.h>
#include <Poco/Net/HTTPRequest.h>
#include <Poco/Net/HTTPResponse.h>
#include <Poco/Net/HTTPSClientSession.h>
#include <Poco/NumberParser.h>
#include <Poco/StreamCopier.h>
#include <Poco/URI.h>

#include <sstream>

namespace rtmtap {
namespace {

struct HttpAnswer {
    int status = 0;
    std::string reason;
    std::string body;
    std::string retryAfter;  // the RetryAfter header of a 429 (AirSend's RateLimitMiddleware)
};

Poco::JSON::Object::Ptr parseObject(const std::string& body) {
    try {
        Poco::Dynamic::Var v = Poco::JSON::Parser().parse(body);
        if (v.type() == typeid(Poco::JSON::Object::Ptr)) {
            return v.extract<Poco::JSON::Object::Ptr>();
        }
    } catch (const Poco::Exception&) {
        // Not JSON: the caller reports it.
    }
    return nullptr;
}

// "401 Unauthorized: <meta.error or the body>", the tail of every HTTP failure message.
std::string describeFailure(const HttpAnswer& a) {
    std::string out = std::to_string(a.status) + " " + a.reason;
    std::string detail;
    if (auto obj = parseObject(a.body)) {
        if (auto meta = obj->getObject("meta"); meta && meta->has("error")) {
            detail = meta->getValue<std::string>("error");
        }
    }
    if (detail.empty()) {
        detail = a.body;
    }
    return detail.empty() ? out : out + ": " + AirSendApi::preview(detail);
}

std::string stringField(const Poco::JSON::Object::Ptr& obj, const std::string& key) {
    if (!obj || !obj->has(key) || !obj->get(key).isString()) {
        return "";
    }
    return obj->getValue<std::string>(key);
}

// application/x-www-form-urlencoded value: everything but unreserved characters escaped.
std::string formValue(const std::string& text) {
    std::string out;
    Poco::URI::encode(text, "!#$&'()*+,/:;=?@[]% \"<>\\^`{|}", out);
    return out;
}

std::string trimSlash(std::string path) {
    while (!path.empty() && path.back() == '/') {
        path.pop_back();
    }
    return path;
}

HttpAnswer exchange(Poco::Net::HTTPClientSession& session, Poco::Net::HTTPRequest& request, const std::string& body,
                    const std::string& url) {
    HttpAnswer answer;
    try {
        std::ostream& out = session.sendRequest(request);
        out << body;
        Poco::Net::HTTPResponse response;
        std::istream& in = session.receiveResponse(response);
        std::ostringstream text;
        Poco::StreamCopier::copyStream(in, text);
        answer.status = static_cast<int>(response.getStatus());
        answer.reason = response.getReason();
        answer.body = text.str();
        answer.retryAfter = response.get("RetryAfter", "");
    } catch (const Poco::Exception& e) {
        throw RtmClientError("cannot reach the API at " + url + ": " + e.displayText());
    }
    return answer;
}

// A POST with a form-urlencoded body; bearer "" sends no Authorization.
HttpAnswer postForm(const RtmClientOptions& options, const std::string& url, const std::string& bearer,
                    const std::string& body) {
    std::string path;
    auto session = AirSendApi::session(url, options, path);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_POST, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.setContentType("application/x-www-form-urlencoded");
    request.setContentLength(static_cast<std::streamsize>(body.size()));
    request.set("User-Agent", options.userAgent);
    if (!bearer.empty()) {
        request.set("Authorization", "Bearer " + bearer);
    }
    return exchange(*session, request, body, url);
}

// RetryAfter is whole seconds; anything else (absent, garbage, negative) counts as none.
int retryAfterSeconds(const std::string& header) {
    int seconds = 0;
    if (!Poco::NumberParser::tryParse(header, seconds) || seconds < 0) {
        return 0;
    }
    return seconds;
}

}  // namespace

std::string AirSendApi::preview(const std::string& text) {
    std::string out;
    for (char c : text) {
        out += (c == '\n' || c == '\r' || c == '\t') ? ' ' : c;
        if (out.size() >= 120) {
            return out + "...";
        }
    }
    return out;
}

std::unique_ptr<Poco::Net::HTTPClientSession> AirSendApi::session(const std::string& url, const RtmClientOptions& options,
                                                                  std::string& path) {
    Poco::URI uri;
    try {
        uri = Poco::URI(url);
    } catch (const Poco::Exception& e) {
        throw RtmClientError("invalid URL '" + url + "': " + e.message());
    }
    const std::string scheme = uri.getScheme();
    const bool tls = scheme == "https" || scheme == "wss";
    if (!tls && scheme != "http" && scheme != "ws") {
        throw RtmClientError("invalid URL '" + url + "' (use http://, https://, ws:// or wss://)");
    }
    if (uri.getHost().empty()) {
        throw RtmClientError("invalid URL '" + url + "': no host");
    }
    path = uri.getPathAndQuery();
    std::unique_ptr<Poco::Net::HTTPClientSession> session;
    if (tls) {
        Poco::Net::Context::Ptr context;
        try {
            context = httpsClientContext(options.caFile, options.insecure);
        } catch (const std::exception& e) {
            throw RtmClientError(e.what());
        }
        session = std::make_unique<Poco::Net::HTTPSClientSession>(uri.getHost(), uri.getPort(), context);
    } else {
        session = std::make_unique<Poco::Net::HTTPClientSession>(uri.getHost(), uri.getPort());
    }
    session->setTimeout(Poco::Timespan(static_cast<Poco::Timespan::TimeDiff>(options.timeoutMs) * 1000));
    // Without keep-alive POCO sends "Connection: close", which breaks the WebSocket upgrade.
    session->setKeepAlive(true);
    return session;
}

std::string AirSendApi::login(const std::string& api, const std::string& user, const std::string& password) const {
    const std::string url = trimSlash(api) + "/api/v1/user.login";
    HttpAnswer answer = postForm(options_, url, "", "user=" + formValue(user) + "&password=" + formValue(password));
    if (answer.status != 200) {
        throw RtmClientError("login failed: " + describeFailure(answer));
    }
    std::string token = stringField(parseObject(answer.body), "token");
    if (token.empty()) {
        throw RtmClientError("login failed: the answer of " + url + " has no token: " + preview(answer.body));
    }
    return token;
}

RtmEndpoint AirSendApi::rtmConnect(const std::string& api, const std::string& bearer) const {
    const std::string url = trimSlash(api) + "/api/v1/rtm.connect";
    std::string path;
    auto session = AirSendApi::session(url, options_, path);
    Poco::Net::HTTPRequest request(Poco::Net::HTTPRequest::HTTP_GET, path, Poco::Net::HTTPMessage::HTTP_1_1);
    request.set("Authorization", "Bearer " + bearer);
    request.set("User-Agent", options_.userAgent);
    HttpAnswer answer = exchange(*session, request, "", url);
    if (answer.status == 429) {
        throw RtmRateLimited("rtm.connect failed: " + describeFailure(answer), retryAfterSeconds(answer.retryAfter));
    }
    if (answer.status != 200) {
        throw RtmClientError("rtm.connect failed: " + describeFailure(answer));
    }
    auto obj = parseObject(answer.body);
    Poco::JSON::Object::Ptr rtm = obj ? obj->getObject("rtm") : nullptr;
    RtmEndpoint endpoint{stringField(rtm, "ws_endpoint"), stringField(rtm, "ws_token")};
    if (endpoint.wsEndpoint.empty()) {
        throw RtmClientError("rtm.connect failed: the answer has no rtm.ws_endpoint: " + preview(answer.body));
    }
    if (endpoint.wsToken.empty()) {
        throw RtmClientError("rtm.connect failed: the answer has no rtm.ws_token: " + preview(answer.body));
    }
    return endpoint;
}

void AirSendApi::systemPing(const std::string& api, const std::string& bearer, const SystemPingForm& form) const {
    const std::string body = "finger_print=" + formValue(form.fingerPrint) + "&ping_token=" + formValue(form.pingToken) +
                             "&last_latency=" + std::to_string(form.lastLatencyMs);
    HttpAnswer answer = postForm(options_, trimSlash(api) + "/api/v1/system.ping", bearer, body);
    if (answer.status != 200) {
        throw RtmClientError("system.ping failed: " + describeFailure(answer));
    }
}

}  // namespace rtmtap
