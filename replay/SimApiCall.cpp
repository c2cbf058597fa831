#include "SimApiCall.h"

#include <Poco/Net/NameValueCollection.h>
#include <Poco/NumberParser.h>
#include <Poco/String.h>
#include <Poco/URI.h>

#include <limits>
#include <sstream>

namespace rtmtap {

using Poco::Net::HTTPResponse;

SimApiCall::SimApiCall(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response,
                       SimWorld& world, const SimJwt& jwt, SimSessions& sessions)
    : request_(request), response_(response), world_(world), jwt_(jwt), sessions_(sessions) {}

std::string SimApiCall::clientIp() const {
    return request_.clientAddress().host().toString();
}

// HTMLForm reads the query string and, for a POST, a form-urlencoded or multipart body.
Poco::Net::HTMLForm& SimApiCall::form() {
    if (!form_) {
        auto form = std::make_unique<Poco::Net::HTMLForm>();
        try {
            form->setFieldLimit(100);
            form->load(request_, request_.stream());
        } catch (const std::exception&) {
            throw Failure(422, "Malformed parameters (send a query string or an application/x-www-form-urlencoded body, at most 100 fields of 256 KiB each)");
        }
        form_ = std::move(form);
    }
    return *form_;
}

bool SimApiCall::has(const std::string& name) {
    return form().has(name);
}

std::string SimApiCall::param(const std::string& name, const std::string& fallback) {
    return form().get(name, fallback);
}

std::string SimApiCall::required(const std::string& name) {
    std::string value = param(name);
    if (value.empty()) {
        throw Failure(422, "The " + name + " field is required", name);
    }
    return value;
}

int64_t SimApiCall::requiredInt(const std::string& name) {
    Poco::Int64 value = 0;
    if (!Poco::NumberParser::tryParse64(Poco::trim(required(name)), value)) {
        throw Failure(422, "The " + name + " field must be an integer", name);
    }
    return value;
}

int64_t SimApiCall::intParam(const std::string& name, int64_t fallback) {
    Poco::Int64 value = 0;
    return Poco::NumberParser::tryParse64(Poco::trim(param(name)), value) ? value : fallback;
}

SimUser SimApiCall::user(bool acceptExpired) {
    const std::string token = bearer();
    // An expired token fails verify(); with acceptExpired its signature and claims are checked
    // against the earliest possible time instead, so only the expiry is waived.
    const int64_t at = acceptExpired ? std::numeric_limits<int64_t>::min() : now();
    SimClaims claims;
    if (token.empty() || jwt_.verify(token, at, &claims) != JwtCheck::Ok || sessions_.revoked(token)) {
        throw Failure(401, "Unauthorized");
    }
    auto found = world_.user(claims.userId);
    if (!found) {
        throw Failure(401, "Unauthorized");
    }
    claims_ = claims;
    return *found;
}

std::string SimApiCall::bearer() const {
    for (const char* header : {"Authorization", "AuthorizationAlt"}) {
        const std::string value = Poco::trim(request_.get(header, ""));
        if (Poco::icompare(value.substr(0, 7), "Bearer ") == 0) {
            return Poco::trim(value.substr(7));
        }
    }
    try {
        for (const auto& [name, value] : Poco::URI(request_.getURI()).getQueryParameters()) {
            if (name == "token") {
                return value;
            }
        }
    } catch (const std::exception&) {
        return "";  // an unparseable query holds no token
    }
    Poco::Net::NameValueCollection cookies;
    request_.getCookies(cookies);
    return cookies.get("token", "");
}

Poco::JSON::Object::Ptr SimApiCall::answer() {
    Poco::JSON::Object::Ptr body = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr meta = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    meta->set("ok", true);
    body->set("meta", meta);
    return body;
}

void SimApiCall::reply(const Poco::JSON::Object& body, int status, unsigned indent) {
    std::ostringstream out;
    body.stringify(out, indent);
    const std::string text = out.str();
    response_.setStatusAndReason(static_cast<HTTPResponse::HTTPStatus>(status));
    response_.setContentType("application/json");
    response_.setContentLength(static_cast<std::streamsize>(text.size()));
    response_.send() << text;
}

void SimApiCall::replyError(int status, const std::string& message, const std::string& field) {
    Poco::JSON::Object body(Poco::JSON_PRESERVE_KEY_ORDER);
    Poco::JSON::Object::Ptr meta = new Poco::JSON::Object(Poco::JSON_PRESERVE_KEY_ORDER);
    meta->set("ok", false);
    meta->set("error", message);
    body.set("meta", meta);
    if (!field.empty()) {
        body.set(field, message);
    }
    reply(body, status);
}

}  // namespace rtmtap
