#include "SimApi.h"

#include "CorsHeaders.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/NameValueCollection.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <algorithm>
#include <sstream>

namespace rtmtap {
namespace {

using Poco::Net::HTTPResponse;

std::string pathOf(const std::string& uri) {
    try {
        return Poco::URI(uri).getPath();
    } catch (const std::exception&) {
        return uri;
    }
}

// Listening on every interface, the endpoint names the host the client reached the API by.
std::string endpointFor(const std::string& endpoint, const Poco::Net::HTTPServerRequest& request) {
    for (const std::string any : {"://0.0.0.0:", "://[::]:"}) {
        const size_t at = endpoint.find(any);
        if (at == std::string::npos || !request.has("Host")) {
            continue;
        }
        std::string host = request.getHost();
        const size_t colon = host.rfind(':');
        if (colon != std::string::npos && host.find(']', colon) == std::string::npos) {
            host.resize(colon);
        }
        return endpoint.substr(0, at + 3) + host + endpoint.substr(at + any.size() - 1);
    }
    return endpoint;
}

}  // namespace

const SimApi::Route* SimApi::findRoute(const std::string& path) {
    static const std::vector<Route> routes = {
        {"/api/v1/user.login", {"POST"}, &SimApi::login},
        {"/api/v1/rtm.connect", {"GET", "POST"}, &SimApi::rtmConnect},
    };
    auto it = std::find_if(routes.begin(), routes.end(), [&](const Route& r) { return r.path == path; });
    return it == routes.end() ? nullptr : &*it;
}

SimApi::SimApi(SimWorld& world, const SimJwt& jwt, std::string wsEndpoint)
    : world_(world), jwt_(jwt), wsEndpoint_(std::move(wsEndpoint)) {}

void SimApi::handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    try {
        const std::string path = pathOf(request.getURI());
        const Route* route = findRoute(path);
        const CorsHeaders cors(route ? route->methods : CorsHeaders::unknownRouteMethods());
        cors.apply(request, response);  // on every answer, errors included
        const std::string& method = request.getMethod();
        if (CorsHeaders::isPreflight(request)) {
            cors.answerPreflight(request, response);
        } else if (!route) {
            error(response, 404, "Unknown API method " + path + " (the simulator serves user.login and rtm.connect)");
        } else if (std::find(route->methods.begin(), route->methods.end(), method) == route->methods.end()) {
            error(response, 405, "Method not allowed (use " + route->methods.front() + ")");
        } else {
            (this->*route->serve)(request, response);
        }
    } catch (const std::exception& e) {
        if (!response.sent()) {
            error(response, 500, std::string("Internal error: ") + e.what());
        }
    }
}

void SimApi::login(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    Poco::Net::HTMLForm form;
    try {
        form.setFieldLimit(100);
        form.load(request, request.stream());
    } catch (const std::exception&) {
        error(response, 422, "Malformed form body (send application/x-www-form-urlencoded user and password)");
        return;
    }
    const std::string user = form.has("user") ? form.get("user") : form.get("email", "");
    if (user.empty() || !form.has("password")) {
        error(response, 422, "The user (or email) and password fields are required");
        return;
    }
    auto found = world_.login(user, form.get("password"));
    if (!found) {
        error(response, 401, "Invalid credentials");
        return;
    }
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr meta = new Poco::JSON::Object;
    meta->set("ok", true);
    body.set("meta", meta);
    body.set("token", jwt_.sign(claimsFor(*found, request, kLoginTokenSeconds)));
    Poco::JSON::Object::Ptr u = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    u->set("id", found->id);
    u->set("email", found->email);
    u->set("display_name", found->displayName);
    u->set("has_avatar", found->hasAvatar);
    u->set("is_email_verified", true);
    body.set("user", u);
    std::ostringstream out;
    body.stringify(out);
    sendJson(response, 200, out.str());
}

void SimApi::rtmConnect(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response) {
    SimClaims claims;
    if (jwt_.verify(bearer(request), world_.nowUnix(), &claims) != JwtCheck::Ok) {
        error(response, 401, "Unauthorized");
        return;
    }
    auto user = world_.user(claims.userId);
    if (!user) {
        error(response, 401, "Unauthorized");
        return;
    }
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr meta = new Poco::JSON::Object;
    meta->set("ok", true);
    body.set("meta", meta);
    Poco::JSON::Object::Ptr rtm = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    rtm->set("ws_endpoint", endpointFor(wsEndpoint_, request));
    rtm->set("ws_token", jwt_.sign(claimsFor(*user, request, kWsTokenSeconds)));
    body.set("rtm", rtm);
    std::ostringstream out;
    body.stringify(out, 4);  // the real server pretty-prints this answer
    sendJson(response, 200, out.str());
}

// Where the real API looks for the token, in its order.
std::string SimApi::bearer(const Poco::Net::HTTPServerRequest& request) const {
    for (const char* header : {"Authorization", "AuthorizationAlt"}) {
        const std::string value = Poco::trim(request.get(header, ""));
        if (Poco::icompare(value.substr(0, 7), "Bearer ") == 0) {
            return Poco::trim(value.substr(7));
        }
    }
    try {
        for (const auto& [name, value] : Poco::URI(request.getURI()).getQueryParameters()) {
            if (name == "token") {
                return value;
            }
        }
    } catch (const std::exception&) {
        return "";  // an unparseable query holds no token
    }
    Poco::Net::NameValueCollection cookies;
    request.getCookies(cookies);
    return cookies.get("token", "");
}

SimClaims SimApi::claimsFor(const SimUser& user, const Poco::Net::HTTPServerRequest& request, int64_t lifetime) {
    SimClaims c;
    const int64_t now = world_.nowUnix();
    c.userId = user.id;
    c.userName = user.displayName;
    c.clientIp = request.clientAddress().host().toString();
    c.userAgent = request.get("User-Agent", "");
    c.expiry = now + lifetime;
    c.fingerPrint = world_.randomFingerPrint();
    c.topic = "user_" + std::to_string(user.id);
    c.createdOn = now;
    return c;
}

void SimApi::error(Poco::Net::HTTPServerResponse& response, int status, const std::string& text) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr meta = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    meta->set("ok", false);
    meta->set("error", text);
    body.set("meta", meta);
    std::ostringstream out;
    body.stringify(out);
    sendJson(response, status, out.str());
}

void SimApi::sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& body) {
    response.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response.setContentType("application/json");
    response.setContentLength(static_cast<std::streamsize>(body.size()));
    response.send() << body;
}

}  // namespace rtmtap
