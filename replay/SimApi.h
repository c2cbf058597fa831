#pragma once
// The simulator's HTTP API, the part of AirSend's login flow a client needs:
//   POST /api/v1/user.login  form: user (or email), password
//        200 {"meta":{"ok":true},"token":JWT,"user":{...}}; 401 bad credentials; 422 malformed form
//   GET  /api/v1/rtm.connect  Authorization: Bearer JWT (or AuthorizationAlt, ?token=, cookie token)
//        200 {"meta":{"ok":true},"rtm":{"ws_endpoint":"ws://HOST:PORT","ws_token":JWT}}; 401 otherwise
// Errors are {"meta":{"ok":false,"error":"..."}}: an unknown path is 404, a wrong method 405.
// As the real API, every answer carries the CORS headers (CorsHeaders), and an OPTIONS preflight
// of any path is answered 200 without a body: a page of another origin can log in.
#include "SimJwt.h"
#include "SimWorld.h"

#include <Poco/Net/HTTPServerRequest.h>
#include <Poco/Net/HTTPServerResponse.h>

#include <string>
#include <vector>

namespace rtmtap {

class SimApi {
public:
    static constexpr int64_t kLoginTokenSeconds = 30 * 86400;
    static constexpr int64_t kWsTokenSeconds = 24 * 3600;

    // wsEndpoint: what rtm.connect hands out, e.g. "ws://127.0.0.1:9001".
    SimApi(SimWorld& world, const SimJwt& jwt, std::string wsEndpoint);

    void handle(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);

private:
    using Serve = void (SimApi::*)(Poco::Net::HTTPServerRequest&, Poco::Net::HTTPServerResponse&);
    struct Route {
        std::string path;
        std::vector<std::string> methods;  // the first is the one named in a 405
        Serve serve;
    };
    static const Route* findRoute(const std::string& path);

    void login(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    void rtmConnect(Poco::Net::HTTPServerRequest& request, Poco::Net::HTTPServerResponse& response);
    std::string bearer(const Poco::Net::HTTPServerRequest& request) const;
    SimClaims claimsFor(const SimUser& user, const Poco::Net::HTTPServerRequest& request, int64_t lifetime);
    static void error(Poco::Net::HTTPServerResponse& response, int status, const std::string& text);
    static void sendJson(Poco::Net::HTTPServerResponse& response, int status, const std::string& body);

    SimWorld& world_;
    const SimJwt& jwt_;
    std::string wsEndpoint_;
};

}  // namespace rtmtap
