#pragma once
// One call of the simulator's HTTP API, as a route sees it: its parameters (query string and
// form body, as the real API reads them), the bearer's user, and the JSON answer. A refusal is
// thrown as a Failure, which the dispatcher (SimApi) writes as the real API does:
//   {"meta":{"ok":false,"error":"..."}} with the status (401, 404, 422...).
#include "SimJwt.h"
#include "SimSessions.h"
#include "SimWorld.h"

#include <Poco/JSON/Object.h>
#include <Poco/Net/HTMLForm.h>
#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <memory>
#include <stdexcept>
#include <string>

namespace rtmtap {

class SimApiCall {
public:
    struct Failure : std::runtime_error {
        Failure(int status, const std::string& message, std::string field = "")
            : std::runtime_error(message), status(status), field(std::move(field)) {}
        int status;
        std::string field;  // a 422's parameter: the real validator names it in the answer too
    };

    SimApiCall(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response, SimWorld& world,
               const SimJwt& jwt, SimSessions& sessions);

    Poco::Net::HTTPServerRequest& request() { return request_; }
    Poco::Net::HTTPServerResponse& response() { return response_; }
    SimWorld& world() { return world_; }
    int64_t now() const { return world_.nowUnix(); }
    std::string clientIp() const;

    bool has(const std::string& name);
    std::string param(const std::string& name, const std::string& fallback = "");
    std::string required(const std::string& name);  // missing or empty: 422
    int64_t requiredInt(const std::string& name);   // missing or not an integer: 422
    int64_t intParam(const std::string& name, int64_t fallback);

    // The bearer token (Authorization, AuthorizationAlt, ?token=, cookie token: the real API's
    // order) verified, not logged out, of a known user; else a 401 "Unauthorized".
    // acceptExpired: a well-signed expired token passes (user.login.refresh).
    SimUser user(bool acceptExpired = false);
    const SimClaims& claims() const { return claims_; }  // of the token user() accepted
    std::string bearer() const;

    // {"meta":{"ok":true}}, to add the answer's content to.
    static Poco::JSON::Object::Ptr answer();
    void reply(const Poco::JSON::Object& body, int status = 200, unsigned indent = 0);
    void replyError(int status, const std::string& message, const std::string& field = "");

private:
    Poco::Net::HTMLForm& form();

    Poco::Net::HTTPServerRequest& request_;
    Poco::Net::HTTPServerResponse& response_;
    SimWorld& world_;
    const SimJwt& jwt_;
    SimSessions& sessions_;
    std::unique_ptr<Poco::Net::HTMLForm> form_;  // read at the first parameter asked for
    SimClaims claims_;
};

}  // namespace rtmtap
